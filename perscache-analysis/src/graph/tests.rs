//! The resolver's rules, one by one, on small in-memory crates: each test
//! checks that a closure holds what the rule must reach and nothing the rule
//! must leave out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Deps, Files, Graph, Memo, NodeId};
use crate::model::{CrateInfo, DepRef};
use crate::parse::{parse_file, FileSummary};

struct Mem(HashMap<PathBuf, Arc<FileSummary>>);

impl Files for Mem {
    fn get(&mut self, path: &Path) -> Option<Arc<FileSummary>> {
        self.0.get(path).cloned()
    }
}

/// A crate for [`graph`]: its name, its files (`lib.rs` first) and the
/// crates it depends on.
struct Krate<'a> {
    name: &'a str,
    files: &'a [(&'a str, &'a str)],
    deps: &'a [&'a str],
}

fn graph(crates: &[Krate<'_>]) -> Graph {
    graph_with_dev(crates, &[])
}

/// [`graph`], with dev-dependencies: `(library, its dev-dependency)`.
fn graph_with_dev(crates: &[Krate<'_>], dev: &[(&str, &str)]) -> Graph {
    graph_full(crates, dev, &[])
}

/// [`graph_with_dev`], with the crates named in `proc_macros` proc-macro crates.
fn graph_full(crates: &[Krate<'_>], dev: &[(&str, &str)], proc_macros: &[&str]) -> Graph {
    let local = |d: &str| DepRef::Local(format!("/ws/{d}/src/lib.rs"));
    let mut files = HashMap::new();
    let mut infos = Vec::new();
    for k in crates {
        let dir = PathBuf::from(format!("/ws/{}", k.name));
        for (path, text) in k.files {
            let summary = match parse_file(text) {
                Ok(s) => s,
                Err(e) => panic!("{}/{path}: {}", k.name, e.message),
            };
            files.insert(dir.join("src").join(path), Arc::new(summary));
        }
        let deps: BTreeMap<String, DepRef> =
            k.deps.iter().map(|d| ((*d).to_owned(), local(d))).collect();
        infos.push(CrateInfo {
            name: k.name.to_owned(),
            package: k.name.to_owned(),
            package_dir: dir.clone(),
            kind: "lib".into(),
            root: dir.join("src/lib.rs"),
            member: true,
            proc_macro: proc_macros.contains(&k.name),
            deps,
            test_deps: dev
                .iter()
                .filter(|(lib, _)| *lib == k.name)
                .map(|(_, d)| ((*d).to_owned(), local(d)))
                .collect(),
            build_script: None,
            edition: "2021".to_owned(),
            ext_local: Default::default(),
        });
    }
    let env = |_: usize, _: &str| None;
    Graph::build(&infos, &mut Mem(files), &env)
}

fn node(g: &Graph, key: &str) -> NodeId {
    match g.nodes.iter().position(|n| n.key == key) {
        Some(i) => i,
        None => panic!(
            "no node {key}; nodes: {:?}",
            g.nodes.iter().map(|n| n.key.as_str()).collect::<Vec<_>>()
        ),
    }
}

/// The closure of `function`.
fn closure_of(g: &Graph, function: &str) -> super::Closure {
    let root = node(g, function);
    let env = |_: usize, _: &str| None;
    let edges: Vec<std::sync::OnceLock<Deps>> =
        g.nodes.iter().map(|_| std::sync::OnceLock::new()).collect();
    let mut deps = |n: NodeId| edges[n].get_or_init(|| g.deps(n, &env, &mut Memo::default()));
    g.closure(root, &mut deps, &mut Memo::default())
}

/// The files `function`'s closure reads at compile time, by known paths.
fn files_read(g: &Graph, function: &str) -> Vec<PathBuf> {
    closure_of(g, function)
        .includes
        .into_iter()
        .filter_map(|i| match i {
            super::IncludeDep::File(p) => Some(p),
            super::IncludeDep::Unknown { .. } => None,
        })
        .collect()
}

/// A library crate `name` in folder `dir` (its root `src/lib.rs`).
fn lib_info(name: &str, dir: &Path, deps: BTreeMap<String, DepRef>) -> CrateInfo {
    CrateInfo {
        name: name.into(),
        package: name.into(),
        package_dir: dir.to_path_buf(),
        kind: "lib".into(),
        root: dir.join("src/lib.rs"),
        member: true,
        proc_macro: false,
        deps,
        test_deps: BTreeMap::new(),
        build_script: None,
        edition: "2021".into(),
        ext_local: BTreeMap::new(),
    }
}

/// The keys of everything `function` reaches.
fn reach(g: &Graph, function: &str) -> BTreeSet<String> {
    closure_of(g, function)
        .reached
        .iter()
        .map(|(n, _)| g.nodes[*n].key.clone())
        .collect()
}

fn one(src: &str) -> Graph {
    graph(&[Krate {
        name: "app",
        files: &[("lib.rs", src)],
        deps: &[],
    }])
}

#[track_caller]
fn has(r: &BTreeSet<String>, key: &str) {
    assert!(r.contains(key), "{key} not reached; reached: {r:#?}");
}

#[track_caller]
fn lacks(r: &BTreeSet<String>, key: &str) {
    assert!(
        !r.contains(key),
        "{key} reached but must not be; reached: {r:#?}"
    );
}

#[test]
fn a_let_shadows_only_after_it() {
    let g = one("fn helper() -> u32 { 1 }\nfn f() -> u32 { let a = helper(); let helper = 3; helper + a }\nfn g() -> u32 { let helper = 3; helper }");
    has(&reach(&g, "app::f"), "app::helper");
    lacks(&reach(&g, "app::g"), "app::helper");
}

#[test]
fn pattern_identifiers_name_constants_in_scope() {
    let g = one(
        "const LIMIT: u32 = 3;\nfn f(x: u32) -> u32 { match x { LIMIT => 1, other => other } }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::LIMIT");
}

#[test]
fn items_in_blocks_and_const_underscore_impls() {
    let g = one(
        "pub struct Money(pub i64);\n\
         const _: () = { impl std::fmt::Display for Money { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, \"{}\", self.0) } } };\n\
         fn f(m: Money) -> String { fn inner(m: Money) -> String { m.to_string() } inner(m) }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::inner");
    has(&r, "app::<impl std::fmt::Display for Money>::fmt");
}

#[test]
fn types_reach_every_impl_naming_them() {
    let g = one(
        "pub struct Money(pub i64);\n\
         impl From<Money> for String { fn from(m: Money) -> String { m.0.to_string() } }\n\
         impl std::ops::Mul<Money> for i64 { type Output = Money; fn mul(self, m: Money) -> Money { Money(self * m.0) } }\n\
         pub struct Other;\n\
         impl From<Other> for String { fn from(_: Other) -> String { String::new() } }\n\
         fn price() -> Money { Money(3) }\n\
         fn f(q: i64) -> String { let m = q * price(); m.into() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::<impl From for String>::from");
    has(&r, "app::<impl std::ops::Mul for i64>::mul");
    // Both `From` impls have the same key; the one for `Other` is reached
    // only when `Other` is: count the impls' headers reached.
    let g2 = one("pub struct Other;\nimpl From<Other> for String { fn from(_: Other) -> String { String::new() } }\nfn f() -> String { String::new() }");
    lacks(&reach(&g2, "app::f"), "app::<impl From for String>::from");
}

#[test]
fn inherent_methods_join_with_their_type() {
    let g = one("pub struct Client; pub struct Server;\n\
         impl Client { pub fn describe(&self) -> u32 { 1 } }\n\
         impl Server { pub fn describe(&self) -> u32 { 2 } }\n\
         fn f(c: Box<Client>) -> u32 { c.describe() }");
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Client>::describe");
    lacks(&r, "app::<impl Server>::describe");
}

#[test]
fn aliases_reach_inherent_items_and_associated_consts() {
    let g = one(
        "pub struct Limits;\nimpl Limits { pub const MAX: u32 = 10; pub fn new() -> Limits { Limits } }\n\
         pub type Caps = Limits;\nfn f() -> u32 { let _c = Caps::new(); Caps::MAX }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Limits>::MAX");
    has(&r, "app::<impl Limits>::new");
}

#[test]
fn trait_methods_through_traits_in_scope_only() {
    let g = one("mod a { pub trait Area { fn area(&self) -> u32 { 1 } } }\n\
         mod b { pub trait Other { fn area(&self) -> u32 { 2 } } }\n\
         use a::Area as _;\n\
         pub struct Sq;\nimpl a::Area for Sq {}\n\
         fn f(s: Sq) -> u32 { s.area() }");
    let r = reach(&g, "app::f");
    has(&r, "app::a::Area::area");
    lacks(&r, "app::b::Other::area");
}

#[test]
fn generic_bounds_bring_trait_methods_into_scope() {
    let g = one(
        "mod a { pub trait Shape { fn area(&self) -> u32; fn double(&self) -> u32 { self.area() * 2 } } }\n\
         fn f<T: a::Shape>(t: &T) -> u32 { t.double() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::a::Shape::double");
    has(&r, "app::a::Shape::area");
}

#[test]
fn macro_made_methods_and_impls() {
    let g = one(
        "macro_rules! getter { ($f:ident) => { pub fn $f(&self) -> u32 { self.0 } } }\n\
         macro_rules! show { ($t:ident) => { impl std::fmt::Display for $t { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, \"x\") } } } }\n\
         pub struct Money(u32);\n\
         impl Money { getter!(amount); }\n\
         show!(Money);\n\
         fn f(m: Money) -> String { format!(\"{}{}\", m.amount(), m) }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Money>::getter");
    has(&r, "app::show!#0");
    has(&r, "app::getter!");
    has(&r, "app::show!");
}

#[test]
fn modules_declared_inside_macro_invocations() {
    let g = graph(&[Krate {
        name: "app",
        files: &[
            ("lib.rs", "macro_rules! cfg_rt { ($($i:item)*) => { $($i)* } }\ncfg_rt! { pub mod runtime; }\nfn f() -> u32 { runtime::spawn() }"),
            ("runtime.rs", "pub fn spawn() -> u32 { 1 }\n#[perscache::persist]\npub fn marked() -> u32 { 2 }"),
        ],
        deps: &[],
    }]);
    has(&reach(&g, "app::f"), "app::runtime::spawn");
    assert!(g
        .nodes
        .iter()
        .any(|n| n.key == "app::runtime::marked" && n.persist > 0));
}

#[test]
fn generated_names_resolve_to_their_invocation() {
    let g = one(
        "macro_rules! make_fn { ($n:ident, $v:expr) => { pub fn $n() -> u32 { $v } } }\n\
         mod other { pub fn compute() -> u32 { 9 } }\n\
         make_fn!(compute, 1);\nfn f() -> u32 { compute() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::make_fn!#0");
    lacks(&r, "app::other::compute");
}

#[test]
fn crate_graph_bounds_widening() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[("lib.rs", "fn f() -> u32 { mystery!(); 1 }")],
            deps: &["base"],
        },
        Krate {
            name: "base",
            files: &[("lib.rs", "pub fn mystery() -> u32 { 1 }")],
            deps: &[],
        },
        Krate {
            name: "unrelated",
            files: &[(
                "lib.rs",
                "pub fn mystery() -> u32 { 2 }\nmacro_rules! mystery { () => {} }",
            )],
            deps: &[],
        },
    ]);
    for k in reach(&g, "app::f") {
        assert!(!k.starts_with("unrelated"), "{k} is outside app's cone");
    }
}

#[test]
fn generic_functions_reach_downstream_impls() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[("lib.rs", "pub trait Conv { fn conv(&self) -> u32; }\npub fn total<T: Conv>(t: &T) -> u32 { t.conv() }\npub fn plain() -> u32 { 1 }")],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[("lib.rs", "pub struct D;\nimpl lib::Conv for D { fn conv(&self) -> u32 { 7 } }")],
            deps: &["lib"],
        },
    ]);
    has(
        &reach(&g, "lib::total"),
        "down::<impl lib::Conv for D>::conv",
    );
    for k in reach(&g, "lib::plain") {
        assert!(
            !k.starts_with("down"),
            "{k}: a non-generic function never reaches downstream code"
        );
    }
}

#[test]
fn values_are_built_only_in_crates_a_caller_links() {
    // `base` holds code and trait objects; `user` (on base) is marked;
    // `app` links both, so its builders and impls count for `user`'s
    // function; `tool` also depends on base, but no program that calls
    // `user` links it.
    let g = graph(&[
        Krate {
            name: "base",
            files: &[(
                "lib.rs",
                "pub trait Rule { fn apply(&self) -> u32; }\n\
                pub struct Hook { pub f: Box<dyn Fn() -> u32> }\n\
                pub struct Rules { pub all: Vec<Box<dyn Rule>> }",
            )],
            deps: &[],
        },
        Krate {
            name: "user",
            files: &[(
                "lib.rs",
                "pub fn run(h: &base::Hook, r: &base::Rules) -> u32 {\n\
                (h.f)() + r.all.iter().map(|x| x.apply()).sum::<u32>() }",
            )],
            deps: &["base"],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub struct Double;\n\
                impl base::Rule for Double { fn apply(&self) -> u32 { 2 } }\n\
                pub fn hook() -> base::Hook { base::Hook { f: Box::new(|| 3) } }",
            )],
            deps: &["base", "user"],
        },
        Krate {
            name: "tool",
            files: &[(
                "lib.rs",
                "pub struct Triple;\n\
                impl base::Rule for Triple { fn apply(&self) -> u32 { 3 } }\n\
                pub fn hook() -> base::Hook { base::Hook { f: Box::new(|| 4) } }",
            )],
            deps: &["base"],
        },
    ]);
    let r = reach(&g, "user::run");
    has(&r, "app::<impl base::Rule for Double>::apply");
    has(&r, "app::hook");
    lacks(&r, "tool::<impl base::Rule for Triple>::apply");
    lacks(&r, "tool::hook");
}

#[test]
fn a_librarys_unit_tests_link_its_dev_dependencies() {
    // `user`'s own unit tests may pass `run` a hook `fixtures` builds.
    let crates = [
        Krate {
            name: "base",
            files: &[("lib.rs", "pub struct Hook { pub f: Box<dyn Fn() -> u32> }")],
            deps: &[],
        },
        Krate {
            name: "user",
            files: &[("lib.rs", "pub fn run(h: &base::Hook) -> u32 { (h.f)() }")],
            deps: &["base"],
        },
        Krate {
            name: "fixtures",
            files: &[(
                "lib.rs",
                "pub fn hook() -> base::Hook { base::Hook { f: Box::new(|| 4) } }",
            )],
            deps: &["base"],
        },
    ];
    lacks(&reach(&graph(&crates), "user::run"), "fixtures::hook");
    let g = graph_with_dev(&crates, &[("user", "fixtures")]);
    has(&reach(&g, "user::run"), "fixtures::hook");
}

#[test]
fn dyn_traits_reach_every_impl() {
    let g = one("pub trait Plugin { fn run(&self) -> u32; }\n\
         pub struct A; impl Plugin for A { fn run(&self) -> u32 { 1 } }\n\
         pub fn f(ps: &[Box<dyn Plugin>]) -> u32 { ps.iter().map(|p| p.run()).sum() }");
    has(&reach(&g, "app::f"), "app::<impl Plugin for A>::run");
}

#[test]
fn serde_attribute_paths_are_names() {
    let g = one(
        "mod codec { pub fn ser<S>(_: &u32, _: S) {} pub fn unused() {} }\n\
         #[derive(serde::Serialize)] pub struct Row { #[serde(serialize_with = \"codec::ser\")] pub x: u32 }\n\
         fn f() -> Row { Row { x: 1 } }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::codec::ser");
    lacks(&r, "app::codec::unused");
}

#[test]
fn serde_attribute_qualified_paths_are_code() {
    let g = one(
        "pub trait Codec { fn ser<S>(_: &u32, _: S); }\n\
         pub struct Hex;\n\
         pub struct Oct;\n\
         impl Codec for Hex { fn ser<S>(_: &u32, _: S) {} }\n\
         impl Codec for Oct { fn ser<S>(_: &u32, _: S) {} }\n\
         #[derive(serde::Serialize)] pub struct Row { #[serde(serialize_with = \"<Hex as Codec>::ser\")] pub x: u32 }\n\
         fn f() -> Row { Row { x: 1 } }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Codec for Hex>::ser");
    lacks(&r, "app::<impl Codec for Oct>::ser");
}

#[test]
fn included_code_is_resolved_as_code() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let code = dir.path().join("expr.rs");
    std::fs::write(&code, "helper() + 1").unwrap_or_else(|e| panic!("{e}"));
    let src = format!(
        "fn helper() -> u32 {{ 1 }}\nfn other() -> u32 {{ 2 }}\nfn f() -> u32 {{ include!({:?}) }}",
        code.display().to_string()
    );
    let g = one(&src);
    let r = reach(&g, "app::f");
    has(&r, "app::helper");
    lacks(&r, "app::other");
}

#[test]
fn attribute_strings_naming_a_module_reach_all_of_it() {
    let g = one(
        "mod codec { pub fn serialize<S>(_: &u32, _: S) {} pub fn deserialize() {} }\n\
         #[derive(serde::Serialize)] pub struct Row { #[serde(with = \"codec\")] pub x: u32 }\n\
         fn f() -> Row { Row { x: 1 } }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::codec::serialize");
    has(&r, "app::codec::deserialize");
}

#[test]
fn dyn_values_built_inside_reach_only_the_types_named() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[("lib.rs", "pub trait Rule { fn apply(&self) -> u32; }\npub struct Flat;\nimpl Rule for Flat { fn apply(&self) -> u32 { 1 } }\npub fn run() -> u32 { let rules: Vec<Box<dyn Rule>> = vec![Box::new(Flat)]; rules.iter().map(|r| r.apply()).sum() }")],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[("lib.rs", "pub struct D;\nimpl lib::Rule for D { fn apply(&self) -> u32 { 7 } }")],
            deps: &["lib"],
        },
    ]);
    let r = reach(&g, "lib::run");
    has(&r, "lib::<impl Rule for Flat>::apply");
    for k in &r {
        assert!(!k.starts_with("down"), "{k}: no `D` can be built upstream");
    }
}

#[test]
fn impl_trait_arguments_are_chosen_by_the_caller() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[("lib.rs", "pub trait Conv { fn conv(&self) -> u32; }\npub fn total(t: impl Conv) -> u32 { t.conv() }")],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[("lib.rs", "pub struct D;\nimpl lib::Conv for D { fn conv(&self) -> u32 { 7 } }")],
            deps: &["lib"],
        },
    ]);
    has(
        &reach(&g, "lib::total"),
        "down::<impl lib::Conv for D>::conv",
    );
}

/// A `macro_rules!` of another crate: its body's `$x.total()` is expanded
/// (and its method resolved) in the invoking crate, where a private
/// inherent method of the invoker's type may be the one called, also
/// through a helper macro the body invokes.
#[test]
fn a_macro_body_calls_methods_where_it_is_invoked() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[(
                "lib.rs",
                "#[macro_export] macro_rules! total_of { ($x:expr) => { $x.total() * 10 }; }\n\
                 #[macro_export] macro_rules! double_total { ($x:expr) => { $crate::total_of!($x) * 2 }; }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub struct Basket(u32);\nimpl Basket { fn total(&self) -> u32 { self.0 } }\n\
                 pub struct Crate12(u32);\nimpl Crate12 { fn total(&self) -> u32 { self.0 * 12 } }\n\
                 pub struct Unused;\nimpl Unused { fn total(&self) -> u32 { 0 } }\n\
                 fn f(n: u32) -> u32 { lib::total_of!(Basket(n)) }\n\
                 fn g(n: u32) -> u32 { lib::double_total!(Crate12(n)) }",
            )],
            deps: &["lib"],
        },
    ]);
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Basket>::total");
    lacks(&r, "app::<impl Unused>::total");
    lacks(&r, "app::<impl Crate12>::total");
    let r = reach(&g, "app::g");
    has(&r, "app::<impl Crate12>::total");
    lacks(&r, "app::<impl Basket>::total");
}

/// A helper macro a macro's body invokes (`$crate::__weigh!($x)`) expands
/// where the outer one is invoked: its names (`LIMIT`) and its methods'
/// traits (`Weigh`, in scope there) are the invoking module's.
#[test]
fn a_helper_macro_body_resolves_where_the_outer_macro_is_invoked() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[(
                "lib.rs",
                "#[macro_export] macro_rules! weigh_twice { ($x:expr) => { $crate::__weigh!($x) * 2 }; }\n\
                 #[macro_export] macro_rules! __weigh { ($x:expr) => { $x.weight() }; }\n\
                 #[macro_export] macro_rules! over_limit { ($x:expr) => { $crate::__over!($x) }; }\n\
                 #[macro_export] macro_rules! __over { ($x:expr) => { $x > LIMIT }; }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub trait Weigh { fn weight(&self) -> u32 { 3 } }\nimpl Weigh for u32 {}\n\
                 const LIMIT: u32 = 10;\nconst OTHER: u32 = 11;\n\
                 fn f(x: u32) -> u32 { lib::weigh_twice!(x) }\n\
                 fn g(x: u32) -> bool { lib::over_limit!(x) }",
            )],
            deps: &["lib"],
        },
    ]);
    let r = reach(&g, "app::f");
    has(&r, "app::Weigh::weight");
    lacks(&r, "app::LIMIT");
    let r = reach(&g, "app::g");
    has(&r, "app::LIMIT");
    lacks(&r, "app::OTHER");
}

/// `answer!()` is defined by an item-level invocation whose macro writes
/// `macro_rules! $name`: that invocation (and what its input names) counts,
/// in this crate and from another crate's macro.
#[test]
fn a_macro_defined_by_a_macro_invocation() {
    let g = graph(&[
        Krate {
            name: "lib",
            files: &[(
                "lib.rs",
                "pub mod consts { pub const ANSWER: u32 = 41; pub const OTHER: u32 = 1; }\n\
                 #[macro_export] macro_rules! const_macro { ($name:ident, $v:expr) => { macro_rules! $name { () => { $v }; } }; }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "lib::const_macro!(answer, lib::consts::ANSWER + 1);\n\
                 macro_rules! local_const { ($name:ident, $v:expr) => { macro_rules! $name { () => { $v }; } }; }\n\
                 local_const!(page, PAGE * 2);\nconst PAGE: u32 = 512;\n\
                 fn f() -> u32 { answer!() * 2 }\n\
                 fn g() -> u32 { page!() + 1 }",
            )],
            deps: &["lib"],
        },
    ]);
    let r = reach(&g, "app::f");
    has(&r, "lib::consts::ANSWER");
    lacks(&r, "lib::consts::OTHER");
    lacks(&r, "app::PAGE");
    let r = reach(&g, "app::g");
    has(&r, "app::PAGE");
    lacks(&r, "lib::consts::ANSWER");
}

/// In macro input that is neither expressions nor statements, `bag.count()`
/// is a method call: `Bag::count` joins, though a free `count` is in scope
/// (which the loose identifier `count` resolves to).
#[test]
fn a_method_call_in_custom_syntax_macro_input() {
    let g = one(
        "macro_rules! pairs { ($($k:literal => $v:expr),*) => { vec![$(($k, $v)),*] }; }\n\
         pub fn count(xs: &[u32]) -> u32 { xs.len() as u32 }\n\
         pub struct Bag(pub Vec<u32>);\nimpl Bag { pub fn count(&self) -> u32 { 1 } }\n\
         pub struct Other;\nimpl Other { pub fn size(&self) -> u32 { 2 } }\n\
         fn f(xs: Vec<u32>) -> Vec<(&'static str, u32)> { let bag = Bag(xs.clone()); pairs!(\"all\" => count(&xs), \"positive\" => bag.count()) }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::count");
    has(&r, "app::<impl Bag>::count");
    lacks(&r, "app::<impl Other>::size");
}

#[test]
fn a_module_that_names_a_file_being_read_is_not_read_again() {
    // `quote! { mod gen; }` in gen.rs: a module inside a macro's input in a
    // function body names the file it is written in.
    let g = graph(&[Krate {
        name: "app",
        files: &[
            ("lib.rs", "pub mod gen;"),
            ("gen.rs", "pub fn emit() { quote! { mod gen; } }"),
        ],
        deps: &[],
    }]);
    node(&g, "app::gen::emit");
}

#[test]
fn a_statement_macro_in_a_block_adds_to_the_enclosing_names() {
    // `log::info!` is no macro the analysis sees: it may define the names of
    // its input in the block, but the module's `helper` is still what
    // `helper()` may call.
    let g = one(
        "fn helper() -> u32 { 1 }\n\
         fn f() -> u32 { log::info!(\"{}\", helper); helper() }\n\
         pub struct Badge(pub u32);\n\
         macro_rules! show { ($t:ty) => { impl std::fmt::Display for $t { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, \"b\") } } } }\n\
         fn install() { show!(Badge); }\n\
         fn badge() -> String { Badge(1).to_string() }",
    );
    has(&reach(&g, "app::f"), "app::helper");
    // The `impl` the invocation in `install`'s body writes comes with its type.
    let badge = reach(&g, "app::badge");
    assert!(
        badge.iter().any(|k| k.contains("show")),
        "the invocation is not reached: {badge:#?}"
    );
}

#[test]
fn a_function_named_in_a_statement_macros_input_is_still_reached() {
    // `quote!` writes its input out as tokens; what it holds is no item here.
    // (The module's `helper` lives in `m`: a block's items are keyed by
    // their module's path.)
    let g = one("mod m { pub fn helper() -> u32 { 1 } }\nuse m::helper;\n\
         fn f() -> u32 { quote! { fn helper() -> u32 { 2 } }; helper() }\n\
         macro_rules! drop_all { ($($t:tt)*) => {}; }\n\
         fn g() -> u32 { drop_all! { fn helper() -> u32 { 2 } } helper() }");
    has(&reach(&g, "app::f"), "app::m::helper");
    // `helper` is no mention in `g`'s macro input, only a declaration: what
    // the input declares must not hide the module's `helper` from the call.
    has(&reach(&g, "app::g"), "app::m::helper");
}

#[test]
fn an_expression_macro_in_a_body_may_write_an_impl() {
    let g = one(
        "pub struct Badge(pub u32);\n\
         macro_rules! show { ($t:ty) => {{ impl std::fmt::Display for $t { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, \"b\") } } 0u32 }} }\n\
         fn install() -> u32 { let v = show!(Badge); v }\n\
         fn badge() -> String { Badge(1).to_string() }",
    );
    let badge = reach(&g, "app::badge");
    assert!(
        badge.iter().any(|k| k.contains("show")),
        "the invocation is not reached: {badge:#?}"
    );
}

#[test]
fn a_glob_imported_trait_a_local_type_may_hide_stays_in_scope() {
    // The local `Double` may be compiled out: the glob's trait still counts.
    let g = one(
        "pub mod ext { pub trait Double { fn double(&self) -> u32; } impl Double for u32 { fn double(&self) -> u32 { *self * 2 } } }\n\
         use ext::*;\n\
         #[cfg(feature = \"never\")] struct Double;\n\
         fn f(x: u32) -> u32 { x.double() }",
    );
    has(&reach(&g, "app::f"), "app::ext::Double::double");
}

#[test]
fn type_paths_into_other_crates_and_self_reach_trait_items() {
    let g = one("use std::collections::HashMap;\n\
         pub trait Named { fn named() -> Self; }\n\
         impl Named for HashMap<u8, u8> { fn named() -> Self { HashMap::new() } }\n\
         fn f() -> usize { HashMap::<u8, u8>::named().len() }\n\
         pub trait Base { fn unit(&self) -> u32 { 1 } }\n\
         pub trait Scaled: Base { fn scaled(&self) -> u32 { Self::unit(self) * 10 } }");
    has(&reach(&g, "app::f"), "app::Named::named");
    has(&reach(&g, "app::Scaled::scaled"), "app::Base::unit");
}

/// What node `key`'s names resolved to beyond the items it reaches.
fn choices(g: &Graph, key: &str) -> Vec<String> {
    let env = |_: usize, _: &str| None;
    g.deps(node(g, key), &env, &mut Memo::default()).choices
}

#[test]
fn a_macro_rules_moved_across_an_invocation_is_a_choice() {
    let with_app = |src: &str| {
        graph(&[
            Krate {
                name: "lib",
                files: &[(
                    "lib.rs",
                    "#[macro_export] macro_rules! shout { () => { 1 }; }",
                )],
                deps: &[],
            },
            Krate {
                name: "app",
                files: &[("lib.rs", src)],
                deps: &["lib"],
            },
        ])
    };
    // Defined after `f`, the local macro does not shadow the imported one.
    let after = with_app(
        "use lib::shout;\nfn f() -> u32 { shout!() }\nmacro_rules! shout { () => { 2 }; }",
    );
    let before = with_app(
        "use lib::shout;\nmacro_rules! shout { () => { 2 }; }\nfn f() -> u32 { shout!() }",
    );
    assert_ne!(choices(&after, "app::f"), choices(&before, "app::f"));
}

#[test]
fn items_and_uses_of_a_nested_block_are_seen_in_that_block_only() {
    // (The module's `helper` lives in `m`: a block's items are keyed by
    // their module's path.)
    let g = one(
        "pub mod m { pub fn helper() -> u32 { 1 } }\nuse m::helper;\n\
         pub mod v2 { pub fn rate() -> u32 { 2 } }\n\
         pub mod v1 { pub fn rate() -> u32 { 3 } }\n\
         use v1::rate;\n\
         fn item() -> u32 { let a = { fn helper() -> u32 { 5 } helper() }; a + helper() }\n\
         fn closure() -> u32 { let f = || { fn helper() -> u32 { 5 } helper() }; f() + helper() }\n\
         fn uses() -> u32 { let a = { use v2::rate; rate() }; a + rate() }",
    );
    has(&reach(&g, "app::item"), "app::m::helper");
    has(&reach(&g, "app::closure"), "app::m::helper");
    let r = reach(&g, "app::uses");
    has(&r, "app::v1::rate");
    has(&r, "app::v2::rate");
}

#[test]
fn an_item_under_cfg_or_from_macro_input_hides_no_glob_import() {
    let g = one(
        "pub mod outer { pub fn helper() -> u32 { 1 } pub fn helper2() -> u32 { 2 } }\n\
         macro_rules! hide { ($($t:tt)*) => { mod hidden { $($t)* } }; }\n\
         pub mod a { use super::outer::*; #[cfg(any())] pub fn helper() -> u32 { 9 } pub fn f() -> u32 { helper() } }\n\
         pub mod b { use super::outer::*; hide! { pub fn helper2() -> u32 { 9 } } pub fn g() -> u32 { helper2() } }",
    );
    has(&reach(&g, "app::a::f"), "app::outer::helper");
    has(&reach(&g, "app::b::g"), "app::outer::helper2");
}

#[test]
fn a_macro_may_define_a_name_of_the_preludes() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[("lib.rs", "pub fn plain(x: u32) -> u32 { x }")],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "macro_rules! make_fn { ($n:ident, $v:expr) => { pub fn $n(x: u32) -> u32 { x + $v } }; }\n\
                 make_fn!(drop, 1013);\n\
                 fn f(x: u32) -> u32 { drop(x) }\n\
                 macro_rules! make_mod { ($n:ident, $v:expr) => { pub mod $n { pub fn plain(x: u32) -> u32 { x + $v } } }; }\n\
                 make_mod!(base, 2027);\n\
                 fn g(x: u32) -> u32 { base::plain(x) }",
            )],
            deps: &["base"],
        },
    ]);
    has(&reach(&g, "app::f"), "app::make_fn!#0");
    let r = reach(&g, "app::g");
    has(&r, "app::make_mod!#0");
    // The invocation need not define `base`: the crate stays a candidate.
    has(&r, "base::plain");
}

#[test]
fn a_trait_impl_joins_with_its_outermost_types() {
    // Rustc infers `Wrap<Inner>` from the one impl that fits: `Inner` is
    // never named, so `Wrap` alone brings the impl (and through its header
    // `Inner`, whose `Default` makes the value).
    let g = one(
        "pub struct Wrap<T>(pub T);\npub struct Inner(pub u32);\n\
         impl Default for Inner { fn default() -> Self { Inner(1013) } }\n\
         impl std::fmt::Display for Wrap<Inner> { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, \"{}\", self.0 .0) } }\n\
         pub struct Other;\n\
         impl std::fmt::Display for Box<Other> { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, \"o\") } }\n\
         fn f() -> String { Wrap(Default::default()).to_string() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::Inner");
    assert!(
        r.iter().any(|k| k.contains("Default")),
        "`impl Default for Inner` is not reached: {r:#?}"
    );
    lacks(&r, "app::Other");
}

#[test]
fn an_extern_declaration_reaches_the_function_a_dependent_exports() {
    let g = graph(&[
        Krate {
            name: "c1",
            files: &[(
                "lib.rs",
                "extern \"Rust\" { fn app_hook() -> u64; }\n\
                 pub fn hooked() -> u64 { let v = unsafe { app_hook() }; v + 1 }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[("lib.rs", "#[no_mangle] pub fn app_hook() -> u64 { 7 }")],
            deps: &["c1"],
        },
    ]);
    has(&reach(&g, "c1::hooked"), "app::app_hook");
}

#[test]
fn safe_and_unsafe_qualified_foreign_items_reach_what_they_link_to() {
    // Edition 2024: syn leaves `safe fn` and `unsafe static` as tokens.
    let g = graph(&[
        Krate {
            name: "c1",
            files: &[(
                "lib.rs",
                "#[unsafe(export_name = \"c1_quad\")] pub extern \"C\" fn times_four(x: u32) -> u32 { x * 4 }\n\
                 #[unsafe(no_mangle)] pub static C1_SEED: u32 = 7;",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "unsafe extern \"C\" {\n\
                     #[link_name = \"c1_quad\"] pub safe fn quad(x: u32) -> u32;\n\
                     pub unsafe static C1_SEED: u32;\n\
                 }\n\
                 pub fn via_fn() -> u32 { quad(5) }\n\
                 pub fn via_static() -> u32 { unsafe { C1_SEED } }",
            )],
            deps: &["c1"],
        },
    ]);
    has(&reach(&g, "app::via_fn"), "app::quad");
    has(&reach(&g, "app::via_fn"), "c1::times_four");
    has(&reach(&g, "app::via_static"), "c1::C1_SEED");
}

#[test]
fn edition_2015_paths_start_at_the_crate_root() {
    let mut g = graph(&[Krate {
        name: "old",
        files: &[(
            "lib.rs",
            "pub mod helpers { pub fn f() -> u64 { 1 } }\n\
             pub mod m {\n\
                 mod helpers { pub fn f() -> u64 { 2 } }\n\
                 use helpers::f;\n\
                 pub fn old_use() -> u64 { f() * 10 }\n\
                 pub fn old_colons() -> u64 { ::helpers::f() * 100 }\n\
             }",
        )],
        deps: &[],
    }]);
    g.crates[0].info.edition = "2015".to_owned();
    has(&reach(&g, "old::m::old_use"), "old::helpers::f");
    has(&reach(&g, "old::m::old_colons"), "old::helpers::f");
}

#[test]
fn a_trait_impl_joins_with_its_self_type_whatever_its_trait_arguments() {
    // Rustc infers `Dst` from the only impl of `Convert<_>` for `Src`.
    let g = one("pub struct Src(pub u64);\npub struct Dst(pub u64);\n\
         pub trait Convert<T> { fn convert(&self) -> T; }\n\
         impl Convert<Dst> for Src { fn convert(&self) -> Dst { Dst(self.0 + 1) } }\n\
         impl Dst { pub fn describe(&self) -> u64 { self.0 * 10 } }\n\
         fn f() -> u64 { Src(4).convert().describe() }");
    let r = reach(&g, "app::f");
    has(&r, "app::Dst");
    assert!(
        r.iter().any(|k| k.contains("describe")),
        "`Dst::describe` is not reached: {r:#?}"
    );
}

#[test]
fn a_glob_imported_function_is_hidden_only_in_its_namespace() {
    let g = graph(&[
        Krate {
            name: "c1",
            files: &[("lib.rs", "pub fn total() -> u64 { 11 }\npub fn named() -> u64 { 41 }\npub fn other() -> u64 { 51 }\npub fn gen() -> u64 { 61 }")],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "use c1::*;\n\
                 #[allow(non_camel_case_types)] pub struct total { pub x: u8 }\n\
                 macro_rules! named { () => { 0 } }\n\
                 mod other {}\n\
                 pub fn a() -> u64 { total() }\n\
                 pub fn b() -> u64 { named() }\n\
                 pub fn c() -> u64 { other() }\n\
                 pub fn d<gen>() -> u64 { gen() }\n\
                 pub fn e() -> u64 { struct total { y: u8 } total() }",
            )],
            deps: &["c1"],
        },
    ]);
    has(&reach(&g, "app::a"), "c1::total");
    has(&reach(&g, "app::b"), "c1::named");
    has(&reach(&g, "app::c"), "c1::other");
    has(&reach(&g, "app::d"), "c1::gen");
    has(&reach(&g, "app::e"), "c1::total");
}

#[test]
fn a_self_import_names_the_module_only() {
    let g = graph(&[
        Krate {
            name: "c1",
            files: &[("lib.rs", "pub fn helper() -> u64 { 21 }")],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub mod tools { pub mod helper { pub fn inner() -> u64 { 1 } } pub fn helper() -> u64 { 9 } }\n\
                 use c1::*;\nuse tools::helper::{self};\n\
                 pub fn f() -> u64 { helper() + helper::inner() }",
            )],
            deps: &["c1"],
        },
    ]);
    let r = reach(&g, "app::f");
    has(&r, "c1::helper");
    has(&r, "app::tools::helper::inner");
    lacks(&r, "app::tools::helper");
}

#[test]
fn an_extern_symbol_no_function_exports_widens_by_name() {
    let g = graph(&[
        Krate {
            name: "c1",
            files: &[(
                "lib.rs",
                "extern \"C\" { static HOOK_B: u64; }\n\
                 pub fn via_static() -> u64 { unsafe { HOOK_B } }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[("lib.rs", "#[no_mangle] pub static HOOK_B: u64 = 2;")],
            deps: &["c1"],
        },
    ]);
    has(&reach(&g, "c1::via_static"), "app::HOOK_B");
}

#[test]
fn a_macro_writing_an_impl_of_an_alias_reaches_its_type() {
    let g = one(
        "pub struct Meter(pub u64);\npub type MeterAlias = Meter;\n\
         macro_rules! add_get { ($t:ty) => { impl $t { pub fn get(&self) -> u64 { self.0 * 7 } } } }\n\
         add_get!(MeterAlias);\n\
         pub fn f() -> u64 { Meter(3).get() }",
    );
    let r = reach(&g, "app::f");
    assert!(
        r.iter().any(|k| k.contains("add_get!#")),
        "the invocation is not reached: {r:#?}"
    );
}

#[test]
fn one_nested_blocks_names_hide_nothing_of_anothers() {
    let g = one(
        "pub mod m { pub fn helper() -> u32 { 1 } }\n\
         fn f() -> u32 { let a = { use m::*; helper() }; let b = { fn helper() -> u32 { 2 } helper() }; a + b }\n\
         pub mod traits { pub trait Describe { fn describe(&self) -> u32; } impl Describe for u32 { fn describe(&self) -> u32 { 1 } } }\n\
         fn g() -> u32 { let a = { use traits::*; 5u32.describe() }; let b = { struct Describe; 0 }; a + b }",
    );
    has(&reach(&g, "app::f"), "app::m::helper");
    let r = reach(&g, "app::g");
    assert!(
        r.iter()
            .any(|k| k.contains("impl") && k.contains("Describe")),
        "{r:#?}"
    );
}

#[test]
fn a_use_or_module_that_may_not_exist_hides_no_glob() {
    let g = one(
        "pub mod a { pub fn helper() -> u32 { 1 } pub mod util { pub fn helper() -> u32 { 3 } } }\n\
         pub mod b { pub fn helper() -> u32 { 2 } }\n\
         pub mod x { use super::a::*; #[cfg(feature = \"x\")] use super::b::helper; pub fn f() -> u32 { helper() } }\n\
         pub mod y { use super::a::*; #[cfg(feature = \"x\")] mod util { pub fn helper() -> u32 { 9 } } pub fn g() -> u32 { util::helper() } }\n\
         pub mod z { use super::a::*; pub fn h() -> u32 { #[cfg(feature = \"x\")] use super::super::b::helper; helper() } }",
    );
    has(&reach(&g, "app::x::f"), "app::a::helper");
    has(&reach(&g, "app::y::g"), "app::a::util::helper");
    has(&reach(&g, "app::z::h"), "app::a::helper");
}

#[test]
fn a_path_a_macro_may_glue_on_reaches_its_modules_items_of_that_prefix() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[(
                "lib.rs",
                "pub fn helper_a() -> u64 { 30 }\npub fn other() -> u64 { 35 }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub fn f() -> u64 { pm::joined!(base::helper_, a) }",
            )],
            deps: &["base"],
        },
    ]);
    let r = reach(&g, "app::f");
    has(&r, "base::helper_a");
    lacks(&r, "base::other");
}

#[test]
fn a_workspace_traits_universe_holds_the_types_deriving_it() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub trait Weight { fn weight(&self) -> u64; }\n\
                 pub fn weigh<T: Weight>(x: T) -> u64 { x.weight() * 10 }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "#[derive(pm::Weight)] #[weight(5)] pub struct Crate;",
            )],
            deps: &["app"],
        },
    ]);
    has(&reach(&g, "app::weigh"), "down::Crate");
}

#[test]
fn code_given_to_a_method_of_a_code_holder_is_its_builders() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub struct Pipeline { steps: Vec<Box<dyn Fn(u64) -> u64>> }\n\
                 pub struct Factory;\n\
                 impl Factory { pub fn pipeline(&self) -> Pipeline { Pipeline { steps: Vec::new() } } }\n\
                 impl Pipeline {\n\
                     pub fn step(mut self, f: impl Fn(u64) -> u64 + 'static) -> Self { self.steps.push(Box::new(f)); self }\n\
                     pub fn run(&self, x: u64) -> u64 { self.steps.iter().fold(x, |a, f| f(a)) }\n\
                 }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[("lib.rs", "pub fn piped() -> u64 { app::Factory.pipeline().step(|x| x + 7).run(1) }")],
            deps: &["app"],
        },
    ]);
    has(&reach(&g, "app::<impl Pipeline>::run"), "down::piped");
}

#[test]
fn a_name_found_nowhere_reaches_what_attribute_macros_of_its_module_may_write() {
    let g = one("pub struct Gauge;\n\
         #[pm::with_src] impl Gauge { pub fn read(&self) -> u32 { 5 } }\n\
         pub struct Other;\n\
         #[pm::with_src] impl Other { pub fn read_other(&self) -> u32 { 6 } }\n\
         pub mod inner { #[pm::with_src] pub fn far() -> u32 { 7 } }\n\
         pub fn f() -> &'static str { src_of_gauge() }\n\
         pub fn g() -> &'static str { inner::far_src() }\n\
         pub fn h() -> u32 { 1 }");
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Gauge>");
    has(&r, "app::<impl Gauge>::read");
    lacks(&r, "app::inner::far");
    let r = reach(&g, "app::g");
    has(&r, "app::inner::far");
    lacks(&r, "app::<impl Gauge>::read");
    // A name that resolves reaches no expansion.
    lacks(&reach(&g, "app::h"), "app::<impl Gauge>");
}

#[test]
fn a_types_inherent_impls_under_attribute_macros_join_with_it() {
    let g = one("pub struct Gauge;\n\
         #[pm::getters] impl Gauge { fn level(&self) -> u32 { 5 } }\n\
         pub fn f(g: Gauge) -> u32 { g.level_checked() }");
    has(&reach(&g, "app::f"), "app::<impl Gauge>::level");
}

#[test]
fn a_custom_derive_may_write_the_type_a_function_names() {
    let g = one(
        "#[derive(pm::Builder)] pub struct Config { #[builder(default = \"5\")] pub x: u32 }\n\
         #[derive(Clone)] pub struct Plain;\n\
         pub fn f() -> u32 { ConfigBuilder::default().build().x }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::Config");
    lacks(&r, "app::Plain");
}

#[test]
fn files_a_proc_macros_input_names_are_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let package = dir.path();
    for (path, text) in [
        ("templates/hello.html", "Hello {{ name }}"),
        ("assets/a.txt", "a"),
        ("assets/deep/b.txt", "b"),
        ("other.txt", "o"),
    ] {
        let p = package.join(path);
        std::fs::create_dir_all(p.parent().unwrap_or(package)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }
    let src = "#[derive(askama::Template)] #[template(path = \"hello.html\")] pub struct Hello { pub name: String }\n\
               #[derive(rust_embed::Embed)] #[folder = \"assets/\"] pub struct Assets;\n\
               #[derive(serde::Serialize)] #[serde(rename = \"data.json\")] pub struct Plain;\n\
               pub fn page() -> Hello { Hello { name: String::new() } }\n\
               pub fn asset() -> Assets { Assets }\n\
               pub fn plain() -> Plain { Plain }\n\
               pub fn inline() -> u32 { pm::embed!(\"other.txt\") }";
    let summary = parse_file(src).unwrap_or_else(|e| panic!("{}", e.message));
    let deps = ["askama", "rust_embed", "serde", "pm"]
        .iter()
        .map(|d| ((*d).to_owned(), DepRef::External(format!("{d}@1.0.0"))))
        .collect();
    let info = lib_info("app", package, deps);
    let env = |_: usize, _: &str| None;
    let files = HashMap::from([(info.root.clone(), Arc::new(summary))]);
    let g = Graph::build(&[info], &mut Mem(files), &env);
    let read = |function: &str| -> BTreeSet<PathBuf> {
        files_read(&g, function)
            .iter()
            .filter_map(|p| p.strip_prefix(package).ok().map(PathBuf::from))
            .collect()
    };
    let set = |paths: &[&str]| paths.iter().map(PathBuf::from).collect::<BTreeSet<_>>();
    assert_eq!(read("app::page"), set(&["templates/hello.html"]));
    assert_eq!(
        read("app::asset"),
        set(&["assets/a.txt", "assets/deep/b.txt"])
    );
    assert_eq!(read("app::plain"), set(&[]));
    assert_eq!(read("app::inline"), set(&["other.txt"]));
}

#[test]
fn a_workspace_macro_named_like_a_standard_one_may_write_impls_in_a_body() {
    let g = one(
        "pub trait Weight { fn weight(&self) -> u64; }\n\
         macro_rules! vec { ($t:ty, $n:expr) => { impl Weight for $t { fn weight(&self) -> u64 { $n } } }; }\n\
         pub struct Crate;\n\
         pub struct Other;\n\
         fn setup() { vec!(Crate, 5); }\n\
         fn unrelated() { vec!(Other, 6); }\n\
         pub fn f(c: Crate) -> u64 { c.weight() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::setup");
    lacks(&r, "app::unrelated");
}

/// The digest of `key` in the one-crate graph of `src`.
fn digest(src: &str, key: &str) -> [u8; 32] {
    let g = one(src);
    g.nodes[node(&g, key)].hash
}

#[test]
fn a_standard_macros_input_counts_as_written_where_a_macro_of_its_name_may_be_another() {
    let user = "macro_rules! format { ($($t:tt)*) => { stringify!($($t)*) } }\n";
    let f = |body: &str| format!("pub fn f() -> &'static str {{ {body} }}");
    assert_ne!(
        digest(&format!("{user}{}", f("format!(1_000)")), "app::f"),
        digest(&format!("{user}{}", f("format!(1000)")), "app::f"),
    );
    // The standard `format!` evaluates its arguments: the hash keeps.
    assert_eq!(
        digest(&f("{ let _ = format!(\"{}\", 1_000); \"\" }"), "app::f"),
        digest(&f("{ let _ = format!(\"{}\", 1000); \"\" }"), "app::f"),
    );
}

#[test]
fn a_derive_of_a_standard_name_counts_as_written_where_it_is_imported() {
    let ty = |doc: &str| format!("/// {doc}\n#[derive(Default)] pub struct Dial(pub u64);");
    let imported = |doc: &str| format!("use pm::Default;\n{}", ty(doc));
    assert_ne!(
        digest(&imported("A dial."), "app::Dial"),
        digest(&imported("Another dial."), "app::Dial"),
    );
    assert_eq!(
        digest(&ty("A dial."), "app::Dial"),
        digest(&ty("Another dial."), "app::Dial"),
    );
    // Named by a path, it is no standard derive.
    let qualified =
        |doc: &str| format!("/// {doc}\n#[derive(pm::Default)] pub struct Dial(pub u64);");
    assert_ne!(
        digest(&qualified("A dial."), "app::Dial"),
        digest(&qualified("Another dial."), "app::Dial"),
    );
}

#[test]
fn an_imported_derive_of_a_standard_name_is_its_crates() {
    let g = graph_full(
        &[
            Krate {
                name: "pm",
                files: &[(
                    "lib.rs",
                    "#[proc_macro_derive(Default)] pub fn default_len(i: TokenStream) -> TokenStream { i }",
                )],
                deps: &[],
            },
            Krate {
                name: "app",
                files: &[(
                    "lib.rs",
                    "mod imported { use pm::Default; #[derive(Default)] pub struct Dial(pub u64); }\n\
                     mod plain { #[derive(Default)] pub struct Knob(pub u64); }\n\
                     pub fn dial() -> u64 { imported::Dial::default().0 }\n\
                     pub fn knob() -> u64 { plain::Knob::default().0 }",
                )],
                deps: &["pm"],
            },
        ],
        &[],
        &["pm"],
    );
    has(&reach(&g, "app::dial"), "pm::default_len");
    lacks(&reach(&g, "app::knob"), "pm::default_len");
}

#[test]
fn write_calls_the_write_fmt_method_of_its_destination() {
    let g = one(
        "pub struct Sink(pub String);\n\
         impl Sink { pub fn write_fmt(&mut self, a: std::fmt::Arguments<'_>) -> std::fmt::Result { self.0.push_str(&a.to_string().to_uppercase()); Ok(()) } }\n\
         pub fn f() -> String { let mut s = Sink(String::new()); let _ = write!(s, \"a{}\", 4); s.0 }",
    );
    has(&reach(&g, "app::f"), "app::<impl Sink>::write_fmt");
}

#[test]
fn a_qualified_macro_named_like_a_standard_one_is_hashed_as_written() {
    let f = |arg: &str| format!("pub fn f() -> String {{ base::format!(n + {arg}) }}");
    assert_ne!(digest(&f("1_000"), "app::f"), digest(&f("1000"), "app::f"));
    let v = |arg: &str| format!("pub fn f() -> usize {{ base::vec![{arg}] }}");
    assert_ne!(digest(&v("1, 2,"), "app::f"), digest(&v("1, 2"), "app::f"));
}

#[test]
fn a_name_imported_from_a_module_reaches_what_its_attribute_macros_may_write() {
    let g = one(
        "pub mod dials { pub struct Dial; #[pm::with_src] impl Dial { pub fn steps(&self) -> u32 { 1 } } }\n\
         pub struct Gauge;\n\
         #[pm::with_src] impl Gauge { pub fn level(&self) -> u32 { 2 } }\n\
         #[derive(pm::Builder)] pub struct Config { pub retries: u32 }\n\
         pub mod usage {\n\
             pub mod by_glob { use crate::dials::*; pub fn f() -> usize { src_of_dial().len() } }\n\
             pub mod by_name { use crate::src_of_gauge; pub fn g() -> &'static str { src_of_gauge() } }\n\
             pub mod by_type { use crate::ConfigBuilder; pub fn h() -> u32 { ConfigBuilder::default().build().retries } }\n\
         }",
    );
    has(
        &reach(&g, "app::usage::by_glob::f"),
        "app::dials::<impl Dial>::steps",
    );
    has(
        &reach(&g, "app::usage::by_name::g"),
        "app::<impl Gauge>::level",
    );
    has(&reach(&g, "app::usage::by_type::h"), "app::Config");
    lacks(
        &reach(&g, "app::usage::by_glob::f"),
        "app::<impl Gauge>::level",
    );
}

#[test]
fn what_a_workspace_proc_macros_output_names_is_reached_where_it_expands() {
    let g = graph_full(
        &[
            Krate {
                name: "base",
                files: &[(
                    "lib.rs",
                    "pub fn calc2(x: u64) -> u64 { x * 2 }\npub fn other() -> u64 { 1 }\n\
                     pub struct Gauge(pub u64);\nimpl Gauge { pub fn level(&self) -> u64 { self.0 } pub fn unused(&self) -> u64 { 0 } }",
                )],
                deps: &[],
            },
            Krate {
                name: "pm",
                files: &[(
                    "lib.rs",
                    "#[proc_macro_derive(Scaled)] pub fn scaled(i: TokenStream) -> TokenStream {\n\
                         quote::quote! { impl X { fn scaled(&self) -> u64 { ::base::calc2(self.0.level()) } } }.into()\n\
                     }",
                )],
                deps: &[],
            },
            Krate {
                name: "app",
                files: &[(
                    "lib.rs",
                    "#[derive(pm::Scaled)] pub struct Wrapped(pub base::Gauge);\n\
                     pub fn f(w: Wrapped) -> u64 { w.scaled() }",
                )],
                deps: &["pm", "base"],
            },
        ],
        &[],
        &["pm"],
    );
    let r = reach(&g, "app::f");
    has(&r, "base::calc2");
    has(&r, "base::<impl Gauge>::level");
    lacks(&r, "base::other");
    lacks(&r, "base::<impl Gauge>::unused");
}

#[test]
fn iterators_and_futures_a_type_holds_are_code_its_builders_write() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub struct Stream { it: Box<dyn Iterator<Item = u64>> }\n\
                 impl Stream { pub fn new(it: Box<dyn Iterator<Item = u64>>) -> Self { Stream { it } } pub fn total(self) -> u64 { self.it.sum() } }\n\
                 pub struct Job { fut: std::pin::Pin<Box<dyn std::future::Future<Output = u64>>> }\n\
                 impl Job { pub fn new(fut: std::pin::Pin<Box<dyn std::future::Future<Output = u64>>>) -> Self { Job { fut } } pub async fn run(self) -> u64 { self.fut.await } }\n\
                 pub struct GenStream<I> { it: I }\n\
                 impl<I: Iterator<Item = u64>> GenStream<I> { pub fn new(it: I) -> Self { GenStream { it } } #[perscache::persist] pub fn total(self) -> u64 { self.it.sum() } }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "pub fn doubled() -> u64 { app::Stream::new(Box::new((0..4).map(|x| x * 2))).total() }\n\
                 pub fn job() -> app::Job { app::Job::new(Box::pin(async { 7 * 3 })) }\n\
                 pub fn plus() -> u64 { app::GenStream::new((0..4).map(|x| x + 5)).total() }\n\
                 pub fn unrelated() -> u64 { 1 }",
            )],
            deps: &["app"],
        },
    ]);
    has(&reach(&g, "app::<impl Stream>::total"), "down::doubled");
    has(&reach(&g, "app::<impl Job>::run"), "down::job");
    has(&reach(&g, "app::<impl GenStream>::total"), "down::plus");
    lacks(&reach(&g, "app::<impl Stream>::total"), "down::unrelated");
}

#[test]
fn a_library_an_external_crate_depends_on_counts_when_the_crate_is_reached() {
    let summary = |src: &str| Arc::new(parse_file(src).unwrap_or_else(|e| panic!("{}", e.message)));
    let info = |name: &str, deps, ext_local| CrateInfo {
        ext_local,
        ..lib_info(name, &Path::new("/ws").join(name), deps)
    };
    let json = "serde_json@1.0.0".to_owned();
    let infos = [
        info("itoa", BTreeMap::new(), BTreeMap::new()),
        info(
            "app",
            BTreeMap::from([("serde_json".to_owned(), DepRef::External(json.clone()))]),
            BTreeMap::from([(json, vec!["/ws/itoa/src/lib.rs".to_owned()])]),
        ),
    ];
    let files = HashMap::from([
        (
            PathBuf::from("/ws/itoa/src/lib.rs"),
            summary("pub struct Buffer;\nimpl Buffer { pub fn format(&mut self, n: u64) -> String { n.to_string() } }"),
        ),
        (
            PathBuf::from("/ws/app/src/lib.rs"),
            summary("pub fn f(n: u64) -> String { serde_json::to_string(&n).unwrap() }\npub fn g() -> u64 { 1 }"),
        ),
    ]);
    let env = |_: usize, _: &str| None;
    let g = Graph::build(&infos, &mut Mem(files), &env);
    has(&reach(&g, "app::f"), "itoa::<impl Buffer>::format");
    lacks(&reach(&g, "app::g"), "itoa::<impl Buffer>::format");
}

#[test]
fn self_super_paths_and_extern_prelude_renames_resolve() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[("lib.rs", "pub fn helper() -> u64 { 7 }")],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "extern crate base as bb;\nextern crate self as myapp;\n\
                 fn base_val() -> u64 { 40 }\n\
                 pub mod inner { pub fn go() -> u64 { self::super::base_val() + 1 } pub mod deeper { pub fn up() -> u64 { self::super::super::base_val() } } }\n\
                 pub fn f() -> u64 { ::bb::helper() }\n\
                 pub fn g() -> u64 { ::myapp::inner::go() }",
            )],
            deps: &["base"],
        },
    ]);
    has(&reach(&g, "app::inner::go"), "app::base_val");
    has(&reach(&g, "app::inner::deeper::up"), "app::base_val");
    has(&reach(&g, "app::f"), "base::helper");
    has(&reach(&g, "app::g"), "app::inner::go");
}

#[test]
fn a_macro_from_outside_the_workspace_may_read_the_packages_variables() {
    let summary = |src: &str| Arc::new(parse_file(src).unwrap_or_else(|e| panic!("{}", e.message)));
    let deps = BTreeMap::from([("clap".to_owned(), DepRef::External("clap@4.0.0".to_owned()))]);
    let info = lib_info("app", Path::new("/ws/app"), deps);
    let files = HashMap::from([(
        PathBuf::from("/ws/app/src/lib.rs"),
        summary(
            "pub fn version() -> &'static str { clap::crate_version!() }\n\
             pub fn plain() -> String { format!(\"{}\", 1) }",
        ),
    )]);
    let env = |_: usize, _: &str| None;
    let g = Graph::build(&[info], &mut Mem(files), &env);
    let vars = |function: &str| -> Vec<String> {
        closure_of(&g, function)
            .env
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    };
    assert!(vars("app::version").contains(&crate::parse::PACKAGE_ENV_VARS.to_owned()));
    assert!(vars("app::plain").is_empty());
}

#[test]
fn a_generic_serialize_bound_reaches_the_types_deriving_it_when_it_serializes_or_measures() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[(
                "lib.rs",
                "pub fn size<T: serde::Serialize>(_: &T) -> usize { std::mem::size_of::<T>() }\n\
                 pub fn first<T: serde::Serialize + Clone>(v: &[T]) -> Option<T> { v.first().cloned() }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "#[derive(serde::Serialize)] pub enum Color { Red, Green }\n\
                 pub fn other() -> u64 { 1 }",
            )],
            deps: &["base"],
        },
    ]);
    // It measures its value: the definition counts.
    let r = reach(&g, "base::size");
    has(&r, "down::Color");
    lacks(&r, "down::other");
    // `Serialize` only for the key: what the key's stream shows is enough.
    lacks(&reach(&g, "base::first"), "down::Color");
}

#[test]
fn a_macro_named_like_a_standard_one_counts_only_where_its_text_may_be_in_scope() {
    let g = one(
        "pub trait Weight { fn weight(&self) -> u64; }\n\
         pub struct Crate;\n\
         pub mod parse { pub mod tests { macro_rules! vec { ($t:ty, $n:expr) => { impl crate::Weight for $t { fn weight(&self) -> u64 { $n } } }; } fn here() { vec!(crate::Crate, 5); } } }\n\
         pub mod translate { pub fn setup() { vec!(crate::Crate, 6); } }\n\
         pub fn f(c: Crate) -> u64 { c.weight() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::parse::tests::here");
    lacks(&r, "app::translate::setup");
}

#[test]
fn a_workspace_proc_macro_that_reads_files_may_read_any_of_the_package() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let package = dir.path().join("app");
    std::fs::create_dir_all(package.join("tables")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(package.join("tables/rates.txt"), "1 2 3").unwrap_or_else(|e| panic!("{e}"));
    let summary = |src: &str| Arc::new(parse_file(src).unwrap_or_else(|e| panic!("{}", e.message)));
    let pm_dir = dir.path().join("pm");
    let infos = [
        CrateInfo {
            proc_macro: true,
            ..lib_info("pm", &pm_dir, BTreeMap::new())
        },
        lib_info(
            "app",
            &package,
            BTreeMap::from([(
                "pm".to_owned(),
                DepRef::Local(pm_dir.join("src/lib.rs").display().to_string()),
            )]),
        ),
    ];
    let files = HashMap::from([
        (
            pm_dir.join("src/lib.rs"),
            summary(
                "#[proc_macro_derive(Table)] pub fn table(i: TokenStream) -> TokenStream {\n\
                     let text = std::fs::read_to_string(\"x\").unwrap(); text.parse().unwrap()\n\
                 }",
            ),
        ),
        (
            package.join("src/lib.rs"),
            summary(
                "#[derive(pm::Table)] pub struct Rates;\n\
                 pub fn total() -> u32 { Rates::total() }\n\
                 pub fn plain() -> u32 { 1 }",
            ),
        ),
    ]);
    let env = |_: usize, _: &str| None;
    let g = Graph::build(&infos, &mut Mem(files), &env);
    assert_eq!(
        files_read(&g, "app::total"),
        vec![package.join("tables/rates.txt")]
    );
    assert!(files_read(&g, "app::plain").is_empty());
}

#[test]
fn code_a_caller_passes_to_a_generic_marked_function_is_its_callers() {
    let g = graph(&[
        Krate {
            name: "gen",
            files: &[(
                "lib.rs",
                "pub fn call_f<F: Fn(u32) -> u32>(f: F) -> u32 { f(5) }\n\
                 pub async fn wait(f: impl std::future::Future<Output = u64>) -> u64 { f.await + 1 }\n\
                 pub fn sum_of<I: Iterator<Item = u64>>(it: I) -> u64 { it.sum() }\n\
                 pub fn call_dyn(f: &dyn Fn(u32) -> u32) -> u32 { f(5) }\n\
                 pub fn plain(x: u32) -> u32 { x }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "pub fn adder() -> u32 { gen::call_f(|x| x + 3) }\n\
                 pub async fn job() -> u64 { gen::wait(async { 70 }).await }\n\
                 pub fn doubled() -> u64 { gen::sum_of((0..4).map(|x| x * 2)) }\n\
                 pub fn dynamic() -> u32 { gen::call_dyn(&|x| x + 3) }\n\
                 pub fn uses_plain() -> u32 { gen::plain(1) }",
            )],
            deps: &["gen"],
        },
    ]);
    has(&reach(&g, "gen::call_f"), "down::adder");
    has(&reach(&g, "gen::wait"), "down::job");
    has(&reach(&g, "gen::sum_of"), "down::doubled");
    has(&reach(&g, "gen::call_dyn"), "down::dynamic");
    lacks(&reach(&g, "gen::plain"), "down::uses_plain");
}

#[test]
fn impl_headers_written_by_type_macros_and_generic_aliases() {
    let g = one(
        "use std::fmt;\n\
         pub struct A2;\n\
         macro_rules! ty2 { () => { A2 }; }\n\
         impl fmt::Display for ty2!() { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"a2\") } }\n\
         pub fn show_a2() -> String { format!(\"{}\", A2) }\n\
         pub struct A7;\n\
         macro_rules! ty7 { ($t:ty) => { $t }; }\n\
         impl ty7!(A7) { pub fn val(&self) -> u32 { 7 } }\n\
         pub fn val_a7() -> u32 { A7.val() }\n\
         pub struct B6;\n\
         macro_rules! boxed_b6 { () => { Box<B6> }; }\n\
         impl fmt::Display for boxed_b6!() { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"b6\") } }\n\
         pub fn show_b6() -> String { Box::new(B6).to_string() }\n\
         pub type Same<T> = T;\n\
         pub struct A6;\n\
         impl Same<A6> { pub fn val(&self) -> u32 { 6 } }\n\
         pub fn val_a6() -> u32 { A6.val() }\n\
         pub struct B7;\n\
         impl B7 { pub fn new() -> B7 { B7 } }\n\
         impl crate::Same<B7> { pub fn seven(&self) -> u32 { 7 } }\n\
         pub fn val_b7() -> u32 { crate::Same::<B7>::seven(&B7::new()) }\n\
         pub struct Decoy;\n\
         pub trait Pick { type Fst; type Snd; }\n\
         impl<A, B> Pick for (A, B) { type Fst = A; type Snd = B; }\n\
         pub type First<A, B> = <(A, B) as Pick>::Fst;\n\
         pub struct B1;\n\
         impl fmt::Display for First<B1, Decoy> { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"b1\") } }\n\
         pub fn show_b1() -> String { format!(\"{}\", B1) }",
    );
    has(
        &reach(&g, "app::show_a2"),
        "app::<impl fmt::Display for ty2!()>::fmt",
    );
    for (f, m) in [
        ("app::val_a7", "val"),
        ("app::val_a6", "val"),
        ("app::val_b7", "seven"),
    ] {
        let r = reach(&g, f);
        assert!(
            r.iter().any(|k| k.ends_with(&format!(">::{m}"))),
            "{f}: {r:#?}"
        );
    }
    let r = reach(&g, "app::show_b6");
    assert!(r.iter().any(|k| k.contains("boxed_b6")), "{r:#?}");
    let r = reach(&g, "app::show_b1");
    assert!(r.iter().any(|k| k.contains("First")), "{r:#?}");
}
#[test]
fn files_included_in_the_input_of_item_macros() {
    let g = one(
        "macro_rules! ident_const { ($name:ident, $e:expr) => { pub const $name: &str = $e; }; }\n\
         ident_const!(MSG3, include_str!(\"../msg3.txt\"));\n\
         macro_rules! doc_const { ($(#[doc = $d:expr])* $name:ident) => { pub const $name: &str = $($d)*; }; }\n\
         doc_const! { #[doc = include_str!(\"../msg.txt\")] MSG }\n\
         pub fn three() -> String { MSG3.to_string() }\n\
         pub fn one() -> String { MSG.to_string() }",
    );
    for (f, file) in [("app::three", "msg3.txt"), ("app::one", "msg.txt")] {
        let read = files_read(&g, f);
        assert!(read.iter().any(|p| p.ends_with(file)), "{f}: {read:?}");
    }
}
#[test]
fn files_named_by_strings_of_item_macros_are_read() {
    // `#[path = $file] pub mod $name;` writes a module whose file only the
    // invocation's string names; a std macro's strings are messages.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let package = dir.path().join("app");
    std::fs::create_dir_all(package.join("src")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        package.join("src/extra_impl.rs"),
        "pub fn value() -> u32 { 7 }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(package.join("src/note.rs"), "").unwrap_or_else(|e| panic!("{e}"));
    let src = "macro_rules! load_mod { ($name:ident, $file:literal) => { #[path = $file] pub mod $name; }; }\n\
               load_mod!(extra, \"extra_impl.rs\");\n\
               thread_local!(static NOTE: &str = \"note.rs\");\n\
               pub fn via_extra() -> u32 { extra::value() }\n\
               pub fn via_note() -> &'static str { NOTE.with(|n| *n) }";
    let summary = Arc::new(parse_file(src).unwrap_or_else(|e| panic!("{}", e.message)));
    let infos = [lib_info("app", &package, BTreeMap::new())];
    let files = HashMap::from([(package.join("src/lib.rs"), summary)]);
    let env = |_: usize, _: &str| None;
    let g = Graph::build(&infos, &mut Mem(files), &env);
    assert_eq!(
        files_read(&g, "app::via_extra"),
        vec![package.join("src/extra_impl.rs")]
    );
    assert!(files_read(&g, "app::via_note").is_empty());
}
#[test]
fn impls_for_projection_aliases_reach_what_the_projection_may_be() {
    let g = one(
        "pub trait Pick { type Fst; }\n\
         impl<A, B> Pick for (A, B) { type Fst = A; }\n\
         pub type First<A, B> = <(A, B) as Pick>::Fst;\n\
         pub struct C1(pub u32);\n\
         pub struct Decoy;\n\
         impl From<First<C1, Decoy>> for u32 { fn from(c: C1) -> u32 { c.0 * 4 } }\n\
         pub fn from_c1() -> u32 { u32::from(C1(5)) }\n\
         pub trait Tr { type X; }\n\
         pub struct Key;\n\
         pub struct Val;\n\
         impl Tr for Key { type X = Val; }\n\
         pub type Out<T> = <T as Tr>::X;\n\
         impl std::ops::Not for Out<Key> { type Output = String; fn not(self) -> String { \"key\".to_string() } }\n\
         pub fn key_val() -> String { !Val }\n\
         pub trait Label { fn label(&self) -> u32; }\n\
         impl Label for Out<Key> { fn label(&self) -> u32 { 3 } }\n\
         pub fn labelled() -> u32 { Val.label() }",
    );
    for (f, item) in [
        ("app::from_c1", ">::from"),
        ("app::key_val", ">::not"),
        ("app::labelled", ">::label"),
    ] {
        let r = reach(&g, f);
        assert!(r.iter().any(|k| k.ends_with(item)), "{f}: {r:#?}");
    }
}
#[test]
fn std_traits_are_known_by_their_names_under_renaming_imports() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "use std::fmt::Display as Disp;\n\
                 pub use std::fmt::Display as ShowAgain;\n\
                 pub fn show_renamed<T: Disp>(x: &T) -> String { x.to_string() }\n\
                 pub fn show_plain<T: std::fmt::Display>(x: &T) -> String { x.to_string() }\n\
                 pub fn join_dyn(items: &[&dyn Disp]) -> String { items.iter().map(|i| i.to_string()).collect() }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "use std::fmt;\n\
                 use std::fmt::Display as Shown;\n\
                 pub struct Badge;\n\
                 impl fmt::Display for Badge { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"badge\") } }\n\
                 pub struct Medal;\n\
                 impl Shown for Medal { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"medal\") } }\n\
                 pub struct Cup;\n\
                 impl app::ShowAgain for Cup { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, \"cup\") } }",
            )],
            deps: &["app"],
        },
    ]);
    has(
        &reach(&g, "app::show_renamed"),
        "down::<impl fmt::Display for Badge>::fmt",
    );
    has(
        &reach(&g, "app::join_dyn"),
        "down::<impl fmt::Display for Badge>::fmt",
    );
    let r = reach(&g, "app::show_plain");
    has(&r, "down::<impl Shown for Medal>::fmt");
    has(&r, "down::<impl app::ShowAgain for Cup>::fmt");
}

#[test]
fn std_trait_bounds_reach_impls_written_by_macros_downstream() {
    let g = graph(&[
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub fn show_plain<T: std::fmt::Display>(x: &T) -> String { x.to_string() }\n\
                 pub fn count<T: Clone>(x: &T) -> usize { let _ = x.clone(); 1 }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "use std::fmt;\n\
                 macro_rules! disp { ($t:ident, $s:literal) => { impl fmt::Display for $t { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, $s) } } }; }\n\
                 pub struct Ribbon;\n\
                 disp!(Ribbon, \"ribbon\");\n\
                 ext_macro!(Kite);",
            )],
            deps: &["app"],
        },
        Krate {
            name: "other",
            files: &[(
                "lib.rs",
                "doctest!(\"../README.md\");\n\
                 #[cfg(test)] mod tests { use quickcheck::quickcheck; pub struct Local; quickcheck! { fn prop(x: Local) -> bool { true } } }",
            )],
            deps: &["app"],
        },
    ]);
    let r = reach(&g, "app::show_plain");
    assert!(
        r.iter().any(|k| k.starts_with("down::disp!")),
        "the invocation writing the impl: {r:#?}"
    );
    assert!(
        r.iter().any(|k| k.starts_with("down::ext_macro!")),
        "a macro that cannot be read may write any impl: {r:#?}"
    );
    assert!(
        !r.iter().any(|k| k.starts_with("other::")),
        "no type named (`doctest!`), or a dev-dependency's macro: {r:#?}"
    );
    let r = reach(&g, "app::count");
    assert!(
        !r.iter().any(|k| k.starts_with("down::disp!")),
        "a macro writing Display writes no Clone: {r:#?}"
    );
}

#[test]
fn identifiers_a_macro_calls_as_methods() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[(
                "lib.rs",
                "pub trait Quad { fn quad(&self) -> u32; }\n\
                 impl Quad for u32 { fn quad(&self) -> u32 { self * 4 } }\n\
                 #[macro_export]\n\
                 macro_rules! call_on { ($x:expr, $m:ident) => { $x.$m() }; }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "pub struct Dial(pub u32);\n\
                 impl Dial { pub fn turn(&self) -> u32 { self.0 + 100 } pub fn fresh() -> Dial { Dial(60) } }\n\
                 macro_rules! call0 { ($x:expr, $m:ident) => { $x.$m() }; }\n\
                 macro_rules! make { ($t:ident, $f:ident) => { $t::$f() }; }\n\
                 pub fn by_method() -> u32 { call0!(Dial(2), turn) }\n\
                 pub fn by_assoc() -> u32 { make!(Dial, fresh).0 }\n\
                 use base::Quad;\n\
                 pub fn by_trait() -> u32 { base::call_on!(3u32, quad) }",
            )],
            deps: &["base"],
        },
    ]);
    has(&reach(&g, "app::by_method"), "app::<impl Dial>::turn");
    has(&reach(&g, "app::by_assoc"), "app::<impl Dial>::fresh");
    has(
        &reach(&g, "app::by_trait"),
        "base::<impl Quad for u32>::quad",
    );
}

#[test]
fn associated_items_a_macro_body_names_on_its_input_type() {
    let g = one(
        "pub struct Cog;\n\
         pub struct Gear;\n\
         impl Cog { pub fn build() -> u32 { 1 } pub const LIMIT: u32 = 2; pub fn make() -> u32 { 3 } }\n\
         impl Gear { pub fn build() -> u32 { 4 } pub const LIMIT: u32 = 5; pub fn make() -> u32 { 6 } }\n\
         macro_rules! build_qself { ($p:path) => { <$p>::build() }; }\n\
         macro_rules! limit_qself { ($t:ty) => { <$t>::LIMIT }; }\n\
         macro_rules! make_ident { ($t:ident) => { $t::make() }; }\n\
         pub fn built() -> u32 { build_qself!(Cog) }\n\
         pub fn limit() -> u32 { limit_qself!(Cog) }\n\
         pub fn made() -> u32 { make_ident!(Cog) }",
    );
    for (f, item) in [
        ("app::built", "app::<impl Cog>::build"),
        ("app::limit", "app::<impl Cog>::LIMIT"),
        ("app::made", "app::<impl Cog>::make"),
    ] {
        let r = reach(&g, f);
        has(&r, item);
        // Only the type handed to the macro is reached.
        assert!(
            !r.iter().any(|k| k.starts_with("app::<impl Gear>")),
            "{f}: {r:#?}"
        );
    }
}

#[test]
fn methods_called_in_attribute_format_arguments() {
    let g = one("pub struct Dial(pub u32);\n\
         impl Dial { pub fn label(&self) -> u32 { self.0 * 7 } }\n\
         #[derive(Debug, thiserror::Error)]\n\
         #[error(\"dial {}\", .0.label())]\n\
         pub struct DialError(Dial);\n\
         pub fn message() -> String { DialError(Dial(2)).to_string() }");
    has(&reach(&g, "app::message"), "app::<impl Dial>::label");
}
#[test]
fn identifiers_equal_in_nfc_are_one_name() {
    // `caf\u{e9}` precomposed, `cafe\u{301}` with a combining accent.
    let g = one("pub fn caf\u{e9}() -> u32 { 7 }\n\
         pub fn call() -> u32 { cafe\u{301}() }");
    has(&reach(&g, "app::call"), "app::caf\u{e9}");
}

#[test]
fn items_a_cfg_attr_may_compile_out_hide_nothing() {
    let g = one("mod a { pub fn helper() -> u32 { 1 } }\n\
         mod b { pub fn helper() -> u32 { 2 } }\n\
         mod m {\n\
             use super::b::*;\n\
             #[cfg_attr(all(), cfg(any()))] use super::a::helper;\n\
             pub fn run() -> u32 { helper() }\n\
         }");
    has(&reach(&g, "app::m::run"), "app::b::helper");
}

#[test]
fn symbols_exported_by_statics_and_named_in_assembly() {
    let g = one(
        "#[export_name = \"EXPORTED\"] pub static SOURCE: u32 = 8;\n\
         #[cfg_attr(all(), no_mangle)] pub static FLAGGED_SRC: u32 = 9;\n\
         extern \"C\" { static EXPORTED: u32; static FLAGGED_SRC: u32; fn asm_seven() -> u32; }\n\
         pub fn read() -> u32 { unsafe { EXPORTED } }\n\
         pub fn flagged() -> u32 { unsafe { FLAGGED_SRC } }\n\
         std::arch::global_asm!(\".globl asm_seven\", \"asm_seven:\", \"mov eax, 7\", \"ret\");\n\
         pub fn seven() -> u32 { unsafe { asm_seven() } }\n\
         #[no_mangle] pub static WEIGHT: u32 = 4;\n\
         pub fn weight() -> u32 { let v: u32; unsafe { std::arch::asm!(\"mov {0:e}, dword ptr [rip + WEIGHT]\", out(reg) v) }; v }",
    );
    has(&reach(&g, "app::read"), "app::SOURCE");
    has(&reach(&g, "app::flagged"), "app::FLAGGED_SRC");
    assert!(
        reach(&g, "app::seven")
            .iter()
            .any(|k| k.starts_with("app::global_asm!")),
        "{:#?}",
        reach(&g, "app::seven")
    );
    has(&reach(&g, "app::weight"), "app::WEIGHT");
}

#[test]
fn code_reporting_where_code_sits_under_any_name() {
    let g = one("use std::panic::Location as Loc;\n\
         pub fn own_line() -> u32 { Loc::caller().line() }\n\
         pub fn hook() { std::panic::set_hook(Box::new(|info| { let _ = info.location(); })); }\n\
         pub fn plain() -> u32 { 1 }\n\
         #[track_caller] pub fn tracked(v: Option<u32>) -> u32 { v.unwrap() }\n\
         macro_rules! call_with { ($m:ident) => { $m!() } }");
    assert!(g.observes_call_site(node(&g, "app::own_line")));
    assert!(g.observes_call_site(node(&g, "app::hook")));
    assert!(!g.observes_call_site(node(&g, "app::plain")));
    // It only moves where a panic is reported: nothing here reads that.
    assert!(!g.observes_call_site(node(&g, "app::tracked")));
    assert!(matches!(
        g.nodes[node(&g, "app::call_with!")].detail,
        super::NodeDetail::MacroDef {
            calls_input: true,
            ..
        }
    ));
}

#[test]
fn once_a_position_is_reported_every_reached_place_counts() {
    // `a + b` calls the `#[track_caller]` `add`, which reports the line of
    // the `+`: neither the operator nor its caller names it.
    let g = one(
        "pub struct P(pub u32);\n\
         impl std::ops::Add for P { type Output = u32;\n\
             #[track_caller] fn add(self, o: P) -> u32 { std::panic::Location::caller().line() + o.0 } }\n\
         fn sum(a: P, b: P) -> u32 { a + b }\n\
         pub fn marked() -> u32 { sum(P(1), P(2)) }\n\
         pub fn other() -> u32 { 3 }",
    );
    let sites = crate::call_sites::CallSites::new(&g, Path::new("/ws"));
    let closure = closure_of(&g, "app::marked");
    let observed = sites.observed(&closure).expect("reaches `add`");
    assert_eq!(observed.places.len(), closure.reached.len());
    assert!(sites.observed(&closure_of(&g, "app::other")).is_none());
}

#[test]
fn uses_of_what_a_macro_writes_reach_its_invocation() {
    let g = one(
        "macro_rules! section { ($name:ident) => { pub mod $name { pub fn path() -> u32 { 1 } } }; }\n\
         section!(alpha);\n\
         pub use alpha::path as section_path;\n\
         macro_rules! shapes { ($m:ident) => { pub mod $m { pub struct Sq; impl Sq { pub fn side(&self) -> u32 { 4 } } } }; }\n\
         shapes!(geo);\n\
         pub use geo::Sq;\n\
         macro_rules! ext_mod { ($m:ident) => { pub mod $m { pub trait Twice { fn twice(&self) -> u32; }\n\
             impl Twice for u32 { fn twice(&self) -> u32 { self * 2 } } } }; }\n\
         ext_mod!(ext);\n\
         pub fn renamed() -> u32 { section_path() }\n\
         pub fn typed() -> u32 { Sq.side() }\n\
         pub fn traited() -> u32 { use crate::ext::Twice; 5u32.twice() }\n\
         pub fn plain() -> u32 { 5u32.count_ones() }",
    );
    has(&reach(&g, "app::renamed"), "app::section!#0");
    has(&reach(&g, "app::typed"), "app::shapes!#0");
    has(&reach(&g, "app::traited"), "app::ext_mod!#0");
    lacks(&reach(&g, "app::plain"), "app::ext_mod!#0");
}

#[test]
fn impls_of_a_reached_trait_for_outside_types_count_in_every_crate_that_may_run() {
    // `21u32.decode()` in app runs app's impl of base's trait, and inference
    // takes `Celsius` from it: base does not reach app, the function does.
    let g = graph(&[
        Krate {
            name: "base",
            files: &[("lib.rs", "pub trait Decode<T> { fn decode(&self) -> T; }")],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "use base::Decode;\n\
                 pub struct Celsius(pub u32);\n\
                 impl Celsius { pub fn degrees(&self) -> u32 { self.0 } }\n\
                 impl Decode<Celsius> for u32 { fn decode(&self) -> Celsius { Celsius(*self) } }\n\
                 pub fn temp() -> u32 { 21u32.decode().degrees() }",
            )],
            deps: &["base"],
        },
        Krate {
            name: "other",
            files: &[(
                "lib.rs",
                "pub struct Kelvin;\n\
                 impl base::Decode<Kelvin> for u64 { fn decode(&self) -> Kelvin { Kelvin } }",
            )],
            deps: &["base"],
        },
    ]);
    let r = reach(&g, "app::temp");
    has(&r, "app::<impl Decode for u32>::decode");
    has(&r, "app::<impl Celsius>::degrees");
    // A crate that cannot run with the function does not count.
    assert!(!r.iter().any(|k| k.starts_with("other::")), "{r:#?}");
}

#[test]
fn code_passed_through_a_workspace_trait_every_closure_implements_is_its_callers() {
    let g = graph(&[
        Krate {
            name: "gen",
            files: &[(
                "lib.rs",
                "pub trait Stage { fn run(&self, x: u32) -> u32; }\n\
                 impl<F: Fn(u32) -> u32> Stage for F { fn run(&self, x: u32) -> u32 { self(x) } }\n\
                 pub trait Plain { fn get(&self) -> u32; }\n\
                 pub fn apply<S: Stage>(s: S) -> u32 { s.run(5) }\n\
                 pub fn apply_dyn(s: &dyn Stage) -> u32 { s.run(5) }\n\
                 pub fn plain<P: Plain>(p: P) -> u32 { p.get() }",
            )],
            deps: &[],
        },
        Krate {
            name: "down",
            files: &[(
                "lib.rs",
                "pub fn tripled() -> u32 { gen::apply(|x| x * 3) }\n\
                 pub fn doubled() -> u32 { gen::apply_dyn(&|x| x * 2) }\n\
                 pub struct P;\n\
                 impl gen::Plain for P { fn get(&self) -> u32 { 1 } }\n\
                 pub fn uses_plain() -> u32 { gen::plain(P) }",
            )],
            deps: &["gen"],
        },
    ]);
    has(&reach(&g, "gen::apply"), "down::tripled");
    has(&reach(&g, "gen::apply_dyn"), "down::doubled");
    lacks(&reach(&g, "gen::plain"), "down::uses_plain");
}

#[test]
fn a_generic_function_drops_the_types_it_may_be_given_once_a_caller_implements_drop() {
    let app = |with_drop: bool| {
        let src = format!(
            "pub fn release<T: serde::Serialize>(items: Vec<T>) -> usize {{ let n = items.len(); drop(items); n }}\n\
             pub struct Part(pub u32);\n\
             {}\n\
             #[derive(serde::Serialize)] pub struct Session {{ #[serde(skip)] pub head: Part }}",
            if with_drop { "impl Drop for Part { fn drop(&mut self) {} }" } else { "" }
        );
        let dir = Path::new("/ws/app");
        let serde = DepRef::External("serde@1.0.0".to_owned());
        let infos = [lib_info(
            "app",
            dir,
            BTreeMap::from([("serde".to_owned(), serde)]),
        )];
        let summary = Arc::new(parse_file(&src).unwrap_or_else(|e| panic!("{}", e.message)));
        let files = HashMap::from([(dir.join("src/lib.rs"), summary)]);
        let env = |_: usize, _: &str| None;
        Graph::build(&infos, &mut Mem(files), &env)
    };
    let r = reach(&app(true), "app::release");
    has(&r, "app::Session");
    has(&r, "app::<impl Drop for Part>::drop");
    // No `Drop` anywhere: a derived `Serialize` the function never runs
    // does not count.
    lacks(&reach(&app(false), "app::release"), "app::Session");
}

#[test]
fn names_in_a_macro_bodys_repetitions_count() {
    let g = one("pub fn helper(x: u32) -> u32 { x * 2 }\n\
         pub fn unused(x: u32) -> u32 { x }\n\
         macro_rules! sum_all { ($($x:expr),*) => { 0 $( + helper($x) )* }; }\n\
         pub fn f() -> u32 { sum_all!(1, 2) }");
    let r = reach(&g, "app::f");
    has(&r, "app::helper");
    lacks(&r, "app::unused");
}

#[test]
fn self_in_a_macro_body_invoked_in_an_impl_is_its_type() {
    let g = one(
        "macro_rules! getter { ($n:ident) => { pub fn $n(&self) -> u32 { Self::SCALE } }; }\n\
         pub struct Dims;\n\
         impl Dims { const SCALE: u32 = 3; getter!(width); }\n\
         pub struct Other;\n\
         impl Other { const SCALE: u32 = 4; }\n\
         pub fn f() -> u32 { Dims.width() }",
    );
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Dims>::SCALE");
    lacks(&r, "app::<impl Other>::SCALE");
}

#[test]
fn a_default_method_a_macro_writes_in_a_trait_is_found_by_its_name() {
    let g = one(
        "macro_rules! default_visit { ($n:ident) => { fn $n(&self) -> u32 { LIMIT } }; }\n\
         const LIMIT: u32 = 4;\n\
         pub trait Walk { fn record(&self); default_visit!(visit_one); }\n\
         pub struct W;\n\
         impl Walk for W { fn record(&self) {} }\n\
         pub fn f() -> u32 { W.visit_one() }",
    );
    has(&reach(&g, "app::f"), "app::LIMIT");
}

#[test]
fn self_in_a_derives_attribute_arguments_is_the_type() {
    let g = one("#[derive(Debug, thiserror::Error)]\n\
         #[error(\"quota of {} exceeded\", Self::QUOTA)]\n\
         pub struct Over;\n\
         impl Over { const QUOTA: u32 = 5; }\n\
         pub struct Under;\n\
         impl Under { const QUOTA: u32 = 6; }\n\
         pub fn f() -> String { Over.to_string() }");
    let r = reach(&g, "app::f");
    has(&r, "app::<impl Over>::QUOTA");
    lacks(&r, "app::<impl Under>::QUOTA");
}

#[test]
fn a_glob_sees_a_private_use_only_inside_its_module() {
    let g = one("pub mod metric { pub fn scale() -> u32 { 1 } }\n\
         pub mod imperial { pub fn scale() -> u32 { 2 } }\n\
         pub mod a { pub use crate::metric::scale as pick; }\n\
         pub mod b {\n\
             use crate::imperial::scale as pick;\n\
             pub mod inner { use super::*; pub fn g() -> u32 { pick() } }\n\
         }\n\
         pub mod user { use super::a::*; use super::b::*; pub fn f() -> u32 { pick() } }");
    let r = reach(&g, "app::user::f");
    has(&r, "app::metric::scale");
    lacks(&r, "app::imperial::scale");
    has(&reach(&g, "app::b::inner::g"), "app::imperial::scale");
}

#[test]
fn a_build_scripts_modules_are_its_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "build/main.rs",
        "mod codegen;\nmod util { pub mod deep; }\n#[path = \"../tools/shared.rs\"] mod shared;\n\
         #[cfg_attr(unix, path = \"plat/unix.rs\")] mod plat;\n\
         fn main() { println!(\"cargo:rerun-if-changed=data.txt\"); }",
    );
    write("build/codegen.rs", "mod tables;\npub fn go() {}");
    write("build/codegen/tables.rs", "pub const N: u32 = 1;");
    write("build/util/deep.rs", "pub fn f() {}");
    write("tools/shared.rs", "pub fn g() {}");
    write("build/plat/unix.rs", "pub fn h() {}");
    write("build/plat.rs", "pub fn h() {}");
    write("data.txt", "1");
    write("unrelated.txt", "2");
    let mut info = lib_info("c1", root, BTreeMap::new());
    info.build_script = Some(root.join("build/main.rs"));
    let inputs: BTreeSet<PathBuf> = super::build_script_inputs(&info)
        .into_iter()
        .map(|p| p.strip_prefix(root).expect("inside").to_path_buf())
        .collect();
    let expected: BTreeSet<PathBuf> = [
        "build/main.rs",
        "build/codegen.rs",
        "build/codegen/tables.rs",
        "build/util/deep.rs",
        "build/../tools/shared.rs",
        "build/plat/unix.rs",
        "build/plat.rs",
        "data.txt",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    assert_eq!(inputs, expected);
}

#[test]
fn a_folder_named_target_is_skipped_only_when_cargo_made_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for (rel, text) in [
        ("specs/target/bits.txt", "64"),
        (
            "target/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55",
        ),
        ("target/debug/out.txt", "built"),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    }
    let found: Vec<PathBuf> = super::files_under(root, true)
        .into_iter()
        .map(|p| p.strip_prefix(root).expect("inside").to_path_buf())
        .collect();
    assert_eq!(found, vec![PathBuf::from("specs/target/bits.txt")]);
}

/// A bare `name!` is a `macro_rules!` whose text may be in scope: one of
/// its own module or one above, or of a module that is `#[macro_use]` (or
/// says `#![macro_use]`), climbing while each is; a test module's macro
/// named like std's is not the `assert_eq!` of code outside it. A
/// `macro_rules!` body's invocations expand where it is invoked: any of the
/// crate's counts there.
#[test]
fn a_bare_macro_name_is_a_macro_rules_whose_text_may_be_in_scope() {
    let g = graph(&[Krate {
        name: "app",
        files: &[
            (
                "lib.rs",
                "#[macro_use] mod outer;\n\
                 mod sibling;\n\
                 #[cfg_attr(feature = \"m\", macro_use)] mod maybe;\n\
                 mod inner_attr;\n\
                 mod user;\n\
                 macro_rules! relay { () => { hidden!() } }\n\
                 pub fn deep() -> u32 { deep!() }\n\
                 pub fn via_cfg_attr() -> u32 { maybe!() }\n\
                 pub fn via_inner() -> u32 { inner!() }\n\
                 pub fn not_sibling() -> u32 { hidden!() }\n\
                 pub fn relayed() -> u32 { relay!() }",
            ),
            ("outer.rs", "#[macro_use] mod nested;"),
            ("outer/nested.rs", "macro_rules! deep { () => { 1 } }"),
            (
                "sibling.rs",
                "macro_rules! hidden { () => { 2 } }\n\
                 #[cfg(test)] mod tests { macro_rules! assert_eq { ($a:expr, $b:expr) => { 3 } } pub fn inside() -> u32 { assert_eq!(1, 2) } }",
            ),
            ("maybe.rs", "macro_rules! maybe { () => { 4 } }"),
            ("inner_attr.rs", "#![macro_use]\nmacro_rules! inner { () => { 5 } }"),
            ("user.rs", "pub fn check() { assert_eq!(1, 1); }"),
        ],
        deps: &[],
    }]);
    has(&reach(&g, "app::deep"), "app::outer::nested::deep!");
    has(&reach(&g, "app::via_cfg_attr"), "app::maybe::maybe!");
    has(&reach(&g, "app::via_inner"), "app::inner_attr::inner!");
    lacks(&reach(&g, "app::not_sibling"), "app::sibling::hidden!");
    lacks(
        &reach(&g, "app::user::check"),
        "app::sibling::tests::assert_eq!",
    );
    has(
        &reach(&g, "app::sibling::tests::inside"),
        "app::sibling::tests::assert_eq!",
    );
    has(&reach(&g, "app::relayed"), "app::sibling::hidden!");
}

/// `cfg(test)` holds only in a crate's own test build: a dependency's test
/// code (a `#[cfg(test)] mod tests`, a `#[cfg(test)]` impl and its items)
/// never runs with a function of a crate depending on it, but the
/// function's own crate's does, and so does a crate's whose test build
/// links the function's crate. `cfg(any(test, ..))` may hold elsewhere.
#[test]
fn a_dependencys_cfg_test_code_is_not_reached() {
    let g = graph_with_dev(
        &[
            Krate {
                name: "base",
                files: &[
                    (
                        "lib.rs",
                        "pub struct Error { pub code: u32 }\n\
                         pub trait Describe { fn describe(&self) -> u32; }\n\
                         #[cfg(test)] mod tests;\n\
                         #[cfg(all(test, feature = \"x\"))] impl Describe for Error { fn describe(&self) -> u32 { 1 } }\n\
                         #[cfg(any(test, feature = \"y\"))] impl PartialEq<u32> for Error { fn eq(&self, o: &u32) -> bool { self.code == *o } }",
                    ),
                    (
                        "tests.rs",
                        "use super::Error;\n\
                         impl PartialEq<Error> for u32 { fn eq(&self, o: &Error) -> bool { *self == o.code } }\n\
                         pub fn helper() -> Error { Error { code: 7 } }",
                    ),
                ],
                deps: &[],
            },
            Krate {
                name: "app",
                files: &[(
                    "lib.rs",
                    "pub fn check(e: &base::Error) -> bool { 7u32 == *e }\n\
                     #[cfg(test)] impl base::Describe for Local { fn describe(&self) -> u32 { 2 } }\n\
                     pub struct Local;\n\
                     pub fn describe(e: &dyn base::Describe) -> u32 { e.describe() }",
                )],
                deps: &["base"],
            },
            Krate {
                name: "user",
                files: &[(
                    "lib.rs",
                    "#[cfg(test)] mod t { impl base::Describe for super::Mine { fn describe(&self) -> u32 { 3 } } }\npub struct Mine;",
                )],
                deps: &["base"],
            },
        ],
        &[("user", "app")],
    );
    let checked = reach(&g, "app::check");
    has(&checked, "base::Error");
    lacks(&checked, "base::tests::<impl PartialEq for u32>::eq");
    has(&checked, "base::<impl PartialEq for Error>::eq");
    let described = reach(&g, "app::describe");
    lacks(&described, "base::<impl Describe for Error>::describe");
    has(&described, "app::<impl base::Describe for Local>::describe");
    has(
        &described,
        "user::t::<impl base::Describe for super::Mine>::describe",
    );
    has(&reach(&g, "base::tests::helper"), "base::Error");
}

/// A `macro_rules!` whose body invokes its own crate's macros as
/// `$crate::name!` writes an impl only when one of those may: tokio's
/// `pin!`, which invokes only itself, writes none, so a function that pins
/// a value does not join the types it names as an impl writer would; a
/// macro that hands its input to one writing `impl` does.
#[test]
fn a_macro_invoking_its_own_crates_macros_writes_an_impl_only_if_they_may() {
    let g = one(
        "#[macro_export] macro_rules! pin { ($($x:ident),*) => { $( let mut $x = &mut $x; )* }; ($(let $x:ident = $init:expr;)*) => { $( let $x = $init; $crate::pin!($x); )* }; }\n\
         #[macro_export] macro_rules! imp { ($t:ident) => { impl Tr for $t { fn t(&self) -> u32 { 2 } } } }\n\
         #[macro_export] macro_rules! make { ($t:ident) => { $crate::imp!($t); } }\n\
         pub trait Tr { fn t(&self) -> u32; }\n\
         pub struct Timer;\n\
         pub struct Row;\n\
         make!(Row);\n\
         pub fn pinned() -> u32 { let e = Timer; pin!(e); 0 }\n\
         pub fn timer() -> Timer { Timer }\n\
         pub fn row() -> u32 { Row.t() }",
    );
    lacks(&reach(&g, "app::timer"), "app::pinned");
    has(&reach(&g, "app::row"), "app::make!#0");
}

/// A type holding a closure is built wherever its name is written, under
/// any name it goes by: an import's (`use reg::Hooked as H`) or an alias's
/// (`type Slot = Hooked`), whoever installs the value in a static the
/// function reads.
#[test]
fn a_closure_holder_is_built_under_any_name_it_goes_by() {
    let g = one(
        "pub mod reg { pub struct Hooked { pub f: Box<dyn Fn(u32) -> u32 + Send + Sync> } pub static SLOT: std::sync::OnceLock<Hooked> = std::sync::OnceLock::new(); }\n\
         use reg::Hooked as H;\n\
         type Slot = H;\n\
         pub fn install() { let _ = reg::SLOT.set(H { f: Box::new(|x| x * 3) }); }\n\
         pub fn install_alias() { let _ = reg::SLOT.set(Slot { f: Box::new(|x| x * 4) }); }\n\
         pub fn apply(x: u32) -> u32 { (reg::SLOT.get().unwrap().f)(x) }",
    );
    let r = reach(&g, "app::apply");
    has(&r, "app::install");
    has(&r, "app::install_alias");
}

/// A generic marked function handed a closure is called under any name an
/// import gives it (`use base::apply as run`): the closure is written there.
#[test]
fn a_generic_functions_callers_under_a_renamed_import() {
    let g = graph(&[
        Krate {
            name: "base",
            files: &[(
                "lib.rs",
                "#[perscache::persist] pub fn apply<F: Fn(u32) -> u32>(f: F, x: u32) -> u32 { f(x) }",
            )],
            deps: &[],
        },
        Krate {
            name: "app",
            files: &[(
                "lib.rs",
                "use base::apply as run;\npub fn triple(x: u32) -> u32 { run(|v| v * 3, x) }",
            )],
            deps: &["base"],
        },
    ]);
    has(&reach(&g, "base::apply"), "app::triple");
}
