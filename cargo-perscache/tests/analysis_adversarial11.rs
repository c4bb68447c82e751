//! Round 11 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 10: `analysis_adversarial.rs` to
//! `analysis_adversarial10.rs`), aimed at what proc macros write and read
//! beyond the sources: an attribute macro on an inherent impl that writes a
//! free function returning the impl's text (`#[pm::with_src] impl Gauge`
//! writes `src_of_gauge()`), in the caller's module and through a module
//! path; an attribute macro that adds a method calling the impl's methods
//! (`#[pm::describe] impl Meter` writes `Meter::describe`); a builder derive
//! whose helper attribute sets the defaults of a type the caller names only
//! as `ConfigBuilder`; a function-like macro that sums the numbers of a file
//! of the package at expansion (`pm::embed!("data/numbers.txt")`); and a
//! template derive that renders a file named by its file name only
//! (`#[template(path = "hello.txt")]`, at `app/templates/hello.txt`).
//!
//! The fixture (`tests/fixtures/adversarial11/ws`) has two crates: `pm` (a
//! proc-macro crate built with `proc_macro` alone: `with_src`, `describe`,
//! the `Builder` and `Template` derives and `embed!`; the macros that read a
//! file read it through `CARGO_MANIFEST_DIR` and emit an `include_bytes!` of
//! it, so that rustc and cargo track it, as askama and rust-embed do) and
//! `app` (depends on pm: the marked functions, the items under the macros
//! and the files they read). A case is one edit and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code hash,
//! or a cached result is served stale. Each case is a test of its own.
//!
//! Not here: edits to `pm` itself (a workspace proc-macro crate's code
//! already counts whole for every use of its macros), and controls that an
//! unrelated edit keeps a hash (the shared harness only checks that hashes
//! change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial11/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial11 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial11",
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
    ("gauge_source", "app::gauge_source"),
    ("dial_source", "app::dial_source"),
    ("meter_label", "app::meter_label"),
    ("config_budget", "app::config_budget"),
    ("numbers_total", "app::numbers_total"),
    ("greet", "app::greet"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = attribute_macro_expansions();
    v.extend(derive_expansions());
    v.extend(files_read_at_expansion());
    v
}

/// Items an attribute macro on an inherent impl writes: a free function of
/// a name no source defines, and a method of the impl's type.
fn attribute_macro_expansions() -> Vec<Case> {
    vec![
        case(
            "attribute_macro_on_an_impl_writes_a_function_returning_its_text",
            "attribute macros: `#[pm::with_src] impl Gauge` writes `src_of_gauge()`, the impl's text; `gauge_source` calls that name, found nowhere, and never names Gauge, so a method body of the impl is its result",
            "app/src/lib.rs",
            "self.level * 2",
            "self.level * 3",
            &["gauge_source"],
        ),
        case(
            "attribute_macro_of_another_module_writes_a_function_named_by_path",
            "attribute macros: `#[pm::with_src] impl Dial` in module `dials` writes `dials::src_of_dial()`; `dial_source` returns the length of the impl's text, so a method body of the impl is its result",
            "app/src/dials.rs",
            "self.steps + 1",
            "self.steps + 10",
            &["dial_source"],
        ),
        case(
            "attribute_macro_adds_a_method_that_calls_the_impls_methods",
            "attribute macros: `#[pm::describe] impl Meter` adds `Meter::describe`, which calls every `&self` method of the impl; `meter_label` calls `describe`, found nowhere, so `scaled`'s body is its result",
            "app/src/lib.rs",
            "self.grams / 1000",
            "self.grams / 100",
            &["meter_label"],
        ),
    ]
}

/// A custom derive writes a type the marked function names; the helper
/// attribute of a field is the generated code's value.
fn derive_expansions() -> Vec<Case> {
    vec![case(
        "builder_derive_helper_attribute_sets_the_default_of_a_generated_type",
        "derives: `#[derive(pm::Builder)]` on Config writes `ConfigBuilder`, whose `Default` takes `#[builder(default = 5)]`; `config_budget` calls `ConfigBuilder::default().build()` and never names Config",
        "app/src/lib.rs",
        "#[builder(default = 5)]",
        "#[builder(default = 7)]",
        &["config_budget"],
    )]
}

/// Files of the package a proc macro reads at expansion, named by a string
/// of its input.
fn files_read_at_expansion() -> Vec<Case> {
    vec![
        case(
            "function_like_macro_reads_a_data_file_of_the_package",
            "files: `pm::embed!(\"data/numbers.txt\")` sums the numbers of app/data/numbers.txt at expansion; the sum is `numbers_total`'s result",
            "app/data/numbers.txt",
            "35",
            "36",
            &["numbers_total"],
        ),
        case(
            "template_derive_reads_a_file_named_by_its_file_name",
            "files: `#[derive(pm::Template)] #[template(path = \"hello.txt\")]` renders app/templates/hello.txt, found only by the end of its path; `greet` returns `Hello { name }.render()`",
            "app/templates/hello.txt",
            "Hello,",
            "Howdy,",
            &["greet"],
        ),
    ]
}

case_tests!(
    // An attribute macro on an impl writes items no source shows.
    attribute_macro_on_an_impl_writes_a_function_returning_its_text,
    attribute_macro_of_another_module_writes_a_function_named_by_path,
    attribute_macro_adds_a_method_that_calls_the_impls_methods,
    // A custom derive's helper attribute.
    builder_derive_helper_attribute_sets_the_default_of_a_generated_type,
    // Files a proc macro reads at expansion.
    function_like_macro_reads_a_data_file_of_the_package,
    template_derive_reads_a_file_named_by_its_file_name,
);
