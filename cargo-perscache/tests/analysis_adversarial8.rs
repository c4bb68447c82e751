//! Round 8 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 7: `analysis_adversarial.rs` to
//! `analysis_adversarial7.rs`), aimed at code no token of the marked
//! function's source names as written: a path a workspace proc macro glues
//! from two identifiers (`pm::joined!(base::helper_, a)` is
//! `base::helper_a()`); a workspace derive whose output is its input's text,
//! so that a digit separator, a trailing comma or an inert attribute of the
//! deriving struct is part of the result; an `include!` inside an
//! `include!`d file, which resolves next to that file; an `include!` of a
//! path a `macro_rules!` builds with `concat!` and `env!`, whose file calls
//! a function of another crate.
//!
//! The fixture (`tests/fixtures/adversarial8/ws`) has three crates: `base`
//! (the functions reached only through a built path), `pm` (a proc-macro
//! crate built with `proc_macro` alone: the derive and the gluing macro) and
//! `app` (depends on base and pm: the marked functions, one module per
//! family, and the files they `include!`). A case is one or more edits and
//! the functions whose **result** they change (`must`), judged through the
//! real binary (`cargo perscache list --json`): every `must` function must
//! get a new code hash, or a cached result is served stale. Each case is a
//! test of its own.
//!
//! Not here: an edit of `app/src/parts/p1.rs` itself, the file of the
//! computed `include!` path, which the cache key covers rather than the code
//! hash; the `seq-macro` variant of glued identifiers (`base::part~N`), which
//! needs a registry crate the fixture's lock does not have.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial8/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial8 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial8",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("joined_call", "app::glued::joined_call"),
    ("derive_src", "app::derive::derive_src"),
    ("nested_include", "app::nested::nested_include"),
    ("via_inc", "app::computed::via_inc"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = glued_identifiers();
    v.extend(derive_input_text());
    v.extend(nested_includes());
    v.extend(computed_include_paths());
    v
}

/// A workspace proc macro's output may name a function by a path no token
/// of its input spells.
fn glued_identifiers() -> Vec<Case> {
    vec![case(
        "proc_macro_glues_a_path_from_two_identifiers",
        "macros: `pm::joined!(base::helper_, a)` in app/src/glued.rs expands to `base::helper_a()`, though no token of the source is `helper_a`",
        "base/src/lib.rs",
        "pub fn helper_a() -> u64 {
    30
",
        "pub fn helper_a() -> u64 {
    31
",
        &["joined_call"],
    )]
}

/// `#[derive(pm::Src)]` writes `Cfg::src()`, the text of its input: every
/// token of the struct as written is part of `derive_src`'s result.
fn derive_input_text() -> Vec<Case> {
    vec![
        case(
            "derive_sees_a_digit_separator_of_an_array_length",
            "macros: `[u8; 1_000]` and `[u8; 1000]` are one type, but `#[derive(pm::Src)]` returns the input's text, which differs",
            "app/src/derive.rs",
            "pub a: [u8; 1_000],",
            "pub a: [u8; 1000],",
            &["derive_src"],
        ),
        case(
            "derive_sees_a_trailing_comma",
            "macros: a struct's last field with or without its trailing comma is one struct, but not one input text of `#[derive(pm::Src)]`",
            "app/src/derive.rs",
            "pub b: u8,
}",
            "pub b: u8
}",
            &["derive_src"],
        ),
        case(
            "derive_sees_an_inert_attribute",
            "macros: `#[allow(dead_code)]` on a field changes no code, but it is part of the input text `#[derive(pm::Src)]` returns",
            "app/src/derive.rs",
            "    #[allow(dead_code)]
",
            "",
            &["derive_src"],
        ),
    ]
}

/// An `include!` in an `include!`d file is resolved next to that file.
fn nested_includes() -> Vec<Case> {
    vec![case(
        "include_inside_an_included_file_is_next_to_it",
        "modules: `include!(\"b.rs\")` in inc/a.rs, which nested.rs `include!`s, is inc/b.rs, not the decoy src/b.rs next to nested.rs",
        "app/src/inc/b.rs",
        "5u64",
        "6u64",
        &["nested_include"],
    )]
}

/// An `include!` of a path a `macro_rules!` builds cannot be resolved by
/// reading: the included file may call anything the crate can name.
fn computed_include_paths() -> Vec<Case> {
    vec![case(
        "computed_include_path_calls_another_crate",
        "macros: `inc!(\"p1\")` is `include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/src/parts/\", \"p1\", \".rs\"))`, whose file calls `base::deep_helper()`",
        "base/src/lib.rs",
        "pub fn deep_helper() -> u64 {
    40
",
        "pub fn deep_helper() -> u64 {
    41
",
        &["via_inc"],
    )]
}

case_tests!(
    // Glued identifiers.
    proc_macro_glues_a_path_from_two_identifiers,
    // A derive's input text.
    derive_sees_a_digit_separator_of_an_array_length,
    derive_sees_a_trailing_comma,
    derive_sees_an_inert_attribute,
    // Nested include!.
    include_inside_an_included_file_is_next_to_it,
    // include! of a computed path.
    computed_include_path_calls_another_crate,
);
