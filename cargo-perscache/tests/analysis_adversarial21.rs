//! Round 21 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 20: `analysis_adversarial.rs` to
//! `analysis_adversarial20.rs`). Constructs: macros, manifests, files and
//! text. Manifests: dependency keys (`name = { package = .. }`) retargeted
//! or trading packages, in app, in a dependency and in
//! `[workspace.dependencies]`; `[lib] name` and a package renamed behind a
//! key (`type_name`, `module_path!()`); editions (2018 to 2021 for
//! `array.into_iter()` and disjoint closure captures, an inherited
//! `edition.workspace = true` moving to 2024 for `Box<[T]>::into_iter` and
//! tail-expression temporaries, the edition of a macro's crate deciding
//! whether `$e:expr` matches `_`); `[lib] path`; a build script's
//! `rustc-cfg` and its `rerun-if-changed` input. Macros: which macro a bare
//! name is (a `use` or a glob switched between two crates exporting it, a
//! renaming import, the order of `#[macro_use(..)] extern crate`s, a
//! `#[macro_use] mod` or a `macro_rules!` declared before or after the
//! module or item invoking it, `#[macro_use]` added); exported macros'
//! bodies (tt-munchers, repetitions, recursion, a macro writing a
//! `macro_rules!` with `$d:tt`, `$crate` through a re-export, items a
//! macro writes); a type, path or identifier argument whose associated
//! items or methods the body names (`<$t>::default().score()`,
//! `<$t as Tr>::make()`, `<$t as Default>::default()`, `$f()`,
//! `<$p>::build()`, `<$t>::LIMIT`, `$t::build()`); local names turned into
//! text (`stringify!` in another crate's macro, `assert!`'s message).
//! Files: `include_bytes!(..).len()` in a constant, `concat!` paths,
//! `CARGO_MANIFEST_DIR` and relative paths into a sibling crate, a literal
//! handed to another crate's `include_str!` macro from an `include!`d
//! file, a `#[path]` module outside `src/` and its nested module (next to
//! the `#[path]` file). Derives and text: a field type's manual `Debug`,
//! derived `PartialOrd` and `Hash` after reordering, displaydoc's doc
//! comments, a one-element tuple pattern in a `for` loop. Serde attributes
//! naming code in strings (`Type::f`, `super::`, `self::`, `try_from`/`from`
//! a std type, `rename_all`, `skip_serializing_if`, a container `default`
//! whose impl is in another file, `into` an alias, qualified paths
//! `<T as Trait>::f`). Layouts (`#[repr(u8)]` to `u16`, `repr(C)` dropped,
//! `align`, a variant inserted before a cast).
//!
//! Eleven cases, four families, are stale on analysis v8 (a cached run
//! confirms each: the old value is served after the edit); the other
//! fifty-seven hold and stay as guards:
//! - which macro a bare name is, when a local `macro_rules!` is in scope
//!   only from its place in the crate's text on and the name falls back to
//!   the `#[macro_use]` prelude before it: the local macro moved above the
//!   `mod` declaration of the module invoking it, a `#[macro_use] mod` moved
//!   above the module or above the root's function invoking it;
//! - an associated item of a macro's type, path or identifier argument
//!   named in the body after the metavariable (`<$p>::build()`,
//!   `<$t>::LIMIT`, `$t::build()`), edited in another crate;
//! - a serde attribute whose string is a qualified path (`serialize_with` or
//!   `deserialize_with = "<Hex as Codec>::ser"`, `default = "<u16 as
//!   Fallback>::fallback"`), its impl edited;
//! - two dependency keys of a crate the marked function reaches through
//!   another crate trading packages (mid's `first`/`second`,
//!   `[workspace.dependencies]` `one`/`two` used by wsd): the same items are
//!   reached.
//!
//! The rules (analysis v9): which definition of a crate's `macro_rules!`
//! name each reached invocation expands (the last one before it in the
//! crate's text, or none, before the first) is in the hash for a single
//! definition too, not only for rival ones; a name after a metavariable
//! (`$t::build`) or after a qualified self type (`<$p>::build`) in a macro
//! body joins by name as a method does (the input's type's associated
//! items); a string of an attribute that is a qualified path is read as
//! the expression it is; and each reached crate's dependency keys, with
//! the package each names, are in the hash beside its edition.
//!
//! Not here (the key salt, not the code hash, holds them: checked with a
//! cached run, each edit is a miss): two keys of the marked function's own
//! crate trading packages (`extern` hashes by name); `version`,
//! `description`, `authors` read by `env!` (also by another crate's macro
//! expanding in app) and inherited `version.workspace = true`; `default`
//! features, a feature an intermediate crate enables, `[profile.dev.package]
//! debug-assertions`; a build script's `rustc-env`; `include_str!` paths a
//! macro computes (`concat!(env!("CARGO_MANIFEST_DIR"), ..)`,
//! `concat!(.., stringify!($n), ..)`, a literal whose name is also a
//! decoy at the package root). Not Rust: a `macro_rules!` an `include!`
//! writes beside a `#[macro_use]` prelude macro of its name (ambiguous), a
//! `#[doc = include_str!(..)]` read by displaydoc (not a literal).
//!
//! The fixture (`tests/fixtures/adversarial21/ws`): `base` (serde and
//! displaydoc: exported macros, serde attributes, derives, layouts, files
//! it includes, a `#[path]` module under `shared/`), `mid` (depends on base
//! and on impl_a, impl_b and impl_c as `first`, `second` and `third`),
//! `wsd` (impl_e and impl_f as the workspace's `one` and `two`), `fmt_a` and
//! `fmt_b` (macros of the same names), `impl_a` to `impl_f` (one function
//! each; `impl_d` is no member until a key names it), `tn`, `e18` (edition
//! 2018), `inh` (edition from `[workspace.package]`), `lp` (`[lib] path`),
//! `bs` (a build script) and `app` (the marked functions). A case is one
//! edit and the functions whose **result** it changes (`must`), judged
//! through the real binary (`cargo perscache list --json`): every `must`
//! function must get a new code hash, or a cached result is served stale.
//! Each case is a test of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial21/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial21 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

const SUITE: Suite = Suite {
    fixture: "adversarial21",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

const FUNCTIONS: &[(&str, &str)] = &[
    ("mid_mix", "app::mid_mix"),
    ("mid_third", "app::mid_third"),
    ("ws_dep_mix", "app::ws_dep_mix"),
    ("engine_value", "app::engine_value"),
    ("renamed_dep_names", "app::renamed_dep_names"),
    ("e18_elem_sizes", "app::e18_elem_sizes"),
    ("e18_capture_order", "app::e18_capture_order"),
    ("inh_boxed_sizes", "app::inh_boxed_sizes"),
    ("inh_tail_drop", "app::inh_tail_drop"),
    ("lib_path_value", "app::lib_path_value"),
    ("bs_mode", "app::bs_mode"),
    ("bs_table", "app::bs_table"),
    ("imported_macro", "app::imported_macro"),
    ("aliased_macro", "app::aliased_macro"),
    ("glob_imported_macro", "app::glob_imported_macro"),
    ("macro_use_order", "app::macro_use_order"),
    ("late_macro_module", "app::late_macro_module"),
    ("later_macro_rules", "app::later_macro_rules"),
    ("macro_use_added", "app::macro_use_added"),
    ("crest_here", "app::crest_here"),
    ("fragment_of_underscore", "app::fragment_of_underscore"),
    ("tt_count", "app::tt_count"),
    ("sum_all_macro", "app::sum_all_macro"),
    ("nest_macro", "app::nest_macro"),
    ("adder_macro", "app::adder_macro"),
    ("score_of_macro", "app::score_of_macro"),
    ("build_via_path_macro", "app::build_via_path_macro"),
    ("limit_of_macro", "app::limit_of_macro"),
    ("make_of_macro", "app::make_of_macro"),
    ("build_ident_macro", "app::build_ident_macro"),
    ("call_fn_macro", "app::call_fn_macro"),
    ("default_of_macro", "app::default_of_macro"),
    ("qualified_direct", "app::qualified_direct"),
    (
        "crate_path_reexported_macro",
        "app::crate_path_reexported_macro",
    ),
    ("local_name_in_macro", "app::local_name_in_macro"),
    ("assert_message", "app::assert_message"),
    ("blob_len", "app::blob_len"),
    ("motto", "app::motto"),
    (
        "sibling_manifest_dir_include",
        "app::sibling_manifest_dir_include",
    ),
    ("sibling_relative_include", "app::sibling_relative_include"),
    (
        "included_file_macro_include",
        "app::included_file_macro_include",
    ),
    ("path_module_outside_src", "app::path_module_outside_src"),
    ("debug_of_a_field", "app::debug_of_a_field"),
    ("partial_ord_variants", "app::partial_ord_variants"),
    ("hash_field_order", "app::hash_field_order"),
    ("displaydoc_variant", "app::displaydoc_variant"),
    ("macro_written_struct", "app::macro_written_struct"),
    ("one_tuple_loop", "app::one_tuple_loop"),
    ("qualified_serialize_with", "app::qualified_serialize_with"),
    (
        "qualified_deserialize_with",
        "app::qualified_deserialize_with",
    ),
    ("qualified_default", "app::qualified_default"),
    ("inherent_serialize_with", "app::inherent_serialize_with"),
    ("super_default_fn", "app::super_default_fn"),
    ("self_with_module", "app::self_with_module"),
    ("try_from_string", "app::try_from_string"),
    ("from_tuple", "app::from_tuple"),
    ("rename_all_profile", "app::rename_all_profile"),
    ("skip_if_inherent", "app::skip_if_inherent"),
    ("container_default", "app::container_default"),
    ("into_alias", "app::into_alias"),
    ("repr_sizes", "app::repr_sizes"),
    ("holder_size", "app::holder_size"),
];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(manifests());
    v.extend(macros());
    v.extend(files());
    v.extend(derives());
    v.extend(serde());
    v.extend(layouts());
    v
}

/// Manifest edits: which package a dependency key names, what a crate is
/// called, editions, `[lib] path`, build scripts.
fn manifests() -> Vec<Case> {
    vec![
        case(
            "dependency_keys_swapped_in_a_dependency",
            "manifests: mid's `first`/`second` (impl_a/impl_b) trade packages; `mid::mix()` is `first::v() * 10 + second::v()`",
            "mid/Cargo.toml",
            "first = { package = \"impl_a\", path = \"../impl_a\" }\nsecond = { package = \"impl_b\", path = \"../impl_b\" }",
            "first = { package = \"impl_b\", path = \"../impl_b\" }\nsecond = { package = \"impl_a\", path = \"../impl_a\" }",
            &["mid_mix"],
        ),
        case(
            "dependency_key_retargeted",
            "manifests: `engine = { package = \"impl_c\" }` becomes `impl_d` (a package in the folder no one depended on); `engine::v()`",
            "app/Cargo.toml",
            "engine = { package = \"impl_c\", path = \"../impl_c\" }",
            "engine = { package = \"impl_d\", path = \"../impl_d\" }",
            &["engine_value"],
        ),
        case(
            "lib_name_behind_a_dependency_key",
            "manifests: tn, depended on as `names`, gets `[lib] name = \"tn_core\"`: `type_name::<names::Marker>()` and tn's `module_path!()` say `tn_core`",
            "tn/Cargo.toml",
            "[dependencies]\n",
            "[lib]\nname = \"tn_core\"\n\n[dependencies]\n",
            &["renamed_dep_names"],
        ),
        case(
            "package_renamed_behind_a_dependency_key",
            "manifests: package `tn` renamed `tn_next` (and `names = { package = \"tn_next\" }`): the crate's name is in `type_name` and `module_path!()`",
            "tn/Cargo.toml",
            "name = \"tn\"",
            "name = \"tn_next\"",
            &["renamed_dep_names"],
        )
        .and("app/Cargo.toml", "package = \"tn\"", "package = \"tn_next\""),
        case(
            "edition_2018_to_2021",
            "manifests: e18 moves to edition 2021: `[1u8, 2, 3].into_iter()` iterates by value, and a `move` closure using `pair.0` captures that field only (drop order)",
            "e18/Cargo.toml",
            "edition = \"2018\"",
            "edition = \"2021\"",
            &["e18_elem_sizes", "e18_capture_order"],
        ),
        case(
            "workspace_package_edition_inherited",
            "manifests: `[workspace.package] edition` becomes 2024, which inh inherits (`edition.workspace = true`): `Box<[u16]>::into_iter` by value, a block's tail temporary dropped before its locals",
            "Cargo.toml",
            "edition = \"2021\"\nversion = \"0.3.0\"",
            "edition = \"2024\"\nversion = \"0.3.0\"",
            &["inh_boxed_sizes", "inh_tail_drop"],
        ),
        case(
            "lib_path_retargeted",
            "manifests: lp's `[lib] path = \"src/v1.rs\"` becomes `src/v2.rs` (both files exist)",
            "lp/Cargo.toml",
            "path = \"src/v1.rs\"",
            "path = \"src/v2.rs\"",
            &["lib_path_value"],
        ),
        case(
            "build_script_rustc_cfg",
            "manifests: bs's build script prints `cargo:rustc-cfg=bs_slow` instead of `bs_fast`; `#[cfg(bs_fast)] fn mode`",
            "bs/build.rs",
            "println!(\"cargo:rustc-cfg=bs_fast\");",
            "println!(\"cargo:rustc-cfg=bs_slow\");",
            &["bs_mode"],
        ),
        case(
            "build_script_input_file",
            "manifests: `bs/table.txt` (`rerun-if-changed`), summed by the build script into `OUT_DIR/table.rs`, which bs `include!`s",
            "bs/table.txt",
            "1 2 3",
            "1 2 3 4",
            &["bs_table"],
        ),
        case(
            "workspace_dependency_keys_swapped",
            "manifests: `[workspace.dependencies] one = { package = \"impl_e\" }` and `two = { package = \"impl_f\" }` trade packages; wsd (`one.workspace = true`, `two.workspace = true`) computes `one::v() * 10 + two::v()`",
            "Cargo.toml",
            "one = { package = \"impl_e\", path = \"impl_e\" }\ntwo = { package = \"impl_f\", path = \"impl_f\" }",
            "one = { package = \"impl_f\", path = \"impl_f\" }\ntwo = { package = \"impl_e\", path = \"impl_e\" }",
            &["ws_dep_mix"],
        ),
        case(
            "dependency_key_retargeted_in_a_dependency",
            "manifests: mid's `third = { package = \"impl_c\" }` becomes `impl_d`; `mid::third_v()` is `third::v()`",
            "mid/Cargo.toml",
            "third = { package = \"impl_c\", path = \"../impl_c\" }",
            "third = { package = \"impl_d\", path = \"../impl_d\" }",
            &["mid_third"],
        ),
        case(
            "edition_of_a_macros_crate",
            "manifests: fmt_b moves to edition 2024, where its `kind!`'s `$e:expr` matches `_`: `fmt_b::kind!(_)` in app (edition 2021) takes the first arm",
            "fmt_b/Cargo.toml",
            "edition = \"2021\"",
            "edition = \"2024\"",
            &["fragment_of_underscore"],
        ),
    ]
}

/// Which macro a bare name is (imports, the `#[macro_use]` prelude, textual
/// order), what exported macros' bodies do with their arguments, local names
/// turned into text.
fn macros() -> Vec<Case> {
    vec![
        case(
            "use_of_a_macro_switched_between_crates",
            "macros: `use fmt_a::show;` becomes `use fmt_b::show;` (both export `show!`); `show!()`",
            "app/src/picks.rs",
            "use fmt_a::show;",
            "use fmt_b::show;",
            &["imported_macro"],
        ),
        case(
            "macro_imported_under_another_name",
            "macros: `use fmt_a::show;` becomes `use fmt_b::hello as show;`; `show!()`",
            "app/src/picks.rs",
            "use fmt_a::show;",
            "use fmt_b::hello as show;",
            &["imported_macro"],
        ),
        case(
            "body_of_a_macro_imported_under_another_name",
            "macros: `use fmt_b::hello as hi;` then `hi!()`; fmt_b's `hello!` body changes",
            "fmt_b/src/lib.rs",
            "\"hello of fmt_b\"",
            "\"hello from fmt_b\"",
            &["aliased_macro"],
        ),
        case(
            "glob_of_macros_switched_between_crates",
            "macros: a prelude's `pub use fmt_a::*;` becomes `pub use fmt_b::*;`; `use crate::prelude::*;` then `hello!()`",
            "app/src/prelude.rs",
            "pub use fmt_a::*;",
            "pub use fmt_b::*;",
            &["glob_imported_macro"],
        ),
        case(
            "macro_use_extern_crates_reordered",
            "macros: `#[macro_use(tag)] extern crate fmt_b;` then `#[macro_use(tag, ..)] extern crate fmt_a;`: the last one's `tag!` is in the `#[macro_use]` prelude; swapped, fmt_b's",
            "app/src/lib.rs",
            "#[macro_use(tag)]\nextern crate fmt_b;\n#[macro_use(tag, label, stamp, mark, crest)]\nextern crate fmt_a;",
            "#[macro_use(tag, label, stamp, mark, crest)]\nextern crate fmt_a;\n#[macro_use(tag)]\nextern crate fmt_b;",
            &["macro_use_order"],
        ),
        case(
            "body_of_the_macro_use_prelude_winner",
            "macros: fmt_a's `tag!` (the `#[macro_use]` prelude's) body changes",
            "fmt_a/src/lib.rs",
            "\"tag of fmt_a\"",
            "\"tag from fmt_a\"",
            &["macro_use_order"],
        ),
        case(
            "macro_use_module_moved_before_its_user",
            "macros: `mod late_user; #[macro_use] mod late_defs;` swapped: `label!()` in late_user is late_defs' `macro_rules! label`, no longer fmt_a's",
            "app/src/lib.rs",
            "mod late_user;\n#[macro_use]\nmod late_defs;",
            "#[macro_use]\nmod late_defs;\nmod late_user;",
            &["late_macro_module"],
        ),
        case(
            "macro_rules_moved_before_a_module_declaration",
            "macros: the root's `macro_rules! stamp` moves above `mod stamp_user;`, whose `stamp!()` was fmt_a's",
            "app/src/lib.rs",
            "mod stamp_user;\n\nmacro_rules! stamp {\n    () => {\n        \"stamp of app\"\n    };\n}\n",
            "macro_rules! stamp {\n    () => {\n        \"stamp of app\"\n    };\n}\n\nmod stamp_user;\n",
            &["later_macro_rules"],
        ),
        case(
            "macro_use_added_to_a_module",
            "macros: `mod mark_defs;` becomes `#[macro_use] mod mark_defs;`: `mark!()` in mark_user (declared after) is app's, no longer fmt_a's",
            "app/src/lib.rs",
            "mod mark_defs;",
            "#[macro_use]\nmod mark_defs;",
            &["macro_use_added"],
        ),
        case(
            "tt_muncher_input",
            "macros: `pub const FIELDS: usize = count_tts!(id name size);` in base gets a fourth token",
            "base/src/lib.rs",
            "count_tts!(id name size)",
            "count_tts!(id name size unit)",
            &["tt_count"],
        ),
        case(
            "tt_muncher_body",
            "macros: base's `count_tts!` counts two per token tree",
            "base/src/macros.rs",
            "1usize + $crate::count_tts!",
            "2usize + $crate::count_tts!",
            &["tt_count"],
        ),
        case(
            "repetition_in_an_exported_macro_body",
            "macros: base's `sum_all!` repetition `$(+ $x)*` becomes `$(+ $x * 2)*`; `base::sum_all!(1, 2, 3)` in app",
            "base/src/macros.rs",
            "0u32 $(+ $x)*",
            "0u32 $(+ $x * 2)*",
            &["sum_all_macro"],
        ),
        case(
            "recursive_macro_base_case",
            "macros: base's recursive `nest!` (`$crate::nest!($($t)*)`) ends in 10 instead of 0",
            "base/src/macros.rs",
            "0u32\n    };\n    ($h:tt",
            "10u32\n    };\n    ($h:tt",
            &["nest_macro"],
        ),
        case(
            "macro_written_by_an_exported_macro",
            "macros: `base::make_adder!($ add_k, 7);` in app writes `macro_rules! add_k`; base's template adds `$d x * $k` instead of `+`",
            "base/src/macros.rs",
            "$d x + $k",
            "$d x * $k",
            &["adder_macro"],
        ),
        case(
            "method_of_a_type_argument",
            "macros: base's `score_of!($t:ty)` is `<$t>::default().score()`; `Gem::score` returns 13",
            "base/src/derives.rs",
            "        12\n",
            "        13\n",
            &["score_of_macro"],
        ),
        case(
            "associated_fn_of_a_path_argument",
            "macros: base's `call_build!($p:path)` is `<$p>::build().0`; `Widget::build` makes `Widget(6)`",
            "base/src/derives.rs",
            "Widget(5)",
            "Widget(6)",
            &["build_via_path_macro"],
        ),
        case(
            "crate_path_of_a_reexported_macro",
            "macros: mid's `pub use base::val_of;`, `mid::val_of!()` is `$crate::vals::v()`, base's (mid has a `vals::v` of its own); base's returns 42",
            "base/src/vals.rs",
            "    41\n",
            "    42\n",
            &["crate_path_reexported_macro"],
        ),
        case(
            "local_name_through_a_dependency_macro",
            "text: `let width = 3; base::show_var!(width)` (`stringify!($v)`): the local renamed `w`",
            "app/src/lib.rs",
            "let width = 3;\n    base::show_var!(width)",
            "let w = 3;\n    base::show_var!(w)",
            &["local_name_in_macro"],
        ),
        case(
            "local_name_in_an_assert_message",
            "text: `assert!(limit > 1)` panics with \"assertion failed: limit > 1\"; the local renamed `floor`",
            "app/src/lib.rs",
            "let limit = 0u32;\n        assert!(limit > 1);",
            "let floor = 0u32;\n        assert!(floor > 1);",
            &["assert_message"],
        ),
        case(
            "item_list_of_a_macro_written_struct",
            "macros: base's `record!` writes `field_names()` as `concat!($(stringify!($f), \",\"),*)`; the separator becomes `;`",
            "base/src/macros.rs",
            "concat!($(stringify!($f), \",\"),*)",
            "concat!($(stringify!($f), \";\"),*)",
            &["macro_written_struct"],
        ),
        case(
            "macro_use_module_moved_above_the_invoking_function",
            "macros: `#[macro_use] mod crest_defs;`, the last item of lib.rs, moves to its top: `crest!()` in `crest_here` (lib.rs) is crest_defs', no longer fmt_a's",
            "app/src/lib.rs",
            "\n#[macro_use]\nmod crest_defs;\n",
            "\n",
            &["crest_here"],
        )
        .and("app/src/lib.rs", "mod aliases;\n", "#[macro_use]\nmod crest_defs;\nmod aliases;\n"),
        case(
            "associated_const_of_a_type_argument",
            "macros: base's `limit_of!($t:ty)` is `<$t>::LIMIT`; `Gadget::LIMIT` becomes 10",
            "base/src/derives.rs",
            "pub const LIMIT: u32 = 9;",
            "pub const LIMIT: u32 = 10;",
            &["limit_of_macro"],
        ),
        case(
            "trait_fn_of_a_type_argument",
            "macros: base's `make_of!($t:ty)` is `<$t as $crate::derives::Make>::make()`; `Gizmo`'s `make` returns 32",
            "base/src/derives.rs",
            "        31\n",
            "        32\n",
            &["make_of_macro"],
        ),
        case(
            "associated_fn_of_an_ident_argument",
            "macros: base's `build_ident!($t:ident)` is `$t::build().0`; `use base::derives::Sprocket; base::build_ident!(Sprocket)`; `Sprocket::build` makes 16",
            "base/src/derives.rs",
            "Sprocket(15)",
            "Sprocket(16)",
            &["build_ident_macro"],
        ),
        case(
            "function_path_argument",
            "macros: base's `call_fn!($f:path)` is `$f()`; `base::call_fn!(base::derives::seven)`; `seven` returns 8",
            "base/src/derives.rs",
            "pub fn seven() -> u32 {\n    7\n",
            "pub fn seven() -> u32 {\n    8\n",
            &["call_fn_macro"],
        ),
        case(
            "default_of_a_type_argument",
            "macros: base's `default_of!($t:ty)` is `<$t as Default>::default()`; `Dial`'s `Default` makes `Dial(5)`",
            "base/src/derives.rs",
            "Dial(4)",
            "Dial(5)",
            &["default_of_macro"],
        ),
    ]
}

/// Files read at compile time, and module files.
fn files() -> Vec<Case> {
    vec![
        case(
            "include_bytes_length_as_a_const",
            "files: `pub const BLOB_LEN: usize = include_bytes!(\"../data/blob.bin\").len();` in base",
            "base/data/blob.bin",
            "blob",
            "blobs",
            &["blob_len"],
        ),
        case(
            "include_str_of_a_concat_path",
            "files: base's `include_str!(concat!(\"data/\", \"motto\", \".txt\"))`",
            "base/src/data/motto.txt",
            "keep going",
            "keep on going",
            &["motto"],
        ),
        case(
            "manifest_dir_include_of_a_sibling_crates_file",
            "files: `include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../base/data/shared.txt\"))` in app",
            "base/data/shared.txt",
            "shared text",
            "shared texts",
            &["sibling_manifest_dir_include"],
        ),
        case(
            "relative_include_of_a_sibling_crates_file",
            "files: `include_str!(\"../../base/data/notes.txt\")` in app's lib.rs",
            "base/data/notes.txt",
            "notes of base",
            "notes from base",
            &["sibling_relative_include"],
        ),
        case(
            "literal_through_an_exported_macro_in_an_included_file",
            "files: `base::text!(\"part.txt\")` in `app/gen/part.rs`, which `mod incl { include!(\"../gen/part.rs\"); }` includes: `app/gen/part.txt` (`app/src/part.txt` is a decoy)",
            "app/gen/part.txt",
            "part of gen",
            "part of the gen folder",
            &["included_file_macro_include"],
        ),
        case(
            "nested_module_of_a_path_module",
            "files: `#[path = \"../shared/common.rs\"] pub mod common;` in base; its `pub mod inner;` is `shared/inner.rs` (a `#[path]` file owns its folder; `shared/common/inner.rs` is a decoy)",
            "base/shared/inner.rs",
            "    4\n",
            "    5\n",
            &["path_module_outside_src"],
        ),
        case(
            "path_module_outside_src",
            "files: base's `#[path = \"../shared/common.rs\"] pub mod common;`, outside `src/`; `common::val` returns 6",
            "base/shared/common.rs",
            "    3\n",
            "    6\n",
            &["path_module_outside_src"],
        ),
    ]
}

/// Derived impls, and a pattern whose meaning a trailing comma decides.
fn derives() -> Vec<Case> {
    vec![
        case(
            "debug_impl_of_a_field_type",
            "derives: `#[derive(Debug)] struct Reading { temp: base::derives::Celsius }` and base's macro-written `Row`; base's manual `impl Debug for Celsius` drops the space",
            "base/src/derives.rs",
            "write!(f, \"{} C\", self.0)",
            "write!(f, \"{}C\", self.0)",
            &["debug_of_a_field", "macro_written_struct"],
        ),
        case(
            "derived_partial_ord_variants_reordered",
            "derives: base's `#[derive(PartialOrd)] enum Level { Low, High }` becomes `{ High, Low }`; `High > Low`",
            "base/src/derives.rs",
            "    Low,\n    High,",
            "    High,\n    Low,",
            &["partial_ord_variants"],
        ),
        case(
            "derived_hash_fields_reordered",
            "derives: base's `#[derive(Hash)] struct Key { a: u8, b: u16 }` fields swapped; hashed with `DefaultHasher::new()`",
            "base/src/derives.rs",
            "    pub a: u8,\n    pub b: u16,",
            "    pub b: u16,\n    pub a: u8,",
            &["hash_field_order"],
        ),
        case(
            "displaydoc_doc_comment",
            "derives: `#[derive(displaydoc::Display)]`: the doc comment `/// disk {0} is full` is the variant's `Display`",
            "base/src/derives.rs",
            "/// disk {0} is full",
            "/// disk {0} has no space left",
            &["displaydoc_variant"],
        ),
        case(
            "one_tuple_pattern_in_a_for_loop",
            "text: `for (r) in rows.iter()` over `&[(u32,)]` becomes `for (r,) in rows.iter()`: `r` is the element, then its field",
            "base/src/lib.rs",
            "for (r) in rows.iter()",
            "for (r,) in rows.iter()",
            &["one_tuple_loop"],
        ),
        case(
            "qualified_path_without_a_trait",
            "macros (control, no macro): `<base::derives::Cog>::build().0` written in app; `Cog::build` makes 26",
            "base/src/derives.rs",
            "Cog(25)",
            "Cog(26)",
            &["qualified_direct"],
        ),
    ]
}

/// Serde attributes that name code in strings.
fn serde() -> Vec<Case> {
    vec![
        case(
            "qualified_path_in_serialize_with",
            "serde: `#[serde(serialize_with = \"<Hex as Codec>::ser\")]`; `Hex`'s `ser` writes upper case",
            "base/src/serdes.rs",
            "format!(\"{v:x}\")",
            "format!(\"{v:X}\")",
            &["qualified_serialize_with"],
        ),
        case(
            "associated_fn_of_the_type_in_serialize_with",
            "serde: `#[serde(serialize_with = \"Order::ser_id\")]`, a private associated function",
            "base/src/serdes.rs",
            "format!(\"#{v}\")",
            "format!(\"no. {v}\")",
            &["inherent_serialize_with"],
        ),
        case(
            "super_path_in_default",
            "serde: `#[serde(default = \"super::defaults::port\")]` in `mod net`",
            "base/src/serdes.rs",
            "        8080\n",
            "        8081\n",
            &["super_default_fn"],
        ),
        case(
            "self_path_in_with",
            "serde: `#[serde(with = \"self::hexnum\")]`",
            "base/src/serdes.rs",
            "\"0x{v:04x}\"",
            "\"0x{v:08x}\"",
            &["self_with_module"],
        ),
        case(
            "try_from_a_std_type",
            "serde: `#[serde(try_from = \"String\")]` runs base's `impl TryFrom<String> for Slug`",
            "base/src/serdes.rs",
            "replace(' ', \"-\")",
            "replace(' ', \"_\")",
            &["try_from_string"],
        ),
        case(
            "from_a_tuple_type",
            "serde: `#[serde(from = \"(u32, u32)\")]` (no path in the string) runs base's `impl From<(u32, u32)> for Span`",
            "base/src/serdes.rs",
            "Span { len: b - a }",
            "Span { len: b + a }",
            &["from_tuple"],
        ),
        case(
            "rename_all_changed",
            "serde: base's `#[serde(rename_all = \"camelCase\")]` becomes `PascalCase`",
            "base/src/serdes.rs",
            "rename_all = \"camelCase\"",
            "rename_all = \"PascalCase\"",
            &["rename_all_profile"],
        ),
        case(
            "associated_fn_of_the_type_in_skip_serializing_if",
            "serde: `#[serde(skip_serializing_if = \"Opts::is_default_level\")]`; the default level becomes 4",
            "base/src/serdes.rs",
            "*l == 3",
            "*l == 4",
            &["skip_if_inherent"],
        ),
        case(
            "container_default_impl_in_another_file",
            "serde: `#[serde(default)] struct Settings`; its `impl Default` is in `serdes/dflt.rs`",
            "base/src/serdes/dflt.rs",
            "retries: 3,",
            "retries: 5,",
            &["container_default"],
        ),
        case(
            "into_a_type_alias_retargeted",
            "serde: `#[serde(into = \"wire::Wire\")]`, `pub type Wire = super::WireF;` becomes `super::WireK`",
            "base/src/serdes.rs",
            "pub type Wire = super::WireF;",
            "pub type Wire = super::WireK;",
            &["into_alias"],
        ),
        case(
            "into_target_from_impl",
            "serde: `#[serde(into = \"wire::Wire\")]` through the alias runs `impl From<Temp> for WireF`",
            "base/src/serdes.rs",
            "t.c * 9 / 5 + 32",
            "t.c * 2 + 30",
            &["into_alias"],
        ),
        case(
            "qualified_path_in_deserialize_with",
            "serde: `#[serde(deserialize_with = \"<Hex as Codec>::de\")]`; `Hex`'s `de` doubles the value",
            "base/src/serdes.rs",
            "u32::from_str_radix(&s, 16).map_err",
            "u32::from_str_radix(&s, 16).map(|v| v * 2).map_err",
            &["qualified_deserialize_with"],
        ),
        case(
            "qualified_path_in_default_for_a_primitive",
            "serde: `#[serde(default = \"<u16 as Fallback>::fallback\")]`, base's `impl Fallback for u16`; it returns 65",
            "base/src/serdes.rs",
            "        64\n",
            "        65\n",
            &["qualified_default"],
        ),
    ]
}

/// Layouts: representations, alignment, discriminants.
fn layouts() -> Vec<Case> {
    vec![
        case(
            "repr_u8_to_u16",
            "layouts: base's `#[repr(u8)] enum Kind` becomes `#[repr(u16)]`: its `size_of`, and that of app's `struct Holder { kind: Kind, x: u8 }`",
            "base/src/layout.rs",
            "#[repr(u8)]",
            "#[repr(u16)]",
            &["repr_sizes", "holder_size"],
        ),
        case(
            "repr_c_removed",
            "layouts: `#[repr(C)]` dropped from base's `Packet { a: u8, b: u32, c: u8 }`: the compiler reorders it (12 bytes to 8)",
            "base/src/layout.rs",
            "#[repr(C)]\n",
            "",
            &["repr_sizes"],
        ),
        case(
            "repr_align_changed",
            "layouts: `#[repr(align(8))]` becomes `align(16)`",
            "base/src/layout.rs",
            "align(8)",
            "align(16)",
            &["repr_sizes"],
        ),
        case(
            "variant_inserted_before_a_cast",
            "layouts: a variant inserted before `Kind::C`; `Kind::C as u32`",
            "base/src/layout.rs",
            "    B,\n    C,\n}",
            "    B,\n    Bb,\n    C,\n}",
            &["repr_sizes"],
        ),
    ]
}

case_tests!(
    dependency_keys_swapped_in_a_dependency,
    dependency_key_retargeted,
    lib_name_behind_a_dependency_key,
    package_renamed_behind_a_dependency_key,
    edition_2018_to_2021,
    workspace_package_edition_inherited,
    lib_path_retargeted,
    build_script_rustc_cfg,
    build_script_input_file,
    workspace_dependency_keys_swapped,
    dependency_key_retargeted_in_a_dependency,
    edition_of_a_macros_crate,
    use_of_a_macro_switched_between_crates,
    macro_imported_under_another_name,
    body_of_a_macro_imported_under_another_name,
    glob_of_macros_switched_between_crates,
    macro_use_extern_crates_reordered,
    body_of_the_macro_use_prelude_winner,
    macro_use_module_moved_before_its_user,
    macro_rules_moved_before_a_module_declaration,
    macro_use_added_to_a_module,
    tt_muncher_input,
    tt_muncher_body,
    repetition_in_an_exported_macro_body,
    recursive_macro_base_case,
    macro_written_by_an_exported_macro,
    method_of_a_type_argument,
    associated_fn_of_a_path_argument,
    crate_path_of_a_reexported_macro,
    local_name_through_a_dependency_macro,
    local_name_in_an_assert_message,
    item_list_of_a_macro_written_struct,
    macro_use_module_moved_above_the_invoking_function,
    associated_const_of_a_type_argument,
    trait_fn_of_a_type_argument,
    associated_fn_of_an_ident_argument,
    function_path_argument,
    default_of_a_type_argument,
    include_bytes_length_as_a_const,
    include_str_of_a_concat_path,
    manifest_dir_include_of_a_sibling_crates_file,
    relative_include_of_a_sibling_crates_file,
    literal_through_an_exported_macro_in_an_included_file,
    nested_module_of_a_path_module,
    path_module_outside_src,
    debug_impl_of_a_field_type,
    derived_partial_ord_variants_reordered,
    derived_hash_fields_reordered,
    displaydoc_doc_comment,
    one_tuple_pattern_in_a_for_loop,
    qualified_path_without_a_trait,
    qualified_path_in_serialize_with,
    associated_fn_of_the_type_in_serialize_with,
    super_path_in_default,
    self_path_in_with,
    try_from_a_std_type,
    from_a_tuple_type,
    rename_all_changed,
    associated_fn_of_the_type_in_skip_serializing_if,
    container_default_impl_in_another_file,
    into_a_type_alias_retargeted,
    into_target_from_impl,
    qualified_path_in_deserialize_with,
    qualified_path_in_default_for_a_primitive,
    repr_u8_to_u16,
    repr_c_removed,
    repr_align_changed,
    variant_inserted_before_a_cast,
);
