//! Round 23 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 22: `analysis_adversarial.rs` to
//! `analysis_adversarial22.rs`). Constructs: the edits users make while
//! refactoring, rather than exotic code. Imports: a `use` retargeted between
//! two same-named items (a function, a type read for its associated const,
//! a trait whose method is called, enum variants by glob, a
//! `macro_rules!` re-exported by `pub(crate) use`, a constant of app or of
//! base), renaming imports whose `as` names swap, an explicit import over a
//! glob deleted, a glob retargeted, a local function added over a glob, a
//! parent's private import inherited by `use super::*`, `use super::` made
//! `use crate::`, a crate root's `pub use` retargeted, a function renamed
//! while a same-named one is added where a glob finds it. Visibility: the
//! `pub` of an import or of a function moved between two glob-imported
//! modules; a private inherent method made `pub` over a trait method.
//! Methods: `impl Bark for &Cat` made `impl Bark for Cat` (by-value trait
//! method before the `&self` inherent one). Edits in reached code: `match`
//! arms and `if let` chains reordered, a `where` bound naming another trait
//! with a same-named const, a closure made a nested `fn`, an `impl Default`
//! read through `..Default::default()`, a `const fn` in an array length, a
//! fn-pointer table reordered, a turbofish and an `as` target widened, a
//! derived `Ord` replaced by a manual one, a module's file moved by
//! `#[path]`, a `type` alias target, an explicit discriminant, a
//! re-exported constant of base.
//!
//! Twelve cases, one family, were stale on the binary of round 22; the other
//! twenty-two hold and stay as guards:
//! - a name retargeted by a `use` (or by what a glob, a visibility or a
//!   re-export makes it import) between two items that the same item
//!   already names otherwise (by a full path, a UFCS call, the other `as`
//!   name): `use_retargeted_to_a_same_named_fn`,
//!   `use_retargeted_to_a_same_named_type`, `renaming_imports_swapped`,
//!   `explicit_import_over_a_glob_removed`, `glob_import_retargeted`,
//!   `parent_import_inherited_by_a_glob`,
//!   `super_import_changed_to_a_crate_path`, `trait_import_retargeted`,
//!   `enum_variant_glob_retargeted`, `crate_root_reexport_retargeted`,
//!   `import_retargeted_to_a_dependency`,
//!   `reexport_visibility_swapped_between_globs`. The item's digest holds
//!   the *set* of what its names resolve to, which is the same before and
//!   after; the `use` declarations themselves count only when they carry
//!   `#[cfg]` or `#[macro_use]`. Its boundary: the same retargets hold when
//!   the other item is named only by a helper
//!   (`use_retargeted_other_named_by_a_helper`) or not at all
//!   (`trait_import_retargeted_for_a_method_call_alone`), and a macro's
//!   retarget holds (`macro_import_retargeted`: its choice is recorded).
//!
//! The rules that fixed them (analysis v9): an item's digest holds which
//! item each name it writes leads to (the pairs of name and target, not the
//! set of targets: edges are one per item and name), and a glob import sees
//! a private `use` of the module it names only from inside that module.
//!
//! The fixture (`tests/fixtures/adversarial23/ws`): `base` (no
//! dependencies: two codec versions behind a root `pub use`, limits, text
//! helpers, ranks and levels, a table module with a second file for
//! `#[path]`) and `app` (depends on base: the marked functions, one module
//! per family, with `units::{metric, imperial}` defining the same names). A
//! case is one edit (or several, `.and(..)`) and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code
//! hash, or a cached result is served stale. Each case is a test of its
//! own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial23/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial23 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

const SUITE: Suite = Suite {
    fixture: "adversarial23",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

const FUNCTIONS: &[(&str, &str)] = &[
    ("scaled_total", "app::imports::scaled_total"),
    ("len_factor", "app::imports::len_factor"),
    ("primary_first", "app::aliases::primary_first"),
    (
        "scale_with_helper",
        "app::boundary::helper::scale_with_helper",
    ),
    ("dog_says_plain", "app::boundary::kennel::dog_says_plain"),
    (
        "explicit_over_glob",
        "app::globs::explicit::explicit_over_glob",
    ),
    ("glob_pick", "app::globs::switched::glob_pick"),
    ("inherited_pick", "app::inherited::child::inherited_pick"),
    ("leaf_level", "app::nested::inner::leaf::leaf_level"),
    ("dog_says", "app::voices::kennel::dog_says"),
    ("red_code", "app::palette::paint::red_code"),
    (
        "glob_visible_pick",
        "app::visibility::user::glob_visible_pick",
    ),
    ("glob_visible_fn", "app::visibility::user::glob_visible_fn"),
    ("tagged", "app::macros::user::tagged"),
    ("facade_encode", "app::facade::facade_encode"),
    ("retries", "app::facade::retries"),
    ("cap_total", "app::facade::caps::cap_total"),
    ("cleaned", "app::renames::cleaned"),
    ("cat_barks", "app::methods::panel::cat_barks"),
    ("panel_read", "app::methods::panel::panel_read"),
    ("classified", "app::refactors::classified"),
    ("first_found", "app::refactors::first_found"),
    ("item_code", "app::refactors::item_code"),
    ("stepped", "app::refactors::stepped"),
    ("custom_limits", "app::refactors::custom_limits"),
    ("slot_count", "app::refactors::slot_count"),
    ("first_op", "app::refactors::first_op"),
    ("widest_parse", "app::refactors::widest_parse"),
    ("low_byte_of", "app::refactors::low_byte_of"),
    ("best_rank", "app::refactors::best_rank"),
    ("table_rows", "app::refactors::table_rows"),
    ("word_max", "app::refactors::word_max"),
    ("medium_level", "app::refactors::medium_level"),
];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(imports());
    v.extend(boundary());
    v.extend(visibility());
    v.extend(methods());
    v.extend(refactors());
    v
}

/// A `use` retargeted between two same-named items, each also named by a
/// full path in the same function (so both are reached before and after).
fn imports() -> Vec<Case> {
    vec![
        case(
            "use_retargeted_to_a_same_named_fn",
            "imports: `use crate::units::metric::scale;` becomes `use crate::units::imperial::scale;`; `scaled_total` calls `scale()` and both `metric::scale()` and `imperial::scale()`",
            "app/src/imports.rs",
            "use crate::units::metric::scale;",
            "use crate::units::imperial::scale;",
            &["scaled_total"],
        ),
        case(
            "use_retargeted_to_a_same_named_type",
            "imports: `use crate::units::metric::Len;` becomes `imperial::Len`; `Len::FACTOR` beside both `metric::Len::FACTOR` and `imperial::Len::FACTOR`",
            "app/src/imports.rs",
            "use crate::units::metric::Len;",
            "use crate::units::imperial::Len;",
            &["len_factor"],
        ),
        case(
            "renaming_imports_swapped",
            "imports: `use metric::scale as primary; use imperial::scale as secondary;` swap their `as` names; `primary() * 100 + secondary()`",
            "app/src/aliases.rs",
            "imperial::scale as secondary",
            "imperial::scale as primary",
            &["primary_first"],
        )
        .and(
            "app/src/aliases.rs",
            "metric::scale as primary",
            "metric::scale as secondary",
        ),
        case(
            "explicit_import_over_a_glob_removed",
            "imports: `use imperial::*; use metric::scale;`: the explicit import is deleted, the glob's `scale` is found",
            "app/src/globs.rs",
            "    use crate::units::metric::scale;\n",
            "",
            &["explicit_over_glob"],
        ),
        case(
            "glob_import_retargeted",
            "imports: `use crate::units::metric::*;` becomes `use crate::units::imperial::*;`",
            "app/src/globs.rs",
            "use crate::units::metric::*;",
            "use crate::units::imperial::*;",
            &["glob_pick"],
        ),
        case(
            "local_fn_added_over_a_glob",
            "imports: a local `fn scale()` added beside `use crate::units::metric::*;` hides the glob's",
            "app/src/globs.rs",
            "    #[persist]\n    pub fn glob_pick",
            "    fn scale() -> u32 {\n        15\n    }\n\n    #[persist]\n    pub fn glob_pick",
            &["glob_pick"],
        ),
        case(
            "parent_import_inherited_by_a_glob",
            "imports: the parent's private `use crate::units::metric::scale;`, inherited by the child's `use super::*;`, is retargeted",
            "app/src/inherited.rs",
            "use crate::units::metric::scale;",
            "use crate::units::imperial::scale;",
            &["inherited_pick"],
        ),
        case(
            "super_import_changed_to_a_crate_path",
            "imports: `use super::level;` (inner's) becomes `use crate::nested::level;` (the root's), both also called by path",
            "app/src/nested.rs",
            "use super::level;",
            "use crate::nested::level;",
            &["leaf_level"],
        ),
        case(
            "trait_import_retargeted",
            "imports: `use super::loud::Speak;` becomes `use super::soft::Speak;`; `Dog.speak()` beside both traits' UFCS calls",
            "app/src/voices.rs",
            "use super::loud::Speak;",
            "use super::soft::Speak;",
            &["dog_says"],
        ),
        case(
            "enum_variant_glob_retargeted",
            "imports: `use super::Warm::*;` becomes `use super::Cool::*;`; `Red as u32` beside `Warm::Red` and `Cool::Red`",
            "app/src/palette.rs",
            "use super::Warm::*;",
            "use super::Cool::*;",
            &["red_code"],
        ),
        case(
            "macro_import_retargeted",
            "imports: `use super::plain::tag;` becomes `use super::fancy::tag;` (two `macro_rules! tag` re-exported by `pub(crate) use`), both also invoked by path",
            "app/src/macros.rs",
            "use super::plain::tag;",
            "use super::fancy::tag;",
            &["tagged"],
        ),
        case(
            "crate_root_reexport_retargeted",
            "imports: base's `pub use crate::codec::v1::encode;` becomes `v2::encode`; app calls `base::encode` and both `base::codec::v1::encode` and `v2::encode`",
            "base/src/lib.rs",
            "pub use crate::codec::v1::encode;",
            "pub use crate::codec::v2::encode;",
            &["facade_encode"],
        ),
        case(
            "import_retargeted_to_a_dependency",
            "imports: `use crate::limits::MAX;` becomes `use base::limits::MAX;`; both also read by path",
            "app/src/facade.rs",
            "use crate::limits::MAX;",
            "use base::limits::MAX;",
            &["cap_total"],
        ),
        case(
            "function_renamed_and_a_same_named_one_added",
            "imports: `use base::legacy::*; use base::text::*;`: `text::clean` is renamed `strip` and a `clean` is added to `legacy`, which the glob now finds",
            "base/src/text.rs",
            "pub fn clean(",
            "pub fn strip(",
            &["cleaned"],
        )
        .and(
            "base/src/legacy.rs",
            "pub fn shout",
            "pub fn clean(s: &str) -> String {\n    s.trim().to_uppercase()\n}\n\npub fn shout",
        ),
    ]
}

/// The boundary of the family above: the same retargeted `use`s where the
/// other item is named only by a helper the function calls, or not at all.
fn boundary() -> Vec<Case> {
    vec![
        case(
            "use_retargeted_other_named_by_a_helper",
            "boundary: `use metric::scale;` becomes `use imperial::scale;`; both are named by path only in a private helper the marked function calls",
            "app/src/boundary.rs",
            "    use crate::units::metric::scale;",
            "    use crate::units::imperial::scale;",
            &["scale_with_helper"],
        ),
        case(
            "trait_import_retargeted_for_a_method_call_alone",
            "boundary: `use crate::voices::loud::Speak;` becomes `soft::Speak`; `Dog.speak()` is the only mention",
            "app/src/boundary.rs",
            "use crate::voices::loud::Speak;",
            "use crate::voices::soft::Speak;",
            &["dog_says_plain"],
        ),
    ]
}

/// Visibility deciding what a glob imports.
fn visibility() -> Vec<Case> {
    vec![
        case(
            "reexport_visibility_swapped_between_globs",
            "visibility: `use a::*; use b::*;` where `a` has `pub use metric::scale as pick` and `b` a private `use imperial::scale as pick`; the `pub` moves from a's import to b's",
            "app/src/visibility.rs",
            "    pub use crate::units::metric::scale as pick;",
            "    #[allow(unused_imports)]\n    use crate::units::metric::scale as pick;",
            &["glob_visible_pick"],
        )
        .and(
            "app/src/visibility.rs",
            "    use crate::units::imperial::scale as pick;",
            "    pub use crate::units::imperial::scale as pick;",
        ),
        case(
            "fn_visibility_swapped_between_globs",
            "visibility: `use c::*; use d::*;` where `c::tally` is `pub` and `d::tally` private; the `pub` moves",
            "app/src/visibility.rs",
            "pub fn tally() -> u32 {\n        3",
            "#[allow(dead_code)]\n    fn tally() -> u32 {\n        3",
            &["glob_visible_fn"],
        )
        .and(
            "app/src/visibility.rs",
            "fn tally() -> u32 {\n        4",
            "pub fn tally() -> u32 {\n        4",
        ),
    ]
}

/// Inherent methods against trait methods of one name.
fn methods() -> Vec<Case> {
    vec![
        case(
            "private_inherent_method_made_public",
            "methods: `Gauge.read()` from another module runs `Reading::read` while the inherent `read` is private; made `pub`, the inherent one runs",
            "app/src/methods.rs",
            "        fn read(&self) -> u32 {\n            1",
            "        pub fn read(&self) -> u32 {\n            1",
            &["panel_read"],
        ),
        case(
            "trait_impl_for_a_reference_moved_to_the_type",
            "methods: `impl Bark for &Cat` (`fn bark(self)`) becomes `impl Bark for Cat`: `Cat.bark()` now finds the trait's by-value method before the inherent `&self` one",
            "app/src/methods.rs",
            "impl Bark for &Cat",
            "impl Bark for Cat",
            &["cat_barks"],
        ),
    ]
}

/// Edits inside code the marked functions reach.
fn refactors() -> Vec<Case> {
    vec![
        case(
            "match_arms_reordered",
            "refactors: two overlapping range arms swap places",
            "app/src/refactors.rs",
            "        0..=9 => \"small\",\n        0..=99 => \"medium\",",
            "        0..=99 => \"medium\",\n        0..=9 => \"small\",",
            &["classified"],
        ),
        case(
            "if_let_chain_reordered",
            "refactors: `if let Some(x) = a .. else if let Some(y) = b` tests `b` first",
            "app/src/refactors.rs",
            "    if let Some(x) = a {\n        x\n    } else if let Some(y) = b {\n        y\n",
            "    if let Some(y) = b {\n        y\n    } else if let Some(x) = a {\n        x\n",
            &["first_found"],
        ),
        case(
            "where_clause_bound_changed",
            "refactors: `where T: Named` becomes `where T: Tagged`: `T::CODE` is the other trait's constant",
            "app/src/refactors.rs",
            "    T: Named,",
            "    T: Tagged,",
            &["item_code"],
        ),
        case(
            "closure_turned_into_a_fn_item",
            "refactors: `let step = |x: u32| x + 1;` becomes a nested `fn step`",
            "app/src/refactors.rs",
            "let step = |x: u32| x + 1;",
            "fn step(x: u32) -> u32 {\n        x * 2\n    }",
            &["stepped"],
        ),
        case(
            "default_impl_fields_swapped",
            "refactors: the struct literal of `impl Default for Limits` (in a submodule) swaps two values; read through `..Default::default()`",
            "app/src/refactors.rs",
            "Limits { low: 1, high: 9, step: 2 }",
            "Limits { low: 2, high: 9, step: 1 }",
            &["custom_limits"],
        ),
        case(
            "const_fn_in_an_array_length",
            "refactors: `const SLOTS: usize = slots(4);` in `[0u8; SLOTS]`; the `const fn` edited",
            "app/src/refactors.rs",
            "    n * 2\n",
            "    n * 3\n",
            &["slot_count"],
        ),
        case(
            "fn_pointer_table_reordered",
            "refactors: `const OPS: [fn(u32) -> u32; 2] = [double, triple];` reordered",
            "app/src/refactors.rs",
            "[double, triple]",
            "[triple, double]",
            &["first_op"],
        ),
        case(
            "turbofish_type_widened",
            "refactors: base's `parse_num::<u8>(\"300\")` becomes `parse_num::<u16>`",
            "base/src/digits.rs",
            "parse_num::<u8>(\"300\")",
            "parse_num::<u16>(\"300\")",
            &["widest_parse"],
        ),
        case(
            "cast_target_widened",
            "refactors: base's `(x as u8) as u32` becomes `(x as u16) as u32`",
            "base/src/digits.rs",
            "(x as u8) as u32",
            "(x as u16) as u32",
            &["low_byte_of"],
        ),
        case(
            "derived_ord_replaced_by_a_manual_impl",
            "refactors: `#[derive(.., PartialOrd, Ord)] struct Rank` gets manual impls ordering in reverse; `.max()` in app",
            "base/src/rank.rs",
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]\npub struct Rank(pub u32);",
            "#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct Rank(pub u32);\n\nimpl PartialOrd for Rank {\n    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {\n        Some(self.cmp(o))\n    }\n}\n\nimpl Ord for Rank {\n    fn cmp(&self, o: &Self) -> std::cmp::Ordering {\n        o.0.cmp(&self.0)\n    }\n}",
            &["best_rank"],
        ),
        case(
            "module_file_chosen_by_a_path_attribute",
            "refactors: base's `pub mod table;` gets `#[path = \"table_v2.rs\"]` (the module's file moves)",
            "base/src/lib.rs",
            "pub mod table;",
            "#[path = \"table_v2.rs\"]\npub mod table;",
            &["table_rows"],
        ),
        case(
            "type_alias_target_changed",
            "refactors: base's `pub type Word = u16;` becomes `u8`; `Word::MAX`",
            "base/src/rank.rs",
            "pub type Word = u16;",
            "pub type Word = u8;",
            &["word_max"],
        ),
        case(
            "enum_discriminant_changed",
            "refactors: base's `Medium = 5` becomes `Medium = 6`; `Level::Medium as u32`",
            "base/src/rank.rs",
            "Medium = 5,",
            "Medium = 6,",
            &["medium_level"],
        ),
        case(
            "reexported_const_of_a_dependency",
            "refactors: base's `pub const RETRIES: u32 = 3;`, read as `base::RETRIES` through `pub use crate::config::RETRIES`",
            "base/src/config.rs",
            "pub const RETRIES: u32 = 3;",
            "pub const RETRIES: u32 = 4;",
            &["retries"],
        ),
    ]
}

case_tests!(
    use_retargeted_to_a_same_named_fn,
    use_retargeted_to_a_same_named_type,
    renaming_imports_swapped,
    explicit_import_over_a_glob_removed,
    glob_import_retargeted,
    local_fn_added_over_a_glob,
    parent_import_inherited_by_a_glob,
    super_import_changed_to_a_crate_path,
    trait_import_retargeted,
    enum_variant_glob_retargeted,
    macro_import_retargeted,
    crate_root_reexport_retargeted,
    import_retargeted_to_a_dependency,
    function_renamed_and_a_same_named_one_added,
    use_retargeted_other_named_by_a_helper,
    trait_import_retargeted_for_a_method_call_alone,
    reexport_visibility_swapped_between_globs,
    fn_visibility_swapped_between_globs,
    private_inherent_method_made_public,
    trait_impl_for_a_reference_moved_to_the_type,
    match_arms_reordered,
    if_let_chain_reordered,
    where_clause_bound_changed,
    closure_turned_into_a_fn_item,
    default_impl_fields_swapped,
    const_fn_in_an_array_length,
    fn_pointer_table_reordered,
    turbofish_type_widened,
    cast_target_widened,
    derived_ord_replaced_by_a_manual_impl,
    module_file_chosen_by_a_path_attribute,
    type_alias_target_changed,
    enum_discriminant_changed,
    reexported_const_of_a_dependency,
);
