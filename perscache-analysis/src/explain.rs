//! `cargo perscache explain`: what a function's code hash covers, and why
//! each item is there.

use serde::Serialize;

use crate::analyze::Analysis;
use crate::graph::IncludeDep;
use crate::manifest::display_path;
use crate::parse::Kind;

/// One item a function's hash covers.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainedItem {
    /// The item (`app::money::Money`, `app::m::<impl Add for Money>::add`).
    pub item: String,
    /// What it is: `fn`, `type`, `trait`, `impl`, `const`, `macro`, ...
    pub kind: &'static str,
    /// Its file (relative to the workspace root when inside it) and line.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Why it is there.
    pub why: String,
    /// The item that reached it.
    pub via: Option<String>,
}

/// What a function's hash covers.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The function's full path.
    pub function: String,
    /// Its code hash.
    pub code_hash: String,
    /// Every item of its closure, in the order they were reached.
    pub items: Vec<ExplainedItem>,
    /// External crates (`name@version`) it reaches.
    pub external: Vec<String>,
    /// Files read at compile time whose contents are in the hash.
    pub files: Vec<String>,
    /// Environment variables read at compile time: their values enter each
    /// key when the program is built (`crate: NAME`).
    pub env: Vec<String>,
    /// What else enters every key, from the build.
    pub build_inputs: Vec<String>,
    /// Where the analysis widened, and why.
    pub notes: Vec<String>,
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Fn => "fn",
        Kind::Type => "type",
        Kind::Alias => "type alias",
        Kind::Trait => "trait",
        Kind::Value => "const/static",
        Kind::MacroDef => "macro_rules!",
        Kind::MacroCall => "macro invocation",
        Kind::Mod => "mod",
        Kind::Use => "use",
        Kind::Impl => "impl",
        Kind::ExternCrate => "extern crate",
        Kind::Other => "item",
    }
}

impl Analysis {
    /// The functions whose path is `name`, ends with `::name`, or whose
    /// name is `name`.
    pub fn find(&self, name: &str) -> Vec<usize> {
        let fs = &self.manifest.functions;
        let exact: Vec<usize> = (0..fs.len()).filter(|&i| fs[i].function == name).collect();
        if !exact.is_empty() {
            return exact;
        }
        let suffix = format!("::{name}");
        (0..fs.len())
            .filter(|&i| fs[i].function.ends_with(&suffix) || fs[i].name == name)
            .collect()
    }

    /// What the hash of the `i`th function of the manifest covers.
    pub fn explain(&self, i: usize) -> Explanation {
        let g = &self.graph;
        let entry = &self.manifest.functions[i];
        let d = &self.details[i];
        let root = &self.manifest.root;
        let items = d
            .closure
            .reached
            .iter()
            .map(|(n, from)| {
                let node = &g.nodes[*n];
                let (why, via) = match from {
                    None => ("the function itself".to_owned(), None),
                    Some((f, r)) => (r.to_string(), Some(g.nodes[*f].key.clone())),
                };
                ExplainedItem {
                    item: node.key.clone(),
                    kind: kind_name(node.kind),
                    file: display_path(root, &node.file),
                    line: node.line,
                    why,
                    via,
                }
            })
            .collect();
        let files = d
            .closure
            .includes
            .iter()
            .map(|inc| match inc {
                IncludeDep::File(p) => display_path(root, p),
                IncludeDep::Unknown { krate, what } => format!(
                    "{what} in {} with a path only the build knows (its files enter the key)",
                    g.crates[*krate].info.name
                ),
            })
            .collect();
        let env = d
            .closure
            .env
            .iter()
            .map(|(k, v)| {
                let name = &g.crates[*k].info.name;
                if v == crate::parse::ANY_ENV_VAR {
                    format!("{name}: every variable it reads (a name only the build knows)")
                } else if v == crate::parse::PACKAGE_ENV_VARS {
                    format!(
                        "{name}: the package's variables (CARGO_PKG_*), which a macro from outside the workspace may read"
                    )
                } else {
                    format!("{name}: {v}")
                }
            })
            .collect();
        Explanation {
            function: entry.function.clone(),
            code_hash: entry.code_hash.clone(),
            items,
            external: entry.external.clone(),
            files,
            env,
            build_inputs: vec![
                "compiler version and target".into(),
                "the crate's --cfg values (features, build-script cfgs, RUSTFLAGS)".into(),
                "profile settings code can observe (opt-level, debug-assertions, overflow-checks, panic)".into(),
                "the version, features and source of each dependency the function reaches (cargo's hash)".into(),
                "values of the environment variables above".into(),
                "files read at compile time through paths only the build knows (OUT_DIR)".into(),
            ],
            notes: d.closure.notes.iter().map(|n| n.to_string()).collect(),
        }
    }
}
