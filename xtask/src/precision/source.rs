//! Reading a crate's sources the way its compiler would find them: the
//! module tree from the crate root (`mod x;` items, `#[path]`, and modules
//! declared inside macro invocations such as tokio's `cfg_rt! { mod runtime; }`),
//! and byte positions of what syn parsed.
//!
//! This is the harness's own reading, independent of the analysis measured:
//! it only has to be right about which files belong to which crate.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenTree};

/// One file of a crate's module tree.
#[derive(Debug, Clone)]
pub struct ModFile {
    pub path: PathBuf,
    /// Module names below the crate root.
    pub module: Vec<String>,
    /// Declared (itself or an ancestor) inside a macro invocation.
    pub via_macro: bool,
    /// Under `#[cfg(test)]` or a module named `tests`.
    pub test: bool,
}

/// The text of a file and its syntax tree, when syn can read it with
/// positions that match the text (no BOM, no shebang: syn strips them and
/// the positions would shift).
pub fn parse(path: &Path) -> Option<(String, syn::File)> {
    let text = std::fs::read_to_string(path).ok()?;
    let ast = parse_text(&text)?;
    Some((text, ast))
}

pub fn parse_text(text: &str) -> Option<syn::File> {
    if text.starts_with('\u{feff}') || (text.starts_with("#!") && !text.starts_with("#![")) {
        return None;
    }
    syn::parse_file(text).ok()
}

/// The byte range of a span in the text it was parsed from.
pub fn bytes(span: Span) -> Range<usize> {
    span.byte_range()
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let upto = text.get(..offset).unwrap_or(text);
    upto.bytes().filter(|&b| b == b'\n').count() as u32 + 1
}

/// The start of the line holding `offset`, and whether only white space
/// precedes `offset` on it.
pub fn line_start(text: &str, offset: usize) -> (usize, bool) {
    let upto = text.get(..offset).unwrap_or("");
    let start = upto.rfind('\n').map_or(0, |i| i + 1);
    let blank = upto.get(start..).is_some_and(|s| s.trim().is_empty());
    (start, blank)
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test")
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// `mod NAME;` declarations at the top level of a macro invocation's tokens,
/// with whether a `#[cfg(test)]` precedes them.
fn mods_in_macro(tokens: &proc_macro2::TokenStream) -> Vec<(String, bool)> {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    for i in 0..tts.len() {
        let (Some(TokenTree::Ident(m)), Some(TokenTree::Ident(name)), Some(TokenTree::Punct(p))) =
            (tts.get(i), tts.get(i + 1), tts.get(i + 2))
        else {
            continue;
        };
        if m != "mod" || p.as_char() != ';' {
            continue;
        }
        // Attributes right before (`#[cfg(test)] pub mod x;`): look back a few tokens.
        let back = tts.get(i.saturating_sub(4)..i).unwrap_or(&[]);
        let test = back.iter().any(|t| {
            matches!(t, TokenTree::Group(g) if g.stream().to_string().replace(' ', "") == "cfg(test)")
        });
        out.push((name.to_string(), test));
    }
    out
}

struct Walk {
    files: Vec<ModFile>,
    seen: BTreeSet<PathBuf>,
}

impl Walk {
    /// `owns_dir`: the file is a crate root or was named by `#[path]`.
    fn file(
        &mut self,
        path: PathBuf,
        module: Vec<String>,
        via_macro: bool,
        test: bool,
        owns_dir: bool,
    ) {
        let Ok(canonical) = path.canonicalize() else {
            return;
        };
        if !self.seen.insert(canonical) {
            return;
        }
        let Some((_, ast)) = parse(&path) else {
            return;
        };
        // Where `mod x;` looks for `x.rs`: a crate root, a `mod.rs` or a
        // file named by `#[path]` owns its folder, any other `y.rs` owns `y/`.
        let is_root = owns_dir || path.file_name().is_some_and(|n| n == "mod.rs");
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if is_root {
            parent.clone()
        } else {
            let stem = path
                .file_stem()
                .map(|s| s.to_os_string())
                .unwrap_or_default();
            parent.join(stem)
        };
        self.files.push(ModFile {
            path: path.clone(),
            module: module.clone(),
            via_macro,
            test,
        });
        self.items(&ast.items, &dir, &parent, &module, via_macro, test);
    }

    fn items(
        &mut self,
        items: &[syn::Item],
        dir: &Path,
        file_dir: &Path,
        module: &[String],
        via_macro: bool,
        test: bool,
    ) {
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let test = test || is_cfg_test(&m.attrs) || name == "tests";
                    let mut sub = module.to_vec();
                    sub.push(name.clone());
                    match &m.content {
                        Some((_, inner)) => {
                            self.items(inner, &dir.join(&name), file_dir, &sub, via_macro, test)
                        }
                        None => match path_attr(&m.attrs) {
                            Some(p) => self.file(file_dir.join(p), sub, via_macro, test, true),
                            None => {
                                if let Some(f) = child(dir, &name) {
                                    self.file(f, sub, via_macro, test, false);
                                }
                            }
                        },
                    }
                }
                syn::Item::Macro(m) => {
                    for (name, cfg_test) in mods_in_macro(&m.mac.tokens) {
                        let mut sub = module.to_vec();
                        sub.push(name.clone());
                        if let Some(f) = child(dir, &name) {
                            let test = test || cfg_test || name == "tests";
                            self.file(f, sub, true, test, false);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn child(dir: &Path, name: &str) -> Option<PathBuf> {
    let flat = dir.join(format!("{name}.rs"));
    if flat.is_file() {
        return Some(flat);
    }
    let nested = dir.join(name).join("mod.rs");
    nested.is_file().then_some(nested)
}

/// Every file of the crate rooted at `root` that syn can read.
pub fn module_tree(root: &Path) -> Vec<ModFile> {
    let mut w = Walk {
        files: Vec::new(),
        seen: BTreeSet::new(),
    };
    w.file(root.to_path_buf(), Vec::new(), false, false, true);
    w.files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_tree_follows_mod_items_path_attributes_and_macro_declared_modules() {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("rt/inner")).expect("mkdir");
        let write = |p: &str, s: &str| std::fs::write(src.join(p), s).expect("write");
        write(
            "lib.rs",
            "mod plain;\ncfg_rt! { pub mod rt; }\n#[path = \"elsewhere.rs\"] mod moved;\n#[cfg(test)] mod tests;\nmod absent;\n",
        );
        write("plain.rs", "pub fn f() {}\n");
        write("rt/mod.rs", "mod inner;\n");
        write("rt/inner/mod.rs", "pub fn g() {}\n");
        // A file named by `#[path]` owns its folder, like a `mod.rs`.
        write("elsewhere.rs", "mod near;\npub fn h() {}\n");
        write("near.rs", "pub fn n() {}\n");
        write("tests.rs", "fn t() {}\n");
        let tree = module_tree(&src.join("lib.rs"));
        let find = |m: &str| {
            tree.iter()
                .find(|f| f.module.join("::") == m)
                .unwrap_or_else(|| panic!("module {m} not found in {tree:#?}"))
        };
        assert!(!find("plain").via_macro);
        assert!(find("rt").via_macro);
        assert!(
            find("rt::inner").via_macro,
            "inherited from the macro-declared parent"
        );
        assert!(find("moved").path.ends_with("elsewhere.rs"));
        assert!(find("moved::near").path.ends_with("src/near.rs"));
        assert!(find("tests").test);
        assert_eq!(
            tree.len(),
            7,
            "lib, plain, rt, rt::inner, moved, moved::near, tests"
        );
    }

    #[test]
    fn lines_and_line_starts() {
        let t = "a\n  bc\n";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 4), 2);
        assert_eq!(line_start(t, 4), (2, true));
        assert_eq!(line_start(t, 5), (2, false));
    }
}
