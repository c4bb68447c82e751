//! Round 14 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 13: `analysis_adversarial.rs` to
//! `analysis_adversarial13.rs`): the two families round 13 found. A generic
//! marked function bound by `T: Serialize` (`encode` with postcard,
//! `to_json` with serde_json, `mem_size` with `std::mem::size_of::<T>()`)
//! runs the derived `Serialize` impls and the layouts of the types its
//! callers pass, defined in a crate downstream of it: a field's type
//! (`String` -> `std::net::Ipv4Addr`), the variant order of an enum one
//! level down, a reversed `impl Ord` of a `BTreeMap` key and the type of a
//! `#[serde(skip)]` field change its result. And a workspace proc macro
//! whose code reads files reads a data file of the package it expands in,
//! by a name it builds from the item (`#[derive(pm::Table)] struct Rates;`
//! reads `tables/rates.txt`).
//!
//! The fixture (`tests/fixtures/adversarial14/ws`) has four crates: `base`
//! (serde, serde_json and postcard: the generic marked functions), `down`
//! (depends on base: the types deriving Serialize), `pm` (a proc-macro
//! crate built with `proc_macro` alone: the `Table` derive, which reads
//! `$CARGO_MANIFEST_DIR/tables/<name>.txt`) and `app` (depends on pm: the
//! type under it, the marked function that calls what it writes, and
//! `tables/rates.txt`). A case is one edit and the functions whose
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
//! (`fixtures/adversarial14/probe`, `PERSCACHE=off`) that calls every marked
//! function (base's with down's types), and checks that each edit changes
//! the results of exactly its `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial14 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial14",
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
    ("encode", "base::encode"),
    ("to_json", "base::to_json"),
    ("mem_size", "base::mem_size"),
    ("rates_total", "app::rates_total"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = serialize_bound_reaches_downstream_types();
    v.extend(proc_macro_reads_a_data_file());
    v
}

/// A generic `T: Serialize` marked function runs the derived impls and the
/// layouts of the types its callers pass, defined downstream in `down`.
fn serialize_bound_reaches_downstream_types() -> Vec<Case> {
    vec![
        case(
            "serialize_bound_downstream_field_type_string_to_ipv4",
            "T: Serialize: `base::encode` (postcard) of a `down::Host`; its field `addr: String` becomes `std::net::Ipv4Addr`, written as four bytes, not as text",
            "down/src/lib.rs",
            "    pub addr: String,\n",
            "    pub addr: std::net::Ipv4Addr,\n",
            &["encode"],
        ),
        case(
            "serialize_bound_downstream_nested_enum_variant_order",
            "T: Serialize: `base::encode` (postcard) of a `down::Palette { c: Color::Green }`; postcard writes the variant index, and `Green` moves before `Red`",
            "down/src/lib.rs",
            "pub enum Color {\n    Red,\n    Green,\n",
            "pub enum Color {\n    Green,\n    Red,\n",
            &["encode"],
        ),
        case(
            "serialize_bound_downstream_reversed_ord_of_a_map_key",
            "T: Serialize: `base::to_json` of a `BTreeMap<down::Prio, &str>`; the map serializes in its key's order, and `impl Ord for Prio` is reversed",
            "down/src/lib.rs",
            "self.0.cmp(&o.0)",
            "o.0.cmp(&self.0)",
            &["to_json"],
        ),
        case(
            "serialize_bound_downstream_skipped_field_type",
            "T: Serialize: `base::mem_size` is `size_of::<T>()` of a `down::Padded`; its `#[serde(skip)]` field, written by no format, becomes a `u64`",
            "down/src/lib.rs",
            "    pub scratch: u32,\n",
            "    pub scratch: u64,\n",
            &["mem_size"],
        ),
    ]
}

/// A workspace proc macro whose code reads files reads a data file of the
/// package it expands in, by a name it builds from the item.
fn proc_macro_reads_a_data_file() -> Vec<Case> {
    vec![case(
        "proc_macro_reads_a_data_file_named_from_the_item",
        "proc macro reading files: `#[derive(pm::Table)] struct Rates;` reads `$CARGO_MANIFEST_DIR/tables/rates.txt` (`std::fs::read_to_string`) and writes `Rates::total`, the sum of its numbers; `app::rates_total` calls it",
        "app/tables/rates.txt",
        "1 2 3",
        "1 2 4",
        &["rates_total"],
    )]
}

case_tests!(
    // T: Serialize reaches the types deriving it downstream.
    serialize_bound_downstream_field_type_string_to_ipv4,
    serialize_bound_downstream_nested_enum_variant_order,
    serialize_bound_downstream_reversed_ord_of_a_map_key,
    serialize_bound_downstream_skipped_field_type,
    // A workspace proc macro reads a data file of the package.
    proc_macro_reads_a_data_file_named_from_the_item,
);
