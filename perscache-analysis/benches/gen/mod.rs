//! A generated workspace for the analysis benchmark: `CRATES` crates in a
//! chain of path dependencies, modules of about 300 lines with structs,
//! impls (inherent and `Display`), constants, helper chains across modules
//! and crates, and one marked function in every few modules.

use std::fmt::Write as _;
use std::path::Path;

const CRATES: usize = 10;
const LINES_PER_MODULE: usize = 300;

pub fn module_source(krate: usize, m: usize, modules: usize) -> String {
    let mut s = String::new();
    let prev = (m + modules - 1) % modules;
    let _ = writeln!(s, "//! Module {m} of crate {krate}.\n");
    let _ = writeln!(s, "use std::fmt;");
    let _ = writeln!(s, "use crate::m{prev}::Item{prev};");
    if krate > 0 {
        let _ = writeln!(s, "use gen{}::m{m}::helper_{m}_0 as upstream;", krate - 1);
    }
    let _ = writeln!(
        s,
        "\n/// A constant.\npub const LIMIT_{m}: u64 = {};\n",
        m * 7 + krate
    );
    let _ = writeln!(
        s,
        "/// An item.\n#[derive(Debug, Clone, Default)]\npub struct Item{m} {{\n    pub id: u64,\n    pub name: String,\n    pub values: Vec<u64>,\n}}\n"
    );
    let _ = writeln!(s, "impl Item{m} {{");
    for k in 0..6 {
        let _ = writeln!(
            s,
            "    /// Method {k}.\n    pub fn method_{k}(&self, x: u64) -> u64 {{\n        let mut acc = self.id.wrapping_add(x);\n        for v in &self.values {{\n            acc = acc.wrapping_mul(31).wrapping_add(*v);\n        }}\n        acc ^ LIMIT_{m}\n    }}\n"
        );
    }
    let _ = writeln!(s, "}}\n");
    let _ = writeln!(
        s,
        "impl fmt::Display for Item{m} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        write!(f, \"{{}}:{{}}\", self.id, self.name)\n    }}\n}}\n"
    );
    let mut line_count = s.lines().count();
    let mut k = 0;
    while line_count < LINES_PER_MODULE - 12 {
        let callee = if k == 0 {
            if krate > 0 {
                "upstream(x)".to_owned()
            } else {
                format!("Item{prev}::default().method_0(x)")
            }
        } else {
            format!("helper_{m}_{}(x / 2)", k - 1)
        };
        let marked = if k % 10 == 5 && m.is_multiple_of(4) {
            "#[perscache::persist]\n"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "/// Helper {k}: computes something.\n{marked}pub fn helper_{m}_{k}(x: u64) -> u64 {{\n    // Mixes in the previous helper.\n    let item = Item{m} {{ id: x, name: format!(\"n{{x}}\"), values: vec![x, x + 1] }};\n    let y = item.method_{}(x).wrapping_add({callee});\n    if y % 3 == 0 {{\n        y.rotate_left(5)\n    }} else {{\n        y ^ LIMIT_{m}\n    }}\n}}\n",
            k % 6
        );
        line_count = s.lines().count();
        k += 1;
    }
    s
}

/// Writes a workspace of about `lines` lines under `root`.
pub fn generate(root: &Path, lines: usize) -> std::io::Result<()> {
    let modules = (lines / LINES_PER_MODULE / CRATES).max(1);
    let mut members = String::new();
    for c in 0..CRATES {
        let _ = write!(members, "\"gen{c}\", ");
        let dir = root.join(format!("gen{c}"));
        std::fs::create_dir_all(dir.join("src"))?;
        let dep = if c > 0 {
            format!("gen{} = {{ path = \"../gen{}\" }}\n", c - 1, c - 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"gen{c}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dep}"),
        )?;
        let mut lib = String::from("//! Generated.\n\n");
        for m in 0..modules {
            let _ = writeln!(lib, "pub mod m{m};");
            std::fs::write(
                dir.join("src").join(format!("m{m}.rs")),
                module_source(c, m, modules),
            )?;
        }
        std::fs::write(dir.join("src/lib.rs"), lib)?;
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nmembers = [{members}]\nresolver = \"2\"\n"),
    )?;
    Ok(())
}
