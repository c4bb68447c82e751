//! Round 4 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 3: `analysis_adversarial.rs`,
//! `analysis_adversarial2.rs`, `analysis_adversarial3.rs`), aimed at choices
//! the set of reached items does not show: a trait import (explicit, through
//! a glob re-export, or hidden by a local item of its name) that changes
//! which of the already reached methods a call runs, an imported workspace
//! macro that hides a std one, a constant defined by a macro invocation that
//! turns a binding pattern into a constant pattern; and at items the
//! analysis did not reach: a workspace trait's items named through a path of
//! a primitive, a std type or an alias of one (`u32::quad`, `u32::TOP`,
//! `<u32>::quad`, `String::named`), impls a `macro_rules!` writes in a
//! function body or in `const _: () = { .. }`, functions declared or called
//! with a raw identifier (`r#name` is `name`).
//!
//! The fixture (`tests/fixtures/adversarial4/ws`) has two crates: `base`
//! (traits implemented for std types, an exported macro named like a std
//! one, functions declared with and without `r#`) and `app` (the marked
//! functions, one module per family). A case is one edit and the functions
//! whose **result** it changes (`must`), judged through the real binary
//! (`cargo perscache list --json`): every `must` function must get a new
//! code hash, or a cached result is served stale. Each case is a test of its
//! own.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial4/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial4 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial4",
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
    ("wrap_shout", "app::trait_import::wrap_shout"),
    ("wrap2_shout", "app::glob_import::wrap2_shout"),
    ("w_yell", "app::shadowed_glob::w_yell"),
    ("uses_matches", "app::std_macro::uses_matches"),
    ("classify", "app::patterns::classify"),
    ("prim_fn_quad", "app::prim_paths::prim_fn_quad"),
    ("prim_const_top", "app::prim_paths::prim_const_top"),
    ("path_quad", "app::prim_paths::path_quad"),
    ("qself_no_trait", "app::prim_paths::qself_no_trait"),
    ("string_named", "app::prim_paths::string_named"),
    ("alias_named", "app::prim_paths::alias_named"),
    ("badge4", "app::impls::badge4"),
    ("badge5", "app::impls::badge5"),
    ("raw_scale", "app::raw::raw_scale"),
    ("raw_call", "app::raw::raw_call"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = choices();
    v.extend(paths());
    v.extend(impls());
    v.extend(raw());
    v
}

/// Which of the reached items a name means: every candidate is already in
/// the hash, the edit only changes which one rustc picks.
fn choices() -> Vec<Case> {
    vec![
        case(
            "trait_import_puts_another_traits_method_first",
            "names: `use traits::LoudB as _;` puts another trait's method first for `Wrap(x).shout()` (autoderef), every candidate already reached",
            "app/src/trait_import.rs",
            "use traits::LoudA;\n",
            "use traits::LoudA;\nuse traits::LoudB as _;\n",
            &["wrap_shout"],
        ),
        case(
            "glob_reexport_puts_another_traits_method_first",
            "names: `pub use super::traits::LoudB as _;` added to `pre`, which the module glob-imports, puts another trait's method first for `Wrap2(x).shout()`",
            "app/src/glob_import.rs",
            "    pub use super::traits::LoudA;\n",
            "    pub use super::traits::LoudA;\n    pub use super::traits::LoudB as _;\n",
            &["wrap2_shout"],
        ),
        case(
            "local_item_hides_a_glob_imported_trait",
            "names: `pub struct LoudD;` hides the trait `LoudD` of `use traits::*;`, so `W(x).yell()` runs `LoudC` on `u32` through `Deref`",
            "app/src/shadowed_glob.rs",
            "use traits::*;\n",
            "use traits::*;\n\npub struct LoudD;\n",
            &["w_yell"],
        ),
        case(
            "imported_workspace_macro_hides_a_std_macro",
            "macros: `use base::matches;` hides std's `matches!` in `matches!(x, 1 | 2)`",
            "app/src/std_macro.rs",
            "\n#[perscache::persist]",
            "\nuse base::matches;\n\n#[perscache::persist]",
            &["uses_matches"],
        ),
        case(
            "constant_defined_by_a_macro_turns_a_binding_into_a_pattern",
            "names: `define_consts!(SPECIAL = 3);` makes `SPECIAL` in `match x { SPECIAL => .., other => other }` a constant pattern",
            "app/src/patterns.rs",
            "\n#[allow(non_snake_case",
            "\ndefine_consts!(SPECIAL = 3);\n\n#[allow(non_snake_case",
            &["classify"],
        ),
    ]
}

/// Items of a workspace trait named through the path of a type outside the
/// workspace.
fn paths() -> Vec<Case> {
    vec![
        case(
            "trait_method_through_a_primitive_path",
            "names: `u32::quad(x)`, `.map(u32::quad)` and `<u32>::quad(x)` with `use base::Quad;` run `impl Quad for u32`",
            "base/src/lib.rs",
            "self * 1017",
            "self * 2017",
            &["prim_fn_quad", "path_quad", "qself_no_trait"],
        ),
        case(
            "trait_const_through_a_primitive_path",
            "names: `u32::TOP` with `use base::Quad;` is `impl Quad for u32`'s",
            "base/src/lib.rs",
            "const TOP: u32 = 1018",
            "const TOP: u32 = 2018",
            &["prim_const_top", "path_quad"],
        ),
        case(
            "trait_fn_through_a_std_type_and_its_alias",
            "names: `String::named(x)`, and `Label::named(x)` with `type Label = String`, run `impl Named for String`",
            "base/src/lib.rs",
            "x + 1024",
            "x + 2024",
            &["string_named", "alias_named"],
        ),
    ]
}

/// Impls a local `macro_rules!` writes where an item is not expected.
fn impls() -> Vec<Case> {
    vec![
        case(
            "impl_written_by_a_macro_in_a_function_body",
            "types: `fn install() { impl_show!(super::Badge4, 1013); }` writes `impl Display for Badge4`, which holds for the whole crate",
            "app/src/impls.rs",
            "1013);",
            "2013);",
            &["badge4"],
        ),
        case(
            "impl_written_by_a_macro_in_an_anonymous_const",
            "types: `const _: () = { impl_show!(Badge5, 1027); };` writes `impl Display for Badge5`, which holds for the whole crate",
            "app/src/impls.rs",
            "1027",
            "2027",
            &["badge5"],
        ),
    ]
}

/// Raw identifiers: `r#name` and `name` are one name.
fn raw() -> Vec<Case> {
    vec![
        case(
            "fn_declared_raw_called_plain",
            "names: `pub fn r#scale_raw` in base, called as `base::scale_raw(x)`",
            "base/src/lib.rs",
            "x + 1001",
            "x + 2001",
            &["raw_scale"],
        ),
        case(
            "fn_declared_plain_called_raw",
            "names: `pub fn plain_scale` in base, called as `base::r#plain_scale(x)`",
            "base/src/lib.rs",
            "x + 1021",
            "x + 2021",
            &["raw_call"],
        ),
    ]
}

case_tests!(
    // Choices among reached items.
    trait_import_puts_another_traits_method_first,
    glob_reexport_puts_another_traits_method_first,
    local_item_hides_a_glob_imported_trait,
    imported_workspace_macro_hides_a_std_macro,
    constant_defined_by_a_macro_turns_a_binding_into_a_pattern,
    // Paths of types outside the workspace.
    trait_method_through_a_primitive_path,
    trait_const_through_a_primitive_path,
    trait_fn_through_a_std_type_and_its_alias,
    // Impls written by macros.
    impl_written_by_a_macro_in_a_function_body,
    impl_written_by_a_macro_in_an_anonymous_const,
    // Raw identifiers.
    fn_declared_raw_called_plain,
    fn_declared_plain_called_raw,
);
