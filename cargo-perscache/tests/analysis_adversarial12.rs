//! Round 12 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 11: `analysis_adversarial.rs` to
//! `analysis_adversarial11.rs`), aimed at names that are not what they look
//! like and code written far from where it runs: a workspace derive named
//! like std's `Default` (by path, `#[derive(pm::Default)]`, and imported
//! under std's name, `use pm::Default; #[derive(Default)]`) whose output
//! counts its input's text; macros of a dependency named like std's
//! expression macros (`base::format!`, `base::vec!`, a module's own
//! `matches!`, and `format!` by `#[macro_use] extern crate base`); code a
//! workspace proc macro writes (in `format!` strings) that names workspace
//! items: a free function of another crate, a method of a field's type, a
//! function named from the item (`#[pm::plus] fn seed` writes `seed_plus`,
//! `#[derive(pm::FieldCount)] struct Record` writes `record_fields`);
//! `write!` into a type with an inherent `write_fmt`; iterators and futures
//! a type holds, built downstream (a `Box<dyn Iterator>`, a
//! `Pin<Box<dyn Future>>`, a generic `I: Iterator`); a registry crate
//! patched by path (`[patch.crates-io] itoa = { path = "vendor/itoa" }`)
//! under serde_json; and names imported from a module whose items an
//! attribute macro or a derive writes (`use crate::levers::*`,
//! `use crate::src_of_crank`, `use crate::ConfigBuilder`).
//!
//! The fixture (`tests/fixtures/adversarial12/ws`) has six crates and a
//! vendored one: `pm` (a proc-macro crate built with `proc_macro` alone:
//! the `Default`, `Scaled`, `Leveled`, `FieldCount` and `Builder` derives,
//! the `plus` and `with_src` attribute macros), `base` (depends on pm: the
//! std-named macros, the sink, the items pm's output names), `mid` (depends
//! on base and pm: the types under pm's derives), `app` (depends on all of
//! them and on serde_json: the marked functions and the holders of
//! iterators and futures), `down` (depends on app: the closures and async
//! blocks it holds), `mu` (depends on base: `#[macro_use]`) and
//! `vendor/itoa` (itoa 1.0.19 as published, the version of the
//! repository's lock). A case is one edit and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code hash,
//! or a cached result is served stale. Each case is a test of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial12/probe`, `PERSCACHE=off`) that calls every marked
//! function (the async `Job::run` polled with a no-op waker), and checks
//! that each edit changes the results of exactly its `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial12 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial12",
    members: &["app", "mu"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("knob_default", "app::knob_default"),
    ("dial_default", "app::dial_default"),
    ("fmt_text", "app::fmt_text"),
    ("vec_count", "app::vec_count"),
    ("local_matches", "app::local::local_matches"),
    ("mu_text", "mu::mu_text"),
    ("dial2_scaled", "app::dial2_scaled"),
    ("wrapped_leveled", "app::wrapped_leveled"),
    ("seed_plus", "app::seed_plus"),
    ("record_fields", "app::record_fields"),
    ("sink_text", "app::sink_text"),
    ("stream_total", "app::Stream::total"),
    ("job_run", "app::Job::run"),
    ("gen_total", "app::GenStream::total"),
    ("json_num", "app::json_num"),
    ("glob_lever", "app::usage::glob_lever"),
    ("imported_crank", "app::usage::imported_crank"),
    ("imported_builder", "app::usage::imported_builder"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = derives_named_like_std();
    v.extend(macros_named_like_std());
    v.extend(proc_macro_output_names_workspace_items());
    v.extend(write_into_an_inherent_write_fmt());
    v.extend(iterators_and_futures_built_downstream());
    v.extend(patched_registry_crate());
    v.extend(imports_of_what_macros_write());
    v
}

/// A workspace derive named like std's `Default`: its output is the length
/// of the item's text, doc comments included.
fn derives_named_like_std() -> Vec<Case> {
    vec![
        case(
            "derive_named_like_std_default_by_path_reads_the_doc_comment",
            "derives named like std's: `#[derive(pm::Default)]` on `base::Knob` is the workspace derive, whose default counts the item's text; `knob_default` calls `Knob::default()`",
            "base/src/lib.rs",
            "/// A knob whose default the workspace derive computes from this text.\n",
            "/// A knob.\n",
            &["knob_default"],
        ),
        case(
            "derive_imported_under_std_default_name_reads_the_doc_comment",
            "derives named like std's: `use pm::Default; #[derive(Default)]` on `base::knobs::Dial` is the workspace derive, not std's; `dial_default` calls `Dial::default()`",
            "base/src/knobs.rs",
            "/// A dial whose default the workspace derive computes, imported under std's name.\n",
            "",
            &["dial_default"],
        ),
        case(
            "derive_named_like_std_default_its_code",
            "derives named like std's: the code of the workspace derive `pm::Default` is what `Knob::default()` and `Dial::default()` run, by path and imported",
            "pm/src/lib.rs",
            ".len() as u64 + 7",
            ".len() as u64 + 8",
            &["knob_default", "dial_default"],
        ),
    ]
}

/// Macros of a dependency or a module named like std's expression macros:
/// their input is hashed as written.
fn macros_named_like_std() -> Vec<Case> {
    vec![
        case(
            "format_macro_of_a_dependency_stringifies_its_input",
            "macros named like std's: `base::format!` is base's `#[macro_export] macro_rules! format`, which stringifies its input; `1_000` and `1000` are one number, not one text",
            "app/src/lib.rs",
            "base::format!(n + 1_000)",
            "base::format!(n + 1000)",
            &["fmt_text"],
        ),
        case(
            "vec_macro_of_a_dependency_counts_a_trailing_comma",
            "macros named like std's: `base::vec!` counts its input's tokens; a trailing comma is one",
            "app/src/lib.rs",
            "base::vec![1, 2,]",
            "base::vec![1, 2]",
            &["vec_count"],
        ),
        case(
            "matches_macro_of_a_module_measures_its_input",
            "macros named like std's: `matches!` in app/src/local.rs is the module's `macro_rules! matches`, the length of its input's text",
            "app/src/local.rs",
            "matches!(x, 1_0)",
            "matches!(x, 10)",
            &["local_matches"],
        ),
        case(
            "format_macro_by_macro_use_stringifies_its_input",
            "macros named like std's: after `#[macro_use] extern crate base;` a bare `format!` is base's, which stringifies its input",
            "mu/src/lib.rs",
            "format!(a, 1_000)",
            "format!(a, 1000)",
            &["mu_text"],
        ),
    ]
}

/// What a workspace proc macro writes (as `format!` strings) names items
/// of the workspace: they are reached where it expands.
fn proc_macro_output_names_workspace_items() -> Vec<Case> {
    vec![
        case(
            "derive_output_calls_a_function_of_another_crate",
            "proc macro output: `#[derive(pm::Scaled)]` on `mid::Dial2` writes `scaled`, which calls `::base::calc2`; `dial2_scaled` calls `scaled`",
            "base/src/lib.rs",
            "x * 5",
            "x * 6",
            &["dial2_scaled"],
        ),
        case(
            "derive_output_calls_a_method_of_a_fields_type",
            "proc macro output: `#[derive(pm::Leveled)]` on `mid::Wrapped(pub base::Gauge)` writes `leveled`, which calls `self.0.level()`, a method of `base::Gauge`",
            "base/src/lib.rs",
            "self.0 + 10",
            "self.0 + 11",
            &["wrapped_leveled"],
        ),
        case(
            "attribute_macro_on_a_fn_writes_a_fn_that_calls_it",
            "proc macro output: `#[pm::plus] fn seed()` writes `seed_plus()`, which calls `seed()`; `app::seed_plus` calls `base::seed_plus`, found nowhere",
            "base/src/lib.rs",
            "    5\n}",
            "    6\n}",
            &["seed_plus"],
        ),
        case(
            "attribute_macro_on_a_fn_its_code",
            "proc macro output: the code of `pm::plus` is what `seed_plus()` runs, a function no source defines",
            "pm/src/lib.rs",
            "{name}() + 100",
            "{name}() + 101",
            &["seed_plus"],
        ),
        case(
            "derive_writes_a_free_function_named_from_the_struct",
            "proc macro output: `#[derive(pm::FieldCount)] struct Record` writes the free function `record_fields()`, its number of fields; `app::record_fields` calls `mid::record_fields`, found nowhere",
            "mid/src/lib.rs",
            "    pub b: u8,\n}",
            "    pub b: u8,\n    pub c: u8,\n}",
            &["record_fields"],
        ),
    ]
}

/// `write!(s, ..)` calls `s.write_fmt(..)`, an inherent method too.
fn write_into_an_inherent_write_fmt() -> Vec<Case> {
    vec![case(
        "write_macro_calls_an_inherent_write_fmt",
        "write!: `write!(s, ..)` on a `base::Sink` calls its inherent `write_fmt`, no `fmt::Write` impl",
        "base/src/lib.rs",
        "args.to_string().to_uppercase()",
        "args.to_string()",
        &["sink_text"],
    )]
}

/// A type holding an iterator or a future runs code its builders write: a
/// closure or an async block of the downstream crate.
fn iterators_and_futures_built_downstream() -> Vec<Case> {
    vec![
        case(
            "boxed_iterator_closure_built_downstream",
            "iterators held: `app::Stream` holds a `Box<dyn Iterator<Item = u64>>`; `down::stream` builds it with `.map(|x| x * 2)`; `Stream::total` sums it",
            "down/src/lib.rs",
            ".map(|x| x * 2)",
            ".map(|x| x * 3)",
            &["stream_total"],
        ),
        case(
            "boxed_future_async_block_built_downstream",
            "futures held: `app::Job` holds a `Pin<Box<dyn Future<Output = u64>>>`; `down::job` builds it with `async { 7 * 3 }`; the async `Job::run` awaits it",
            "down/src/lib.rs",
            "async { 7 * 3 }",
            "async { 7 * 4 }",
            &["job_run"],
        ),
        case(
            "generic_iterator_closure_built_downstream",
            "iterators held: `impl<I: Iterator<Item = u64>> GenStream<I>`; `down::gen_total` builds one with `.map(|x| x + 5)`; `GenStream::total` sums it",
            "down/src/lib.rs",
            ".map(|x| x + 5)",
            ".map(|x| x + 6)",
            &["gen_total"],
        ),
    ]
}

/// A registry crate patched by path is code of its own: serde_json formats
/// integers with the vendored itoa.
fn patched_registry_crate() -> Vec<Case> {
    vec![case(
        "registry_crate_patched_by_path_under_serde_json",
        "[patch]: `itoa = { path = \"vendor/itoa\" }` replaces the registry's itoa under serde_json; `json_num` is `serde_json::to_string(&n)`, which formats with `itoa::Buffer::format`",
        "vendor/itoa/src/lib.rs",
        "        string\n    }\n}\n\n/// An integer",
        "        if string == \"42\" { \"43\" } else { string }\n    }\n}\n\n/// An integer",
        &["json_num"],
    )]
}

/// A name imported from a module, found nowhere because an attribute macro
/// or a derive of that module writes it.
fn imports_of_what_macros_write() -> Vec<Case> {
    vec![
        case(
            "glob_import_of_a_module_whose_attribute_macro_writes_the_function",
            "imports: `use crate::levers::*;` then `src_of_lever()`, written by `#[pm::with_src] impl Lever` in `levers` (the impl's text)",
            "app/src/levers.rs",
            "self.steps + 1",
            "self.steps + 10",
            &["glob_lever"],
        ),
        case(
            "import_of_a_function_an_attribute_macro_writes",
            "imports: `use crate::src_of_crank;`, written by `#[pm::with_src] impl Crank` at the crate's root (the impl's text)",
            "app/src/lib.rs",
            "self.turns * 2",
            "self.turns * 3",
            &["imported_crank"],
        ),
        case(
            "import_of_a_type_a_derive_writes",
            "imports: `use crate::ConfigBuilder;` then `ConfigBuilder::default().build()`; `#[derive(pm::Builder)]` on Config writes it, with `#[builder(default = 5)]` as a default",
            "app/src/lib.rs",
            "#[builder(default = 5)]",
            "#[builder(default = 7)]",
            &["imported_builder"],
        ),
    ]
}

case_tests!(
    // Derives named like std's.
    derive_named_like_std_default_by_path_reads_the_doc_comment,
    derive_imported_under_std_default_name_reads_the_doc_comment,
    derive_named_like_std_default_its_code,
    // Macros named like std's.
    format_macro_of_a_dependency_stringifies_its_input,
    vec_macro_of_a_dependency_counts_a_trailing_comma,
    matches_macro_of_a_module_measures_its_input,
    format_macro_by_macro_use_stringifies_its_input,
    // What a workspace proc macro writes names workspace items.
    derive_output_calls_a_function_of_another_crate,
    derive_output_calls_a_method_of_a_fields_type,
    attribute_macro_on_a_fn_writes_a_fn_that_calls_it,
    attribute_macro_on_a_fn_its_code,
    derive_writes_a_free_function_named_from_the_struct,
    // write! into an inherent write_fmt.
    write_macro_calls_an_inherent_write_fmt,
    // Iterators and futures built downstream.
    boxed_iterator_closure_built_downstream,
    boxed_future_async_block_built_downstream,
    generic_iterator_closure_built_downstream,
    // A registry crate patched by path.
    registry_crate_patched_by_path_under_serde_json,
    // Imports of what macros write.
    glob_import_of_a_module_whose_attribute_macro_writes_the_function,
    import_of_a_function_an_attribute_macro_writes,
    import_of_a_type_a_derive_writes,
);
