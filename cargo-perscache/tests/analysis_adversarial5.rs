//! Round 5 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 4: `analysis_adversarial.rs` to
//! `analysis_adversarial4.rs`), aimed at names and impls the analysis sees
//! in the wrong scope or not at all: a workspace type no reached code names,
//! picked by inference from the only impl that fits; a local `macro_rules!`
//! whose place (above or below the invocation) decides whether it hides an
//! imported or std macro; impls written by a macro invoked in expression
//! position (a `let`, a closure, a std macro's input, a static or constant
//! initializer, an array length, an enum discriminant); items and uses of a
//! nested block, which name nothing past the block; local items that do not
//! exist (compiled out by `#[cfg]`, moved into a module or dropped by a
//! macro) and so hide no import; items a macro writes that shadow the std
//! prelude (`drop`) or the extern prelude (a dependency's name); a raw
//! identifier (`r#foo`) a macro turns into text. Apart from
//! the cases, deeply nested code (a 2000-term sum, 200 nested parentheses)
//! must not crash the analysis.
//!
//! The fixture (`tests/fixtures/adversarial5/ws`) has two crates: `base` (a
//! generic type whose only impls fix its parameter, an exported macro, a
//! function named like one a local macro writes) and `app` (the marked
//! functions, one module per family). A case is one edit and the functions
//! whose **result** it changes (`must`), judged through the real binary
//! (`cargo perscache list --json`): every `must` function must get a new
//! code hash, or a cached result is served stale. Each case is a test of its
//! own.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial5/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial5 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, list, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial5",
    members: &["base", "app"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("infer_display", "app::infer::infer_display"),
    ("picked", "app::macro_order::imported::picked"),
    ("vec_order", "app::macro_order::std_vec::vec_order"),
    ("tag_g", "app::expr_impls::tag_g"),
    ("tag_h", "app::expr_impls::tag_h"),
    ("tag_a", "app::expr_impls::tag_a"),
    ("tag_b", "app::expr_impls::tag_b"),
    ("tag_c", "app::expr_impls::tag_c"),
    ("tag_d", "app::expr_impls::tag_d"),
    ("tag_e", "app::expr_impls::tag_e"),
    ("tag_f", "app::expr_impls::tag_f"),
    ("nested_item", "app::blocks::nested_item"),
    ("closure_item", "app::blocks::closure_item"),
    ("nested_use", "app::blocks::nested_use"),
    (
        "nested_use_over_import",
        "app::blocks::nested_use_over_import",
    ),
    ("cfg_item", "app::absent::a::cfg_item"),
    ("hidden_item", "app::absent::b::hidden_item"),
    ("ignored_items", "app::absent::c::ignored_items"),
    ("cfg_item2", "app::absent::d::cfg_item2"),
    ("shadow_drop", "app::shadow::shadow_drop"),
    ("shadow_crate", "app::shadow::shadow_crate"),
    ("raw_str", "app::raw_text::raw_str"),
    ("raw_name", "app::raw_text::raw_name"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = inference();
    v.extend(macro_order());
    v.extend(expr_impls());
    v.extend(blocks());
    v.extend(absent());
    v.extend(shadow());
    v.extend(raw_text());
    v
}

/// A type no reached code names, fixed by inference from the only impl that
/// fits.
fn inference() -> Vec<Case> {
    vec![
        case(
            "default_of_a_type_only_inference_names",
            "types: `base::Wrap(Default::default()).to_string()` runs `impl Default for Inner`, picked by the only impl `Display for Wrap<Inner>`",
            "base/src/lib.rs",
            "Inner(1013)",
            "Inner(2013)",
            &["infer_display"],
        ),
        case(
            "display_of_a_generic_type_fixed_by_its_only_impl",
            "types: `base::Wrap(Default::default()).to_string()` runs `impl Display for Wrap<Inner>`, the only `Display` impl of `Wrap<_>`",
            "base/src/lib.rs",
            "\"w{}\"",
            "\"v{}\"",
            &["infer_display"],
        ),
    ]
}

/// A `macro_rules!` is in scope below where it is written only: moving it
/// above a function changes which macro the function's invocation runs.
fn macro_order() -> Vec<Case> {
    vec![
        case(
            "local_macro_moved_above_hides_an_imported_macro",
            "macros: `macro_rules! pick` moved from below to above the marked fn hides `use base::pick;` in its `pick!()`",
            "app/src/macro_order.rs",
            "    #[perscache::persist]
    pub fn picked() -> u32 {
        pick!()
    }

    macro_rules! pick {
        () => {
            2u32
        };
    }
",
            "    macro_rules! pick {
        () => {
            2u32
        };
    }

    #[perscache::persist]
    pub fn picked() -> u32 {
        pick!()
    }
",
            &["picked"],
        ),
        case(
            "local_macro_moved_above_hides_std_vec",
            "macros: `macro_rules! vec` moved from below to above the marked fn hides std's `vec!` in its `vec![1, 2]`",
            "app/src/macro_order.rs",
            "    #[perscache::persist]
    pub fn vec_order() -> Vec<u32> {
        vec![1, 2]
    }

    macro_rules! vec {
        ($($x:expr),*) => {
            std::vec![$($x * 10),*]
        };
    }
",
            "    macro_rules! vec {
        ($($x:expr),*) => {
            std::vec![$($x * 10),*]
        };
    }

    #[perscache::persist]
    pub fn vec_order() -> Vec<u32> {
        vec![1, 2]
    }
",
            &["vec_order"],
        ),
    ]
}

/// Impls written by a local macro invoked in expression position: they hold
/// for the whole crate wherever the invocation sits.
fn expr_impls() -> Vec<Case> {
    vec![
        case(
            "impl_written_by_a_macro_in_a_let_initializer",
            "types: `let v = mk_show!(TagG, 1151);` in a function body writes `impl Display for TagG`",
            "app/src/expr_impls.rs",
            "1151",
            "2151",
            &["tag_g"],
        ),
        case(
            "impl_written_by_a_macro_in_a_closure_tail",
            "types: `let f = || mk_show!(TagH, 1153);` writes `impl Display for TagH`",
            "app/src/expr_impls.rs",
            "1153",
            "2153",
            &["tag_h"],
        ),
        case(
            "impl_written_by_a_macro_inside_vec",
            "types: `vec![mk_show!(super::expr_impls::TagA, 1163)]` writes `impl Display for TagA` from std's `vec!` input",
            "app/src/expr_impls.rs",
            "1163",
            "2163",
            &["tag_a"],
        ),
        case(
            "impl_written_by_a_macro_inside_assert_eq",
            "types: `assert_eq!(mk_show!(TagB, 1171), 0);` writes `impl Display for TagB` from std's `assert_eq!` input",
            "app/src/expr_impls.rs",
            "1171",
            "2171",
            &["tag_b"],
        ),
        case(
            "impl_written_by_a_macro_in_a_static_initializer",
            "types: `pub static INSTALL_C: u32 = mk_show!(TagC, 1181);` writes `impl Display for TagC`",
            "app/src/expr_impls.rs",
            "1181",
            "2181",
            &["tag_c"],
        ),
        case(
            "impl_written_by_a_macro_in_an_anonymous_const_initializer",
            "types: `const _: u32 = mk_show!(TagD, 1187);` writes `impl Display for TagD`",
            "app/src/expr_impls.rs",
            "1187",
            "2187",
            &["tag_d"],
        ),
        case(
            "impl_written_by_a_macro_in_an_array_length",
            "types: `struct Holder(pub [u8; mk_show!(TagE, 1193) as usize]);` writes `impl Display for TagE` from a field type's array length",
            "app/src/expr_impls.rs",
            "1193",
            "2193",
            &["tag_e"],
        ),
        case(
            "impl_written_by_a_macro_in_an_enum_discriminant",
            "types: `enum Disc { A = mk_show!(TagF, 1201) as isize }` writes `impl Display for TagF`",
            "app/src/expr_impls.rs",
            "1201",
            "2201",
            &["tag_f"],
        ),
    ]
}

/// Items and uses of a nested block name nothing past the block.
fn blocks() -> Vec<Case> {
    vec![
        case(
            "block_item_leaves_the_module_fn_past_the_block",
            "names: in `let a = { fn helper() .. helper() }; a + helper()` the second `helper()` is the module's",
            "app/src/blocks.rs",
            "1061",
            "2061",
            &["nested_item"],
        ),
        case(
            "closure_block_item_leaves_the_module_fn_past_the_closure",
            "names: in `let c = || { fn aid() .. aid() }; c() + aid()` the second `aid()` is the module's",
            "app/src/blocks.rs",
            "1069",
            "2069",
            &["closure_item"],
        ),
        case(
            "block_use_leaves_the_module_fn_past_the_block",
            "names: in `let a = { use v2::rate; rate() }; a + rate()` the second `rate()` is the module's own fn",
            "app/src/blocks.rs",
            "1063",
            "2063",
            &["nested_use"],
        ),
        case(
            "block_use_leaves_the_module_import_past_the_block",
            "names: in `let a = { use v2::fee; fee() }; a + fee()` the second `fee()` is the module's `use v3::fee;`",
            "app/src/blocks.rs",
            "1087",
            "2087",
            &["nested_use_over_import"],
        ),
    ]
}

/// A local item that does not exist hides no import.
fn absent() -> Vec<Case> {
    vec![
        case(
            "item_compiled_out_by_cfg_any_hides_no_glob_import",
            "names: `#[cfg(any())] pub fn helper()` does not exist, so `helper()` is `use super::outer::*;`'s",
            "app/src/absent.rs",
            "1091",
            "2091",
            &["cfg_item"],
        ),
        case(
            "item_a_macro_moves_into_a_module_hides_no_glob_import",
            "names: `hide! { pub fn helper2() .. }` writes `mod hidden { pub fn helper2() .. }`, so `helper2()` is `use super::outer::*;`'s",
            "app/src/absent.rs",
            "1093",
            "2093",
            &["hidden_item"],
        ),
        case(
            "item_a_macro_drops_hides_no_import",
            "names: `ignore! { fn helper3() .. }` in the body expands to nothing, so `helper3()` is `use super::outer::helper3;`'s",
            "app/src/absent.rs",
            "1097",
            "2097",
            &["ignored_items"],
        ),
        case(
            "item_compiled_out_by_a_contradictory_cfg_hides_no_glob_import",
            "names: `#[cfg(all(unix, not(unix)))] pub fn helper4()` does not exist, so `helper4()` is `use super::outer::*;`'s",
            "app/src/absent.rs",
            "1103",
            "2103",
            &["cfg_item2"],
        ),
    ]
}

/// Items a local macro writes shadow the preludes.
fn shadow() -> Vec<Case> {
    vec![
        case(
            "fn_written_by_a_macro_shadows_the_std_prelude",
            "names: `make_fn!(drop, 1013);` writes `pub fn drop`, so `drop(x)` is not `std::mem::drop`",
            "app/src/shadow.rs",
            "drop, 1013",
            "drop, 2013",
            &["shadow_drop"],
        ),
        case(
            "module_written_by_a_macro_shadows_a_dependency",
            "names: `make_mod!(base, 2027);` writes `pub mod base`, so `base::plain(x)` is that module's, not the crate `base`'s",
            "app/src/shadow.rs",
            "base, 2027",
            "base, 3027",
            &["shadow_crate"],
        ),
    ]
}

/// Raw identifiers a macro turns into text.
fn raw_text() -> Vec<Case> {
    vec![
        case(
            "raw_identifier_in_stringify",
            "macros: `stringify!(foo)` -> `stringify!(r#foo)` gives \"r#foo\"",
            "app/src/raw_text.rs",
            "stringify!(foo)",
            "stringify!(r#foo)",
            &["raw_str"],
        ),
        case(
            "raw_identifier_in_a_local_macros_input",
            "macros: `name_of!(bar)` -> `name_of!(r#bar)`, whose body stringifies its input",
            "app/src/raw_text.rs",
            "name_of!(bar)",
            "name_of!(r#bar)",
            &["raw_name"],
        ),
    ]
}

case_tests!(
    // Types picked by inference.
    default_of_a_type_only_inference_names,
    display_of_a_generic_type_fixed_by_its_only_impl,
    // Where a macro_rules! is written.
    local_macro_moved_above_hides_an_imported_macro,
    local_macro_moved_above_hides_std_vec,
    // Impls written by macros in expression position.
    impl_written_by_a_macro_in_a_let_initializer,
    impl_written_by_a_macro_in_a_closure_tail,
    impl_written_by_a_macro_inside_vec,
    impl_written_by_a_macro_inside_assert_eq,
    impl_written_by_a_macro_in_a_static_initializer,
    impl_written_by_a_macro_in_an_anonymous_const_initializer,
    impl_written_by_a_macro_in_an_array_length,
    impl_written_by_a_macro_in_an_enum_discriminant,
    // Nested blocks.
    block_item_leaves_the_module_fn_past_the_block,
    closure_block_item_leaves_the_module_fn_past_the_closure,
    block_use_leaves_the_module_fn_past_the_block,
    block_use_leaves_the_module_import_past_the_block,
    // Local items that do not exist.
    item_compiled_out_by_cfg_any_hides_no_glob_import,
    item_a_macro_moves_into_a_module_hides_no_glob_import,
    item_a_macro_drops_hides_no_import,
    item_compiled_out_by_a_contradictory_cfg_hides_no_glob_import,
    // Macro-written items shadowing the preludes.
    fn_written_by_a_macro_shadows_the_std_prelude,
    module_written_by_a_macro_shadows_a_dependency,
    // Raw identifiers a macro turns into text.
    raw_identifier_in_stringify,
    raw_identifier_in_a_local_macros_input,
);

// ---------------------------------------------------------------------------
// Deeply nested code.
// ---------------------------------------------------------------------------

/// Not a case: `list` on a copy of the fixture with a module of deeply
/// nested code (a 2000-term sum `1u64 + 1u64 + ..`, 200 nested parentheses)
/// and a marked function reaching both succeeds and lists every marked
/// function (the analysis used to overflow its stack and abort).
#[test]
fn deeply_nested_code_is_listed() {
    let dir = SUITE.workspace();
    let sum = vec!["1u64"; 2000].join(" + ");
    let nest = format!("{}1u64{}", "(".repeat(200), ")".repeat(200));
    let deep = format!(
        "//! Deeply nested code.\n\n\
         pub fn sum() -> u64 {{\n    {sum}\n}}\n\n\
         #[allow(unused_parens)]\n\
         pub fn nest() -> u64 {{\n    {nest}\n}}\n\n\
         #[perscache::persist]\n\
         pub fn deep_total() -> u64 {{\n    sum() + nest()\n}}\n"
    );
    let src = dir.path().join("app/src");
    std::fs::write(src.join("deep.rs"), deep).expect("write deep.rs");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    std::fs::write(src.join("lib.rs"), format!("{lib}pub mod deep;\n")).expect("write lib.rs");

    let listed = list(dir.path()).unwrap_or_else(|e| panic!("deeply nested code: {e}"));
    let mut expected: Vec<&str> = FUNCTIONS.iter().map(|(_, n)| *n).collect();
    expected.push("app::deep::deep_total");
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|n| !listed.contains_key(**n))
        .collect();
    assert!(
        missing.is_empty(),
        "deeply nested code: not listed: {missing:?}"
    );
}
