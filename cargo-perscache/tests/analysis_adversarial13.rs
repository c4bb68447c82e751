//! Round 13 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 12: `analysis_adversarial.rs` to
//! `analysis_adversarial12.rs`): the two families of names round 12 found
//! resolving to nothing, so that an edit of what they name kept the hash.
//! Paths that start with `self::super::` (or `self::super::super::`), which
//! name what `super::` names: a call, a renamed import
//! (`use self::super::val1 as v`), a `pub(super) use` re-export, a
//! constructor and its method (`self::super::Gauge(3).level()`), a type
//! import (`use self::super::Dial as D`) and a constant pattern
//! (`match x { self::super::LIMIT => 1, _ => 0 }`). And a leading `::`
//! before a name the crate's root gives with `extern crate .. as`:
//! `::bb::helper()` and `use ::bb::alias_val as av` after
//! `extern crate base as bb;`, `::myapp::roots::val28()` after
//! `extern crate self as myapp;`.
//!
//! The fixture (`tests/fixtures/adversarial13/ws`) has two crates: `base`
//! (the functions named through `bb`) and `app` (depends on base: the
//! marked functions, in `supers`, `roots` and at the root). A case is one
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
//! (`fixtures/adversarial13/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial13 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial13",
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
    ("self_super", "app::self_super"),
    ("renamed_import", "app::supers::renamed_import"),
    ("two_supers", "app::supers::two_supers"),
    ("ctor_method", "app::supers::ctor_method"),
    ("type_import", "app::supers::type_import"),
    ("const_pattern", "app::supers::const_pattern"),
    ("pub_super_reexport", "app::supers::pub_super_reexport"),
    ("rooted_extern_alias", "app::roots::rooted_extern_alias"),
    (
        "rooted_extern_alias_import",
        "app::roots::rooted_extern_alias_import",
    ),
    ("rooted_self_alias", "app::roots::rooted_self_alias"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = paths_from_self_super();
    v.extend(rooted_paths_through_extern_crate_renames());
    v
}

/// `self::super::` is `super::`: the path names the parent module's item.
fn paths_from_self_super() -> Vec<Case> {
    vec![
        case(
            "self_super_call_of_a_private_function",
            "self::super: `sub::ss_inner::go` calls `self::super::base_val()`, a private function of `sub`; `self_super` calls `sub::ss()`, which calls `go`",
            "app/src/sub.rs",
            "    40\n",
            "    42\n",
            &["self_super"],
        ),
        case(
            "self_super_renamed_import",
            "self::super: `use self::super::val1 as v;` in `supers::n1`, then `v()`",
            "app/src/supers.rs",
            "    101\n",
            "    111\n",
            &["renamed_import"],
        ),
        case(
            "self_super_super_call",
            "self::super: `self::super::super::val3()` in `supers::n3::deep` is `supers::val3`",
            "app/src/supers.rs",
            "    303\n",
            "    313\n",
            &["two_supers"],
        ),
        case(
            "self_super_constructor_then_method",
            "self::super: `self::super::Gauge(3).level()` in `supers::n8`: the tuple struct's constructor, then its inherent method",
            "app/src/supers.rs",
            "self.0 + 800",
            "self.0 + 801",
            &["ctor_method"],
        ),
        case(
            "self_super_type_import_renamed",
            "self::super: `use self::super::Dial as D;` in `supers::n9`, then `D(3).turn()`, a method of `supers::Dial`",
            "app/src/supers.rs",
            "self.0 + 900",
            "self.0 + 901",
            &["type_import"],
        ),
        case(
            "self_super_constant_pattern",
            "self::super: `match x { self::super::LIMIT => 1, _ => 0 }` in `supers::n10` is a constant pattern of `supers::LIMIT`; `const_pattern` matches 9",
            "app/src/supers.rs",
            "LIMIT: u64 = 9",
            "LIMIT: u64 = 8",
            &["const_pattern"],
        ),
        case(
            "self_super_pub_super_reexport",
            "self::super: `pub(super) use self::super::val24 as v24;` in `supers::n24`; `pub_super_reexport` calls `n24::v24()`",
            "app/src/supers.rs",
            "    2424\n",
            "    2434\n",
            &["pub_super_reexport"],
        ),
    ]
}

/// `::name` where the crate's root says `extern crate base as name;` or
/// `extern crate self as name;`: the extern prelude has the rename.
fn rooted_paths_through_extern_crate_renames() -> Vec<Case> {
    vec![
        case(
            "rooted_path_through_extern_crate_rename",
            "`::bb::`: `::bb::helper()` in `roots::n6`, after `extern crate base as bb;` at app's root, is `base::helper`",
            "base/src/lib.rs",
            "    606\n",
            "    607\n",
            &["rooted_extern_alias"],
        ),
        case(
            "rooted_import_through_extern_crate_rename",
            "`::bb::`: `use ::bb::alias_val as av;` in `roots::n18`, then `av()`, is `base::alias_val`",
            "base/src/lib.rs",
            "    1818\n",
            "    1819\n",
            &["rooted_extern_alias_import"],
        ),
        case(
            "rooted_path_through_extern_crate_self_rename",
            "`::myapp::`: `::myapp::roots::val28()` in `roots::n28`, after `extern crate self as myapp;` at app's root, is app's own `roots::val28`",
            "app/src/roots.rs",
            "    2828\n",
            "    2838\n",
            &["rooted_self_alias"],
        ),
    ]
}

case_tests!(
    // Paths from `self::super::`.
    self_super_call_of_a_private_function,
    self_super_renamed_import,
    self_super_super_call,
    self_super_constructor_then_method,
    self_super_type_import_renamed,
    self_super_constant_pattern,
    self_super_pub_super_reexport,
    // `::` before a name of `extern crate .. as`.
    rooted_path_through_extern_crate_rename,
    rooted_import_through_extern_crate_rename,
    rooted_path_through_extern_crate_self_rename,
);
