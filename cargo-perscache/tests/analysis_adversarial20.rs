//! Round 20 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 19: `analysis_adversarial.rs` to
//! `analysis_adversarial19.rs`). Constructs: behaviour that flows through
//! traits, generics and dispatch, and edits that add or remove items. Types
//! of app no code names, fixed by the only impl app writes of a base trait
//! for a primitive (`impl base::Decode<Celsius> for u32`, then
//! `21u32.decode()`), and what runs on their values (an inherent method,
//! `Display`, a trait of app's, `Neg`, `+=`, `<`, `Drop`), and an impl
//! added for `i32` that moves an untyped literal's fallback; generic marked
//! functions whose downstream type's `Drop` runs though no bound names it
//! (dropping an argument, `needs_drop`, the field order of a drop, a
//! field's `Drop`), beside bounds that do reach it (a workspace trait,
//! `Clone`), and bounds whose downstream impls run (a default method
//! overridden or not, `PartialEq` under `PartialOrd`, `Default`); code a
//! caller passes through a workspace trait that every closure, iterator or
//! future implements (`impl<F: Fn(u32) -> u32> Stage for F`, `impl<I:
//! Iterator<Item = u32>> Feed for I`, `impl<F: Future<Output = u32>> Task
//! for F`), by a generic bound or `&dyn`, in app or in down; trait objects
//! in base running app's impls, default methods, an override removed, a
//! supertrait's default, a blanket impl over `Display`, impls for `Vec<T>`,
//! `[T; N]` and `[T]`, UFCS, an associated type through a generic helper,
//! a visitor's defaults; additions that change what a call runs (a default
//! method in a trait found at an earlier auto-deref step, impls for
//! `Vec<T>` and `&T` found before the slice and the referent, an `i32` impl
//! moving the fallback in base, a private inherent method made `pub`, an
//! inherent method beside a trait method, a local function removed so a
//! glob import serves, an explicit re-export over a glob re-export, a
//! `trait Default` added to a glob-imported prelude); standard traits std's
//! code calls (`to_vec`/`cloned`, `unwrap_or_default`, the payload of a
//! caught panic, `Error::source`, `max_by`, app's `Sum`/`FromIterator`/
//! `Extend` of base's items, `fold` and `size_hint` overrides under `sum`
//! and `len`, `ToOwned` through `Cow`, `IntoIterator for &mut`); futures
//! polled by app's own `block_on` (a hand-written `poll`, an `async fn` in
//! a trait, `IntoFuture`); boxed closures.
//!
//! Twenty-one cases, three families, were stale on the binary of round 19
//! (they fail on it); the other forty-nine held and stay as guards:
//! - a type no reached code names, fixed by inference from the only impl
//!   of a trait of another crate that the type's own crate writes for a
//!   type from outside the workspace (`impl base::Decode<Celsius> for u32`
//!   in app): the impl (its self type is a primitive, so it joins through
//!   its trait, but only for impls in the trait's crate's cone) and every
//!   impl and inherent method of `Celsius` (`degrees`, `Display`, app's
//!   `Pretty`, `Neg`, `AddAssign`, `PartialOrd`, `Drop`) are out of the
//!   closure, and so is an `impl Decode<Celsius> for i32` added beside it;
//! - a generic marked function bound only by `Serialize` (whose derives
//!   count only when it serializes or measures values) drops a value of a
//!   downstream type: that type's `Drop`, the `Drop` of its fields' types
//!   and the order of its fields, and whether it has a `Drop` at all
//!   (`std::mem::needs_drop::<T>()`), count nowhere;
//! - a marked function generic over code through a workspace trait that a
//!   blanket impl gives every closure, iterator or future (`S: Stage`,
//!   `&dyn Stage`, `F: Feed`, `T: Task`, `#[persist(ignore = [..])]`): the
//!   closure, function item, iterator adapter or async block is written at
//!   the caller (in app or in down), which the rule for `F: Fn`,
//!   `I: Iterator` and `impl Future` reaches, but not for such a trait.
//!
//! The rules that fixed them (analysis v9): a reached trait's impls for
//! types from outside the workspace count in every crate whose code may
//! run with the function (the walk's rule; it was the trait's crate's cone
//! only); a workspace trait with a generic impl bound by `Fn`, `Iterator`,
//! `Future` (or such a supertrait) is code a caller passes, as those are;
//! and the types deriving `Serialize` a generic bound may be given count
//! once a crate that may run with the function implements `Drop`.
//!
//! The fixture (`tests/fixtures/adversarial20/ws`): `base` (no dependency:
//! the traits, and what app reaches in another crate, one module per
//! construct), `app` (depends on base and serde: the marked functions, one
//! module per family, and app's impls of base's traits) and `down`
//! (depends on app, base and serde: the types handed to app's generic
//! marked functions, the pieces of a board, and callers passing code). A
//! case is one edit and the functions whose **result** it changes
//! (`must`), judged through the real binary (`cargo perscache list
//! --json`): every `must` function must get a new code hash, or a cached
//! result is served stale. Each case is a test of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial20/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial20 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

const SUITE: Suite = Suite {
    fixture: "adversarial20",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

const FUNCTIONS: &[(&str, &str)] = &[
    ("decoded_degrees", "app::inferred::decoded_degrees"),
    ("decoded_text", "app::inferred::decoded_text"),
    ("decoded_pretty", "app::inferred::decoded_pretty"),
    ("decoded_by_fallback", "app::inferred::decoded_by_fallback"),
    ("decoded_and_dropped", "app::inferred::decoded_and_dropped"),
    ("decoded_negated", "app::inferred::decoded_negated"),
    ("decoded_bumped", "app::inferred::decoded_bumped"),
    ("decoded_ordered", "app::inferred::decoded_ordered"),
    ("release", "app::generic::release"),
    ("release_pooled", "app::generic::release_pooled"),
    ("release_copy", "app::generic::release_copy"),
    ("arena_kind", "app::generic::arena_kind"),
    ("teardown", "app::generic::teardown"),
    ("shape_summary", "app::generic::shape_summary"),
    ("count_like_first", "app::generic::count_like_first"),
    ("or_default", "app::generic::or_default"),
    ("total_sides", "app::generic::Board::total_sides"),
    (
        "dyn_shapes_described",
        "app::dispatch::dyn_shapes_described",
    ),
    ("pets_greeted", "app::dispatch::pets_greeted"),
    ("medal_badge", "app::dispatch::medal_badge"),
    ("vec_weight", "app::dispatch::vec_weight"),
    ("array_weight", "app::dispatch::array_weight"),
    ("ref_ref_weight", "app::dispatch::ref_ref_weight"),
    ("ufcs_heavy", "app::dispatch::ufcs_heavy"),
    ("vault_key_weight", "app::dispatch::vault_key_weight"),
    ("tree_visited", "app::dispatch::tree_visited"),
    ("outer_described", "app::added::outer_described"),
    ("parcels_tally", "app::added::parcels_tally"),
    ("scaled_literal", "app::added::scaled_literal"),
    ("gadget_label", "app::added::gadget_label"),
    ("gauge_label", "app::added::gauge_label"),
    ("glob_scaled", "app::globbed::glob_scaled"),
    ("api_rate", "app::globbed::api_rate"),
    ("prelude_default", "app::shadow_default::prelude_default"),
    ("tiles_to_vec", "app::std_traits::tiles_to_vec"),
    ("tiles_cloned", "app::std_traits::tiles_cloned"),
    ("config_or_default", "app::std_traits::config_or_default"),
    ("panic_payload", "app::std_traits::panic_payload"),
    ("error_chain", "app::std_traits::error_chain"),
    ("best_score", "app::std_traits::best_score"),
    ("items_total", "app::std_traits::items_total"),
    ("basket_collected", "app::std_traits::basket_collected"),
    ("steps_sum", "app::std_traits::steps_sum"),
    ("steps_len", "app::std_traits::steps_len"),
    ("cow_owned", "app::std_traits::cow_owned"),
    ("bag_bumped", "app::std_traits::bag_bumped"),
    ("ticks_polled", "app::asyncs::ticks_polled"),
    ("feed_fetched", "app::asyncs::feed_fetched"),
    ("job_awaited", "app::asyncs::job_awaited"),
    ("run_stage", "app::stages::run_stage"),
    ("run_dyn_stage", "app::stages::run_dyn_stage"),
    ("drain", "app::stages::drain"),
    ("run_task", "app::stages::run_task"),
    ("pipeline_run", "app::closures::pipeline_run"),
    ("hooks_run", "app::closures::hooks_run"),
];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(inferred());
    v.extend(generic());
    v.extend(dispatch());
    v.extend(added());
    v.extend(std_traits());
    v.extend(futures());
    v.extend(code());
    v.extend(closures());
    v
}

/// Types of app no code names (the only impl of a base trait for a primitive
/// fixes them), whose impls live in app.
fn inferred() -> Vec<Case> {
    vec![
        case(
            "impl_of_a_dependency_trait_for_a_primitive_picked_by_inference",
            "inferred: `21u32.decode()` runs app's `impl base::Decode<Celsius> for u32`, the only `Decode<_>` impl of `u32`; no code names `Celsius`",
            "app/src/inferred.rs",
            "Celsius(self * 2)",
            "Celsius(self * 3)",
            &["decoded_degrees", "decoded_text", "decoded_pretty", "decoded_by_fallback", "decoded_and_dropped", "decoded_negated", "decoded_bumped"],
        ),
        case(
            "inherent_method_of_a_type_only_inference_names_across_crates",
            "inferred: `c.degrees()` on `let c = 21u32.decode();` runs app's `impl Celsius { fn degrees }`",
            "app/src/inferred.rs",
            "self.0 + 1",
            "self.0 + 2",
            &["decoded_degrees"],
        ),
        case(
            "display_of_a_type_only_inference_names_across_crates",
            "inferred: `format!(\"{}\", 4u32.decode())` runs app's `impl Display for Celsius`",
            "app/src/inferred.rs",
            "\"{}C\"",
            "\"{} C\"",
            &["decoded_text", "decoded_by_fallback"],
        ),
        case(
            "own_trait_method_of_a_type_only_inference_names",
            "inferred: `6u32.decode().pretty()` runs app's `impl Pretty for Celsius` (app's trait, in scope)",
            "app/src/inferred.rs",
            "\"~{}~\"",
            "\"~{}~!\"",
            &["decoded_pretty"],
        ),
        case(
            "drop_of_a_type_only_inference_names",
            "inferred: the `Celsius` of `5u32.decode()` is dropped at the end of its block; app's `impl Drop for Celsius` gives back to base's pool",
            "app/src/inferred.rs",
            "give_back(self.0 % 7)",
            "give_back(self.0 % 6)",
            &["decoded_and_dropped"],
        ),
        case(
            "negation_of_a_type_only_inference_names",
            "inferred: `-21u32.decode()` runs app's `impl Neg for Celsius`",
            "app/src/inferred.rs",
            "- 273",
            "- 274",
            &["decoded_negated"],
        ),
        case(
            "compound_assignment_of_a_type_only_inference_names",
            "inferred: `c += 3` on `let mut c = 10u32.decode();` runs app's `impl AddAssign<u32> for Celsius`",
            "app/src/inferred.rs",
            "self.0 += d * 2",
            "self.0 += d * 3",
            &["decoded_bumped"],
        ),
        case(
            "comparison_of_a_type_only_inference_names",
            "inferred: `30u32.decode() < 8u32.decode()` runs app's `impl PartialOrd for Celsius`",
            "app/src/inferred.rs",
            "self.0.partial_cmp(&o.0)",
            "o.0.partial_cmp(&self.0)",
            &["decoded_ordered"],
        ),
        case(
            "impl_added_for_i32_changes_the_integer_fallback",
            "inferred: `base::decode::decode_from(21)`: the literal is a `u32` while app's `impl Decode<Celsius> for u32` is the only impl for an integer; app adds one for `i32`, and the literal falls back to `i32`",
            "app/src/inferred.rs",
            "impl Decode<Celsius> for u32 {",
            "impl Decode<Celsius> for i32 {\n    fn decode(self) -> Celsius {\n        Celsius(self as u32 * 5)\n    }\n}\n\nimpl Decode<Celsius> for u32 {",
            &["decoded_by_fallback"],
        ),
    ]
}

/// Generic marked functions down instantiates: code of its types that no
/// bound names (`Drop`), and code the bounds reach.
fn generic() -> Vec<Case> {
    vec![
        case(
            "drop_impl_of_a_downstream_type_in_a_generic_marked_fn",
            "generic: `release<T: Serialize>(items: Vec<T>)` drops the items; down's `impl Drop for Conn` gives back to base's pool",
            "down/src/lib.rs",
            "base::pool::give_back(self.0);",
            "base::pool::give_back(self.0 + 1);",
            &["release"],
        ),
        case(
            "drop_impl_added_to_a_downstream_type_turns_needs_drop",
            "generic: `arena_kind<T: Serialize>` branches on `std::mem::needs_drop::<T>()`; down adds `impl Drop for Token`",
            "down/src/lib.rs",
            "pub struct Token(pub u32);",
            "pub struct Token(pub u32);\n\nimpl Drop for Token {\n    fn drop(&mut self) {}\n}",
            &["arena_kind"],
        ),
        case(
            "field_order_of_a_downstream_type_decides_drop_order",
            "generic: `teardown<T: Serialize>(x: T)` drops `x`; down's `Session` swaps its two `#[serde(skip)]` fields, whose `Drop` log their names, so they drop in the other order",
            "down/src/lib.rs",
            "    #[serde(skip)]\n    pub head: Part,\n    #[serde(skip)]\n    pub tail: Part,",
            "    #[serde(skip)]\n    pub tail: Part,\n    #[serde(skip)]\n    pub head: Part,",
            &["teardown"],
        ),
        case(
            "drop_impl_of_a_field_type_of_a_downstream_type",
            "generic: the same `teardown`; down's `impl Drop for Part` (a field's type) logs differently",
            "down/src/lib.rs",
            "base::pool::note(self.0);",
            "base::pool::note(&self.0.to_uppercase());",
            &["teardown"],
        ),
        case(
            "drop_impl_of_a_downstream_type_with_a_workspace_bound",
            "generic: `release_pooled<T: Poolable + Serialize>`; down's `impl Poolable for Slot` brings `Slot`, whose `Drop` changes",
            "down/src/lib.rs",
            "give_back(self.0 * 2)",
            "give_back(self.0 * 3)",
            &["release_pooled"],
        ),
        case(
            "drop_impl_of_a_downstream_type_with_a_clone_bound",
            "generic: `release_copy<T: Clone + Serialize>` drops a clone; down's derived `Clone` brings `Lease`, whose `Drop` changes",
            "down/src/lib.rs",
            "give_back(self.0 * 10)",
            "give_back(self.0 * 11)",
            &["release_copy"],
        ),
        case(
            "default_method_override_added_downstream",
            "generic: `shape_summary<S: Shape + Serialize>` calls `describe`; down's `impl Shape for Hex` adds an override of the default",
            "down/src/lib.rs",
            "    fn sides(&self) -> u32 {\n        6\n    }\n",
            "    fn sides(&self) -> u32 {\n        6\n    }\n    fn describe(&self) -> String {\n        \"hexagon\".to_owned()\n    }\n",
            &["shape_summary"],
        ),
        case(
            "required_method_of_a_downstream_impl_under_a_default_method",
            "generic: the default `describe` calls `sides`, down's `Hex` returns 7",
            "down/src/lib.rs",
            "    fn sides(&self) -> u32 {\n        6",
            "    fn sides(&self) -> u32 {\n        7",
            &["shape_summary"],
        ),
        case(
            "partial_eq_supertrait_of_a_partial_ord_bound",
            "generic: `count_like_first<T: PartialOrd + Serialize>` compares with `==` (`PartialOrd: PartialEq`); down's hand-written `PartialEq for Grade` changes",
            "down/src/lib.rs",
            "self.0 / 10 == o.0 / 10",
            "self.0 == o.0",
            &["count_like_first"],
        ),
        case(
            "default_of_a_downstream_type_through_unwrap_or_default",
            "generic: `or_default<T: Default + Debug + Serialize>(None)` runs down's `impl Default for Quota`",
            "down/src/lib.rs",
            "Quota(5)\n",
            "Quota(6)\n",
            &["or_default"],
        ),
        case(
            "trait_object_built_downstream_in_a_skipped_field",
            "generic: `Board::total_sides` sums `Box<dyn Shape>` pieces down builds (`#[serde(skip)]`); down's `Oct` returns 9",
            "down/src/lib.rs",
            "        8\n",
            "        9\n",
            &["total_sides"],
        ),
    ]
}

/// Trait objects, default methods, blanket and generic impls.
fn dispatch() -> Vec<Case> {
    vec![
        case(
            "dyn_call_in_the_dependency_runs_an_impl_of_the_dependent",
            "dispatch: base's `describe_all(&[&dyn Shape])` runs app's `impl Shape for Tri` through the default `describe`",
            "app/src/dispatch.rs",
            "    fn sides(&self) -> u32 {\n        3",
            "    fn sides(&self) -> u32 {\n        5",
            &["dyn_shapes_described", "total_sides"],
        ),
        case(
            "default_method_of_the_dependency_run_through_dyn",
            "dispatch: base's default `Shape::describe` (`\"{}-gon\"`) runs for app's `Tri` through `&dyn Shape`",
            "base/src/shapes.rs",
            "\"{}-gon\"",
            "\"{}-sided\"",
            &["dyn_shapes_described", "shape_summary"],
        ),
        case(
            "override_removed_so_the_default_runs",
            "dispatch: app removes `Sq`'s override of `describe`; base's default runs through `&dyn Shape`",
            "app/src/dispatch.rs",
            "    fn describe(&self) -> String {\n        \"square\".to_owned()\n    }\n",
            "",
            &["dyn_shapes_described"],
        ),
        case(
            "supertrait_default_method_through_a_boxed_subtrait_object",
            "dispatch: base's `greet_all(&[Box<dyn Pet>])` calls `greet`, a default of the supertrait `Named`",
            "base/src/shapes.rs",
            "\"hello {}\"",
            "\"hi {}\"",
            &["pets_greeted"],
        ),
        case(
            "subtrait_default_override_added",
            "dispatch: app's empty `impl Pet for Dog {}` gets an override of the default `legs`",
            "app/src/dispatch.rs",
            "impl Pet for Dog {}",
            "impl Pet for Dog {\n    fn legs(&self) -> u32 {\n        3\n    }\n}",
            &["pets_greeted"],
        ),
        case(
            "display_of_the_dependent_under_a_blanket_impl_of_the_dependency",
            "dispatch: `Medal(1).badge()` runs base's `impl<T: Display> Badge for T`, which runs app's `impl Display for Medal`",
            "app/src/dispatch.rs",
            "\"medal {}\"",
            "\"gold {}\"",
            &["medal_badge"],
        ),
        case(
            "blanket_impl_body_of_the_dependency",
            "dispatch: base's blanket `badge` body changes",
            "base/src/badge.rs",
            "\"[{}]\"",
            "\"<{}>\"",
            &["medal_badge"],
        ),
        case(
            "inherent_method_added_beside_a_blanket_trait_method",
            "dispatch: app adds `impl Medal { fn badge }`, which the call `Medal(1).badge()` now runs",
            "app/src/dispatch.rs",
            "#[persist]\npub fn medal_badge",
            "impl Medal {\n    pub fn badge(&self) -> String {\n        format!(\"#{}\", self.0)\n    }\n}\n\n#[persist]\npub fn medal_badge",
            &["medal_badge"],
        ),
        case(
            "generic_impl_for_vec_of_the_dependency",
            "dispatch: `vec![2u32, 3].weight()` runs base's `impl<T: Weigh> Weigh for Vec<T>`",
            "base/src/weigh.rs",
            "sum::<u32>() + 1",
            "sum::<u32>() + 2",
            &["vec_weight"],
        ),
        case(
            "const_generic_array_impl_of_the_dependency",
            "dispatch: `[1u32, 2, 3].weight()` runs base's `impl<T: Weigh, const N: usize> Weigh for [T; N]`",
            "base/src/weigh.rs",
            "sum::<u32>() + N as u32",
            "sum::<u32>() + 2 * N as u32",
            &["array_weight"],
        ),
        case(
            "primitive_impl_under_vec_array_and_slice_impls",
            "dispatch: base's `impl Weigh for u32`, run by the `Vec`, array and slice impls, through `Weigh::weight` paths, and by auto-deref from `&&u32`",
            "base/src/weigh.rs",
            "*self * 2",
            "*self * 3",
            &["vec_weight", "array_weight", "parcels_tally", "ref_ref_weight"],
        ),
        case(
            "default_method_through_ufcs_on_a_primitive",
            "dispatch: `<u32 as Weigh>::heavy(&6)`, base's default `heavy`",
            "base/src/weigh.rs",
            "self.weight() > 10",
            "self.weight() > 12",
            &["ufcs_heavy"],
        ),
        case(
            "associated_type_of_the_dependents_impl_through_a_generic_helper",
            "dispatch: `s.key().weight()` in a helper generic over `S: Store`; app's `impl Store for Vault { type Key = Pin; }` and `impl Weigh for Pin`",
            "app/src/dispatch.rs",
            "self.0 * 7",
            "self.0 * 8",
            &["vault_key_weight"],
        ),
        case(
            "visitor_override_called_by_a_default_method_of_the_dependency",
            "dispatch: base's `Tree::accept` calls the default `visit_leaf`, which calls app's `visit_value`",
            "app/src/dispatch.rs",
            "self.0.push(v + 1)",
            "self.0.push(v + 2)",
            &["tree_visited"],
        ),
        case(
            "visitor_default_overridden_by_the_dependent",
            "dispatch: app's `Collect` adds an override of `visit_leaf`",
            "app/src/dispatch.rs",
            "    fn visit_value(&mut self, v: u32) {",
            "    fn visit_leaf(&mut self, v: u32) {\n        self.0.push(v);\n    }\n    fn visit_value(&mut self, v: u32) {",
            &["tree_visited"],
        ),
    ]
}

/// Edits that add or remove an item and so change what a call runs.
fn added() -> Vec<Case> {
    vec![
        case(
            "default_method_added_to_a_trait_found_at_an_earlier_autoderef_step",
            "added: `o.describe()` on base's `Outer` (which derefs to `Inner`) runs app's `impl Describe for Inner`; base adds a default `describe` to `Kind`, implemented for `Outer` and in scope, found first",
            "base/src/wrap.rs",
            "    fn kind_id(&self) -> u32;\n",
            "    fn kind_id(&self) -> u32;\n    fn describe(&self) -> String {\n        format!(\"kind {}\", self.kind_id())\n    }\n",
            &["outer_described"],
        ),
        case(
            "impl_added_for_references_found_before_the_referent",
            "added: `(&&4u32).weight()` reaches base's `impl Weigh for u32` by auto-deref; base adds `impl<T: Weigh + ?Sized> Weigh for &T`, found first",
            "base/src/weigh.rs",
            "impl<T: Weigh> Weigh for Vec<T> {",
            "impl<T: Weigh + ?Sized> Weigh for &T {\n    fn weight(&self) -> u32 {\n        (**self).weight() + 1\n    }\n}\n\nimpl<T: Weigh> Weigh for Vec<T> {",
            &["ref_ref_weight"],
        ),
        case(
            "explicit_reexport_added_over_a_glob_reexport",
            "added: `base::helpers::api::rate()`, v1's through `pub use super::v1::*`; base adds `pub use super::v2::rate;` to `api`, which beats the glob",
            "base/src/helpers.rs",
            "    pub use super::v1::*;",
            "    pub use super::v1::*;\n    pub use super::v2::rate;",
            &["api_rate"],
        ),
        case(
            "impl_added_for_vec_beats_the_slice_impl",
            "added: `base::tally::parcels().tally()` runs `impl<T: Weigh> Tally for [T]` through auto-deref; base adds `impl<T: Weigh> Tally for Vec<T>`, found first",
            "base/src/tally.rs",
            "/// Parcels to tally.",
            "impl<T: Weigh> Tally for Vec<T> {\n    fn tally(&self) -> u32 {\n        self.len() as u32\n    }\n}\n\n/// Parcels to tally.",
            &["parcels_tally"],
        ),
        case(
            "impl_added_for_i32_changes_the_integer_fallback_in_the_dependency",
            "added: `base::scale::scaled(7)` takes `u8` from base's only `Scale` impl; base adds `impl Scale for i32`, and the literal falls back to `i32`",
            "base/src/scale.rs",
            "/// Scales a value.",
            "impl Scale for i32 {\n    fn scale(self) -> u32 {\n        self as u32 * 100\n    }\n}\n\n/// Scales a value.",
            &["scaled_literal"],
        ),
        case(
            "private_inherent_method_made_public_shadows_the_trait_method",
            "added: `base::gadget::Gadget.label()` from app skips base's private inherent `label` for `Labelled::label`; the inherent one becomes `pub`",
            "base/src/gadget.rs",
            "    fn label(&self) -> u32 {\n        1",
            "    pub fn label(&self) -> u32 {\n        1",
            &["gadget_label"],
        ),
        case(
            "inherent_method_added_to_an_existing_impl_shadows_a_dependency_trait",
            "added: app's `impl Gauge { fn reset }` gets a `label`, which `Gauge(3).label()` now runs instead of `Labelled::label`",
            "app/src/added.rs",
            "    pub fn reset(&mut self) {",
            "    pub fn label(&self) -> u32 {\n        self.0\n    }\n    pub fn reset(&mut self) {",
            &["gauge_label"],
        ),
        case(
            "local_function_removed_so_the_glob_import_serves",
            "added: app removes its local `fn scale`; `scale(4)` is `base::helpers::scale` through `use base::helpers::*`",
            "app/src/globbed.rs",
            "fn scale(x: u32) -> u32 {\n    x * 2\n}\n",
            "",
            &["glob_scaled"],
        ),
        case(
            "trait_added_to_a_glob_imported_module_shadows_the_prelude_default",
            "added: base's prelude (imported by glob) gets a `trait Default` with `impl Default for u32`; `Default::default()` in app is now base's",
            "base/src/prelude.rs",
            "pub use crate::helpers::triple;",
            "pub use crate::helpers::triple;\n\npub trait Default {\n    fn default() -> Self;\n}\n\nimpl Default for u32 {\n    fn default() -> u32 {\n        7\n    }\n}",
            &["prelude_default"],
        ),
    ]
}

/// Standard traits std's own code calls.
fn std_traits() -> Vec<Case> {
    vec![
        case(
            "clone_through_to_vec_and_cloned",
            "std traits: `to_vec()` and `.iter().cloned()` run base's hand-written `impl Clone for Tile`",
            "base/src/tile.rs",
            "self.copies + 1",
            "self.copies + 2",
            &["tiles_to_vec", "tiles_cloned"],
        ),
        case(
            "default_through_unwrap_or_default",
            "std traits: `given().unwrap_or_default()` runs base's `impl Default for Config`",
            "base/src/config.rs",
            "Config { level: 3 }",
            "Config { level: 4 }",
            &["config_or_default"],
        ),
        case(
            "display_in_a_caught_panic_payload",
            "std traits: `panic!(\"bad {}\", Code(7))` under `catch_unwind`; the payload is the text of base's `impl Display for Code`",
            "base/src/code.rs",
            "\"E{:03}\"",
            "\"E{:04}\"",
            &["panic_payload"],
        ),
        case(
            "display_of_an_error_source",
            "std traits: walking `Error::source` from base's `Save` reaches `Root`, whose `Display` changes",
            "base/src/errors.rs",
            "\"disk full\"",
            "\"no space\"",
            &["error_chain"],
        ),
        case(
            "error_source_removed",
            "std traits: base's `impl Error for Save` drops its `source` override; the chain ends early",
            "base/src/errors.rs",
            "impl Error for Save {\n    fn source(&self) -> Option<&(dyn Error + 'static)> {\n        Some(&self.root)\n    }\n}",
            "impl Error for Save {}",
            &["error_chain"],
        ),
        case(
            "partial_ord_through_max_by",
            "std traits: `max_by(|a, b| a.partial_cmp(b).unwrap())` of base's `Score`, whose `PartialOrd` is reversed",
            "base/src/ord.rs",
            "o.0.partial_cmp(&self.0)",
            "self.0.partial_cmp(&o.0)",
            &["best_score"],
        ),
        case(
            "local_sum_of_dependency_items",
            "std traits: `.iter().sum::<Total>()` of base's items runs app's `impl Sum<&Item> for Total`",
            "app/src/std_traits.rs",
            "i.0 * 2",
            "i.0 * 3",
            &["items_total"],
        ),
        case(
            "local_from_iterator_of_dependency_items",
            "std traits: `.collect()` into app's `Basket` runs app's `impl FromIterator<Item> for Basket`",
            "app/src/std_traits.rs",
            "i.0 + 100",
            "i.0 + 200",
            &["basket_collected"],
        ),
        case(
            "local_extend_impl",
            "std traits: `b.extend([1, 2])` runs app's `impl Extend<u32> for Basket`",
            "app/src/std_traits.rs",
            "self.0.push(x * 3)",
            "self.0.push(x * 4)",
            &["basket_collected"],
        ),
        case(
            "fold_override_called_by_sum",
            "std traits: `Steps(4).sum::<u32>()`: std's `Sum for u32` calls `fold`, which base's `Steps` overrides",
            "base/src/iter.rs",
            "f(acc, x * 10)",
            "f(acc, x * 100)",
            &["steps_sum"],
        ),
        case(
            "size_hint_override_called_by_len",
            "std traits: `Steps(4).len()`: `ExactSizeIterator::len`'s default calls base's `size_hint`",
            "base/src/iter.rs",
            "let n = self.0 as usize;",
            "let n = self.0 as usize + 1;",
            &["steps_len"],
        ),
        case(
            "to_owned_through_cow_into_owned",
            "std traits: `Cow::Borrowed(&n).into_owned()` runs base's `impl ToOwned for Name`",
            "base/src/names.rs",
            "self.text.to_uppercase()",
            "self.text.to_lowercase()",
            &["cow_owned"],
        ),
        case(
            "into_iterator_for_a_mutable_reference",
            "std traits: `for x in &mut bag` runs base's `impl IntoIterator for &mut Bag`",
            "base/src/bag.rs",
            "self.0.iter_mut().skip(1)",
            "self.0.iter_mut().skip(2)",
            &["bag_bumped"],
        ),
    ]
}

/// Futures driven by app's own executor.
fn futures() -> Vec<Case> {
    vec![
        case(
            "hand_written_poll_driven_by_a_local_executor",
            "async: app's `block_on` polls base's `Ticks`, which is ready after `left` pending polls and then gives 7",
            "base/src/fut.rs",
            "Poll::Ready(7)",
            "Poll::Ready(8)",
            &["ticks_polled", "feed_fetched"],
        ),
        case(
            "async_fn_in_a_trait_impl",
            "async: `base::fut::Feed.fetch().await` in app's async block, base's `async fn fetch` of `impl Source for Feed`",
            "base/src/fut.rs",
            "Ticks::new(1).await + 20",
            "Ticks::new(2).await + 20",
            &["feed_fetched"],
        ),
        case(
            "into_future_of_an_awaited_value",
            "async: `base::fut::Job(4).await` runs base's `impl IntoFuture for Job`",
            "base/src/fut.rs",
            "n * 3",
            "n * 4",
            &["job_awaited"],
        ),
    ]
}

/// Code a caller passes through a workspace trait every closure, iterator or
/// future implements.
fn code() -> Vec<Case> {
    vec![
        case(
            "closure_through_a_workspace_trait_bound_at_a_caller_in_the_crate",
            "code: `run_stage<S: Stage>` (`#[persist(ignore = [s])]`); base's `impl<F: Fn(u32) -> u32> Stage for F` makes every closure a `Stage`; app's caller passes `|x| x * 3`",
            "app/src/stages.rs",
            "|x| x * 3",
            "|x| x * 4",
            &["run_stage"],
        ),
        case(
            "closure_through_a_workspace_trait_object_at_a_caller_in_the_crate",
            "code: `run_dyn_stage(s: &dyn Stage)`; app's caller passes `&|x| x + 1`",
            "app/src/stages.rs",
            "|x| x + 1",
            "|x| x + 2",
            &["run_dyn_stage"],
        ),
        case(
            "iterator_through_a_workspace_trait_bound_at_a_caller_in_the_crate",
            "code: `drain<F: Feed>`; base's `impl<I: Iterator<Item = u32>> Feed for I`; app's caller passes `(1..4).map(|x| x * 2)`",
            "app/src/stages.rs",
            "|x| x * 2",
            "|x| x * 3",
            &["drain"],
        ),
        case(
            "closure_through_a_workspace_trait_bound_at_a_downstream_caller",
            "code: down's caller passes `|x| x * 7` to `run_stage`",
            "down/src/lib.rs",
            "|x| x * 7",
            "|x| x * 8",
            &["run_stage"],
        ),
        case(
            "function_item_through_a_workspace_trait_bound_at_a_downstream_caller",
            "code: down's caller passes its private `fn step` to `run_stage`",
            "down/src/lib.rs",
            "x * 2 + 1",
            "x * 2 + 3",
            &["run_stage"],
        ),
        case(
            "closure_through_a_workspace_trait_object_at_a_downstream_caller",
            "code: down's caller passes `&|x| x + 9` to `run_dyn_stage`",
            "down/src/lib.rs",
            "|x| x + 9",
            "|x| x + 8",
            &["run_dyn_stage"],
        ),
        case(
            "iterator_through_a_workspace_trait_bound_at_a_downstream_caller",
            "code: down's caller passes `[4, 5].into_iter().map(|x| x * 5)` to `drain`",
            "down/src/lib.rs",
            "|x| x * 5",
            "|x| x * 6",
            &["drain"],
        ),
        case(
            "async_block_through_a_workspace_trait_bound_at_a_downstream_caller",
            "code: `run_task<T: Task>`; base's `impl<F: Future<Output = u32>> Task for F`; down's caller passes `async { 4 * 5 }`",
            "down/src/lib.rs",
            "async { 4 * 5 }",
            "async { 4 * 6 }",
            &["run_task"],
        ),
    ]
}

/// Closures held in structs.
fn closures() -> Vec<Case> {
    vec![
        case(
            "boxed_closure_of_a_dependency_default_impl",
            "closures: `Hooks::default().run(3)` calls the boxed closure base's `impl Default for Hooks` builds",
            "base/src/hooks.rs",
            "|x| x + 40",
            "|x| x + 41",
            &["hooks_run"],
        ),
        case(
            "function_of_the_dependency_boxed_in_a_struct_of_the_dependent",
            "closures: app's `Pipeline` holds `Box::new(base::helpers::triple)`",
            "base/src/helpers.rs",
            "x * 3",
            "x * 4",
            &["pipeline_run", "glob_scaled", "prelude_default"],
        ),
    ]
}

case_tests!(
    impl_of_a_dependency_trait_for_a_primitive_picked_by_inference,
    inherent_method_of_a_type_only_inference_names_across_crates,
    display_of_a_type_only_inference_names_across_crates,
    own_trait_method_of_a_type_only_inference_names,
    drop_of_a_type_only_inference_names,
    negation_of_a_type_only_inference_names,
    compound_assignment_of_a_type_only_inference_names,
    comparison_of_a_type_only_inference_names,
    impl_added_for_i32_changes_the_integer_fallback,
    drop_impl_of_a_downstream_type_in_a_generic_marked_fn,
    drop_impl_added_to_a_downstream_type_turns_needs_drop,
    field_order_of_a_downstream_type_decides_drop_order,
    drop_impl_of_a_field_type_of_a_downstream_type,
    drop_impl_of_a_downstream_type_with_a_workspace_bound,
    drop_impl_of_a_downstream_type_with_a_clone_bound,
    default_method_override_added_downstream,
    required_method_of_a_downstream_impl_under_a_default_method,
    partial_eq_supertrait_of_a_partial_ord_bound,
    default_of_a_downstream_type_through_unwrap_or_default,
    trait_object_built_downstream_in_a_skipped_field,
    dyn_call_in_the_dependency_runs_an_impl_of_the_dependent,
    default_method_of_the_dependency_run_through_dyn,
    override_removed_so_the_default_runs,
    supertrait_default_method_through_a_boxed_subtrait_object,
    subtrait_default_override_added,
    display_of_the_dependent_under_a_blanket_impl_of_the_dependency,
    blanket_impl_body_of_the_dependency,
    inherent_method_added_beside_a_blanket_trait_method,
    generic_impl_for_vec_of_the_dependency,
    const_generic_array_impl_of_the_dependency,
    primitive_impl_under_vec_array_and_slice_impls,
    default_method_through_ufcs_on_a_primitive,
    associated_type_of_the_dependents_impl_through_a_generic_helper,
    visitor_override_called_by_a_default_method_of_the_dependency,
    visitor_default_overridden_by_the_dependent,
    default_method_added_to_a_trait_found_at_an_earlier_autoderef_step,
    impl_added_for_references_found_before_the_referent,
    explicit_reexport_added_over_a_glob_reexport,
    impl_added_for_vec_beats_the_slice_impl,
    impl_added_for_i32_changes_the_integer_fallback_in_the_dependency,
    private_inherent_method_made_public_shadows_the_trait_method,
    inherent_method_added_to_an_existing_impl_shadows_a_dependency_trait,
    local_function_removed_so_the_glob_import_serves,
    trait_added_to_a_glob_imported_module_shadows_the_prelude_default,
    clone_through_to_vec_and_cloned,
    default_through_unwrap_or_default,
    display_in_a_caught_panic_payload,
    display_of_an_error_source,
    error_source_removed,
    partial_ord_through_max_by,
    local_sum_of_dependency_items,
    local_from_iterator_of_dependency_items,
    local_extend_impl,
    fold_override_called_by_sum,
    size_hint_override_called_by_len,
    to_owned_through_cow_into_owned,
    into_iterator_for_a_mutable_reference,
    hand_written_poll_driven_by_a_local_executor,
    async_fn_in_a_trait_impl,
    into_future_of_an_awaited_value,
    closure_through_a_workspace_trait_bound_at_a_caller_in_the_crate,
    closure_through_a_workspace_trait_object_at_a_caller_in_the_crate,
    iterator_through_a_workspace_trait_bound_at_a_caller_in_the_crate,
    closure_through_a_workspace_trait_bound_at_a_downstream_caller,
    function_item_through_a_workspace_trait_bound_at_a_downstream_caller,
    closure_through_a_workspace_trait_object_at_a_downstream_caller,
    iterator_through_a_workspace_trait_bound_at_a_downstream_caller,
    async_block_through_a_workspace_trait_bound_at_a_downstream_caller,
    boxed_closure_of_a_dependency_default_impl,
    function_of_the_dependency_boxed_in_a_struct_of_the_dependent,
);
