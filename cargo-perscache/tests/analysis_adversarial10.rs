//! Round 10 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 8: `analysis_adversarial.rs` to
//! `analysis_adversarial8.rs`), aimed at code downstream of the marked
//! functions that decides their result: a generic marked function whose
//! bound trait a workspace proc-macro derive implements for a downstream
//! type (the derive's attribute and the derive's own code); a downstream
//! `#[serde(serialize_with = ..)]` that branches on `is_human_readable`,
//! serialized by a marked function with a non-human-readable format
//! (postcard); a closure a downstream crate gives to a code-taking method
//! of a value whose type it never names, run by a marked method.
//!
//! The fixture (`tests/fixtures/adversarial10/ws`) has three crates: `pm`
//! (a proc-macro crate built with `proc_macro` alone: the `Weight` derive),
//! `app` (depends on pm: the `Weight` trait, the marked functions and the
//! pipeline) and `down` (depends on app and pm: the derived impl, the
//! `serialize_with` field and the closure). A case is one or more edits and
//! the functions whose **result** they change (`must`), judged through the
//! real binary (`cargo perscache list --json`): every `must` function must
//! get a new code hash, or a cached result is served stale. Each case is a
//! test of its own.
//!
//! Not here: a closure or an impl written in the binary that calls the
//! marked function (round 10's probe), which is not part of the analysed
//! workspace here.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial10/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial10 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial10",
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
    ("weigh", "app::weigh"),
    ("packed", "app::packed"),
    ("run", "app::Pipeline::run"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = derived_bound_impls();
    v.extend(serialize_with_branches());
    v.extend(closures_through_unnamed_types());
    v
}

/// `weigh<T: Weight + Serialize>` calls `T::weight`, which for
/// `down::Crate` is written by `#[derive(pm::Weight)] #[weight(5)]`: both
/// the attribute and the derive's code are part of its result.
fn derived_bound_impls() -> Vec<Case> {
    vec![
        case(
            "derive_attribute_of_a_downstream_type_sets_a_bound_impl",
            "generics: `#[derive(pm::Weight)] #[weight(5)]` on down::Crate writes the `Weight` impl that `weigh<T: Weight>` calls; the attribute's argument is its body",
            "down/src/lib.rs",
            "#[weight(5)]",
            "#[weight(6)]",
            &["weigh"],
        ),
        case(
            "derive_code_writes_a_bound_impl_of_a_downstream_type",
            "macros: the workspace derive `pm::Weight` writes `{n} * 1` as the body of the `Weight` impl `weigh<T: Weight>` calls for down::Crate",
            "pm/src/lib.rs",
            "{n} * 1 }}",
            "{n} * 2 }}",
            &["weigh"],
        ),
    ]
}

/// `packed<T: Serialize>` serializes with postcard, which is not human
/// readable: down::Price's `#[serde(serialize_with = "money")]` takes its
/// compact branch, whose value is `packed`'s result.
fn serialize_with_branches() -> Vec<Case> {
    vec![case(
        "serialize_with_branch_of_a_non_human_readable_format",
        "serde: `#[serde(serialize_with = \"money\")]` on a field of down::Price; `money` branches on `is_human_readable`, and postcard in `packed` takes `serialize_u64(*v + 1)`",
        "down/src/lib.rs",
        "serialize_u64(*v + 1)",
        "serialize_u64(*v + 2)",
        &["packed"],
    )]
}

/// `Pipeline::run` folds over the closures given to `step`: down's
/// `app::Factory.pipeline("main").step(|x| x * 3).run(2)` never names
/// `Pipeline`, and the closure's body is `run`'s result.
fn closures_through_unnamed_types() -> Vec<Case> {
    vec![case(
        "closure_given_to_a_value_of_an_unnamed_type_in_another_crate",
        "closures: `step(|x| x * 3)` in down on the `Pipeline` that `Factory.pipeline` returns boxes the closure into `Vec<Box<dyn Fn(u64) -> u64>>`, which `Pipeline::run` calls",
        "down/src/lib.rs",
        "|x| x * 3",
        "|x| x * 4",
        &["run"],
    )]
}

case_tests!(
    // A derive writes the bound's impl.
    derive_attribute_of_a_downstream_type_sets_a_bound_impl,
    derive_code_writes_a_bound_impl_of_a_downstream_type,
    // serialize_with and is_human_readable.
    serialize_with_branch_of_a_non_human_readable_format,
    // A closure through a type the caller never names.
    closure_given_to_a_value_of_an_unnamed_type_in_another_crate,
);
