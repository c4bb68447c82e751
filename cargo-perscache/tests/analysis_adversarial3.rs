//! Round 3 of the code hash judged by code the analysis was not written
//! against, aimed at families rounds 1 and 2 (`analysis_adversarial.rs`,
//! `analysis_adversarial2.rs`) left out: methods a macro of another crate
//! calls on the invoking crate's types, macros defined by macros, traits a
//! macro's expansion imports, impls written on type aliases, inside function
//! bodies and in `include!`d files, default methods reached through `impl
//! Trait`, the output type of an operator, compound assignment, `Index`,
//! `Sum`, `FromStr`, `TryFrom`, `Ord` in a `BTreeMap`, `Default` through
//! struct update syntax and `#[default]`, default type parameters, `#[repr]`,
//! constants in `matches!`, patterns (through a glob re-export of another
//! crate) and discriminants, traits in scope through `use super::*` and
//! `pub use Trait as _`, a block's `use` written after the call it
//! shadows, `super::super::`.
//!
//! The fixture (`tests/fixtures/adversarial3/ws`) has three crates: `base`
//! (traits, operator impls, exported macros, constants), `mid` (depends on
//! base: a type base's macro is invoked on, a glob re-export) and `app`
//! (the marked functions). A case is one edit and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code hash,
//! or a cached result is served stale. Each case is a test of its own.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial3/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial3 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial3",
    members: &["base", "mid", "app"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("cart_total", "app::cart_total"),
    ("basket_total", "app::basket_total"),
    ("cart_sum_via_mid", "app::cart_sum_via_mid"),
    ("crate_total", "app::crate_total"),
    ("weighed", "app::weighed"),
    ("over", "app::over"),
    ("bag_pairs", "app::bag_pairs"),
    ("macro_made_answer", "app::macro_made_answer"),
    ("local_macro_made_page", "app::local_macro_made_page"),
    ("halved_input", "app::halved_input"),
    ("weights_sum", "app::weights_sum"),
    ("sample_scaled", "app::sample_scaled"),
    ("ids_summary", "app::ids_summary"),
    ("small_capacity", "app::small_capacity"),
    ("gauge_level", "app::gauge_level"),
    ("badge_text", "app::badge_text"),
    ("grade_text", "app::grade_text"),
    ("square_text", "app::square_text"),
    ("order_cents", "app::order_cents"),
    ("wallet_sum", "app::wallet_sum"),
    ("tally", "app::tally"),
    ("ledger_first", "app::ledger_first"),
    ("config_retries", "app::config_retries"),
    ("default_seats", "app::default_seats"),
    ("first_task", "app::first_task"),
    ("red_of", "app::red_of"),
    ("percent_or_zero", "app::percent_or_zero"),
    ("qualified_price", "app::qualified_price"),
    ("purse_balance", "app::purse_balance"),
    ("default_policy_price", "app::default_policy_price"),
    ("page_align", "app::page_align"),
    ("is_success", "app::is_success"),
    ("at_limit", "app::at_limit"),
    ("doubled_plus", "app::child::doubled_plus"),
    ("tripled_plus", "app::child::tri::tripled_plus"),
    ("high_code", "app::levels::high_code"),
    ("block_rate", "app::rates::block_rate"),
    ("grand_rate", "app::rates::deep::deeper::grand_rate"),
    ("greeting_text", "app::observed::greeting_text"),
    ("origin", "app::observed::origin"),
    ("asked", "app::observed::asked"),
    ("stamp", "app::observed::stamp"),
    ("shown", "app::observed::shown"),
    ("tier_now", "app::observed::tier_now"),
    ("unit_name", "app::observed::measured::unit_name"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = macros();
    v.extend(impls());
    v.extend(operators());
    v.extend(names());
    v.extend(observed());
    v
}

/// What tokens do not show: docs a macro reads, callers' positions, a
/// format string in a macro's second argument.
fn observed() -> Vec<Case> {
    vec![
        case(
            "doc_comment_read_by_a_macro",
            "tokens: `$(#[doc = $text:literal])*` in a `macro_rules!` makes a doc comment in its input a value",
            "app/src/observed.rs",
            "/// Hello from the docs",
            "/// Goodbye from the docs",
            &["greeting_text"],
        ),
        case(
            "track_caller_reports_where_it_is_called",
            "positions: `Location::caller()` in a `#[track_caller]` fn is the caller's line; a comment above the caller moves it (and `stamp` below)",
            "app/src/observed.rs",
            "#[perscache::persist]\npub fn origin",
            "// Where the value comes from.\n#[perscache::persist]\npub fn origin",
            &["origin", "stamp"],
        ),
        case(
            "macro_body_calls_a_track_caller_fn",
            "positions: `asked_from!()` expands to a call of a `#[track_caller]` fn written above it, which reports the invocation's line; a comment in the invoker moves it (and the observers below)",
            "app/src/observed.rs",
            "pub fn asked() -> u32 {\n    asked_from!()",
            "pub fn asked() -> u32 {\n    // Asked here.\n    asked_from!()",
            &["asked", "origin", "stamp"],
        ),
        case(
            "line_macro_in_a_macro_body",
            "positions: `line!()` in a `macro_rules!` body is the line of the invocation",
            "app/src/observed.rs",
            "#[perscache::persist]\npub fn stamp",
            "// When it was made.\n#[perscache::persist]\npub fn stamp",
            &["stamp"],
        ),
        case(
            "locals_named_by_a_format_string_in_a_macros_second_argument",
            "tokens: `show!(\"v\", \"{a}\")` passes its second argument to `format!`; swapping the locals' names swaps the value",
            "app/src/observed.rs",
            "    let a = x;\n    let b = x + 1;\n    let _ = (a, b);",
            "    let b = x;\n    let a = x + 1;\n    let _ = (b, a);",
            &["shown"],
        ),
        case(
            "macro_rules_shadowed_later_in_the_file",
            "names: of two `macro_rules! tier`, a use expands the one written last before it; moving the function below the second",
            "app/src/observed.rs",
            "#[perscache::persist]\npub fn tier_now() -> u32 {\n    tier!()\n}\n\nmacro_rules! tier {\n    () => {\n        20\n    };\n}\n",
            "macro_rules! tier {\n    () => {\n        20\n    };\n}\n\n#[perscache::persist]\npub fn tier_now() -> u32 {\n    tier!()\n}\n",
            &["tier_now"],
        ),
        case(
            "module_declared_after_a_shadowing_macro_rules",
            "names: a module's text sits at its `mod` declaration; moving it below the second `macro_rules! unit`",
            "app/src/observed.rs",
            "pub mod measured;\n\nmacro_rules! unit {\n    () => {\n        \"km\"\n    };\n}\n",
            "macro_rules! unit {\n    () => {\n        \"km\"\n    };\n}\n\npub mod measured;\n",
            &["unit_name"],
        ),
    ]
}

/// Macros: what their bodies call where they are invoked, macros they define.
fn macros() -> Vec<Case> {
    vec![
        case(
            "macro_of_another_crate_calls_a_method_of_a_third_crates_type",
            "methods: `base::total_of!(mid::Cart::of(..))` expands to `.total()`, an inherent method of mid's `Cart`",
            "mid/src/lib.rs",
            "self.items.iter().sum()",
            "self.items.iter().sum::<u32>() + 1",
            &["cart_total", "cart_sum_via_mid"],
        ),
        case(
            "macro_of_another_crate_calls_a_private_method_of_the_invoking_crate",
            "methods: `base::total_of!(Basket(n))` expands in app to `.total()`, app's private inherent method",
            "app/src/lib.rs",
            "self.0 + 1",
            "self.0 + 2",
            &["basket_total"],
        ),
        case(
            "helper_macro_calls_a_private_method_of_the_invoking_crate",
            "methods: `base::double_total!(Crate12(n))` invokes `$crate::total_of!`, whose `.total()` is app's private method",
            "app/src/lib.rs",
            "self.0 * 12",
            "self.0 * 13",
            &["crate_total"],
        ),
        case(
            "helper_macro_calls_a_default_method_of_a_trait_in_scope_at_the_invocation",
            "methods: `base::weigh_twice!(x)` invokes `$crate::__weigh!`, whose `.weight()` is app's `Weigh` default method for `u32`",
            "app/src/lib.rs",
            "fn weight(&self) -> u32 {\n        3",
            "fn weight(&self) -> u32 {\n        4",
            &["weighed"],
        ),
        case(
            "helper_macro_names_a_constant_of_the_invoking_crate",
            "names: `base::over_limit!(x)` invokes `$crate::__over_limit!`, whose `LIMIT` is app's",
            "app/src/lib.rs",
            "const LIMIT: u32 = 10;",
            "const LIMIT: u32 = 12;",
            &["over"],
        ),
        case(
            "macro_reexported_by_another_crate_under_another_name",
            "macros: `mid::cart_sum!` is `pub use base::total_of as cart_sum`, whose body is edited",
            "base/src/lib.rs",
            "$x.total() * 10",
            "$x.total() * 100",
            &["cart_total", "basket_total", "cart_sum_via_mid", "crate_total"],
        ),
        case(
            "method_call_in_custom_syntax_macro_input_beside_a_free_fn_of_its_name",
            "methods: `pairs!(\"all\" => count(&xs), \"positive\" => bag.count())`: input that is not expressions, `.count()` is `Bag`'s method, not the free `count`",
            "app/src/lib.rs",
            "**x > 0",
            "**x > 1",
            &["bag_pairs"],
        ),
        case(
            "macro_defined_by_another_crates_macro",
            "macros: `answer!()` is defined by `base::const_macro!(answer, base::consts::ANSWER + 1)`",
            "base/src/consts.rs",
            "ANSWER: u32 = 41",
            "ANSWER: u32 = 50",
            &["macro_made_answer"],
        ),
        case(
            "macro_defined_by_a_local_macro",
            "macros: `page_size!()` is defined by `local_const_macro!(page_size, ..)`, whose input is edited",
            "app/src/lib.rs",
            "MAX * 512",
            "MAX * 1024",
            &["local_macro_made_page"],
        ),
        case(
            "trait_brought_into_scope_by_a_macro_expansion",
            "methods: `base::halve!(x)` expands to `{ use $crate::ext::Halving as _; x.halved() }`",
            "base/src/ext.rs",
            "self / 2",
            "self / 3",
            &["halved_input"],
        ),
        case(
            "recursive_macro_over_a_dollar_crate_function",
            "macros: `sum_weights!(1, 2, 3)` recurses through `$crate::sum_weights!` over `$crate::ext::weight`",
            "base/src/ext.rs",
            "x * x",
            "x * x + 1",
            &["weights_sum"],
        ),
    ]
}

/// Impls on aliases, in function bodies and included files, behind `impl Trait`.
fn impls() -> Vec<Case> {
    vec![
        case(
            "inherent_impl_on_an_alias",
            "types: `impl Sample { fn scaled }` with `type Sample = Reading`, called on a `Reading`",
            "base/src/alias.rs",
            "self.0 * 4",
            "self.0 * 5",
            &["sample_scaled"],
        ),
        case(
            "trait_impl_for_an_alias_of_a_vec",
            "types: `impl Summary for Ids` with `type Ids = Vec<UserId>`, called on a `Vec<UserId>`",
            "base/src/alias.rs",
            "self.iter().map(|u| u.0).sum()",
            "self.iter().map(|u| u.0).max().unwrap_or(0)",
            &["ids_summary"],
        ),
        case(
            "associated_fn_through_an_alias_of_a_const_generic_type",
            "names: `Small::capacity()` with `type Small = Buf<4>` is `impl<const N> Buf<N>`'s `capacity`",
            "base/src/alias.rs",
            "N * 2",
            "N * 3",
            &["small_capacity"],
        ),
        case(
            "const_argument_of_an_alias",
            "names: `type Small = Buf<4>` becomes `Buf<6>`",
            "base/src/alias.rs",
            "pub type Small = Buf<4>;",
            "pub type Small = Buf<6>;",
            &["small_capacity"],
        ),
        case(
            "inherent_impl_inside_a_function_body",
            "types: `fn install() { impl Gauge { pub fn level } }` holds for the whole crate",
            "base/src/body_impls.rs",
            "self.0 * 3",
            "self.0 * 7",
            &["gauge_level"],
        ),
        case(
            "trait_impl_inside_a_function_body",
            "types: `fn install() { impl Display for Badge { .. } }` holds for the whole crate",
            "base/src/body_impls.rs",
            "\"badge #{}\"",
            "\"badge no. {}\"",
            &["badge_text"],
        ),
        case(
            "trait_impl_in_an_included_file",
            "files: `include!(\"grade_impls.rs\")` at the crate root holds `impl Display for Grade`",
            "base/src/grade_impls.rs",
            "\"grade {}\"",
            "\"grade: {}\"",
            &["grade_text"],
        ),
        case(
            "default_method_through_an_opaque_return_type",
            "methods: `unit_square().describe()` calls `Shape`'s default method (imported `as _` in the body) on an `impl Shape` return",
            "base/src/shapes.rs",
            "\"a shape of side {}\"",
            "\"shape, side {}\"",
            &["square_text"],
        ),
    ]
}

/// Operators and std traits implemented for workspace types.
fn operators() -> Vec<Case> {
    vec![
        case(
            "method_of_an_operators_output_type",
            "types: `(Qty * Rate).cents()`, `Money` the `type Output` of `impl Mul<Rate> for Qty`",
            "base/src/money.rs",
            "self.0 * 100",
            "self.0 * 1000",
            &["order_cents"],
        ),
        case(
            "sum_impl_of_a_workspace_type",
            "types: `.sum::<Money>()` runs `impl Sum for Money`",
            "base/src/money.rs",
            "Money(iter.map(|m| m.0).sum())",
            "Money(iter.map(|m| m.0).sum::<u64>() + 1)",
            &["wallet_sum"],
        ),
        case(
            "compound_assignment_operator",
            "types: `t += x` runs `impl AddAssign<u32> for Tally`",
            "base/src/money.rs",
            "self.0 += x;",
            "self.0 += x * 2;",
            &["tally"],
        ),
        case(
            "index_operator",
            "types: `Ledger(..)[0]` runs `impl Index<usize> for Ledger`",
            "base/src/money.rs",
            "&self.0[i]",
            "&self.0[self.0.len() - 1 - i]",
            &["ledger_first"],
        ),
        case(
            "default_through_struct_update_syntax",
            "types: `Config { port, ..Default::default() }` runs the hand-written `Default for Config`",
            "base/src/money.rs",
            "retries: 3,",
            "retries: 5,",
            &["config_retries"],
        ),
        case(
            "default_variant_of_a_derived_default",
            "derives: `#[derive(Default)] struct Account { tier: Tier }` with `#[default]` moved between `Tier`'s variants",
            "base/src/money.rs",
            "    Free,\n    #[default]\n    Basic,",
            "    #[default]\n    Free,\n    Basic,",
            &["default_seats"],
        ),
        case(
            "ord_impl_ordering_a_btree_map",
            "types: `queue().into_values().next()` runs `impl Ord for Priority`",
            "base/src/money.rs",
            "o.0.cmp(&self.0)",
            "self.0.cmp(&o.0)",
            &["first_task"],
        ),
        case(
            "from_str_through_parse",
            "types: `code.parse::<Rgb>()` runs `impl FromStr for Rgb`",
            "base/src/money.rs",
            "Rgb(hex(1)?, hex(3)?, hex(5)?)",
            "Rgb(hex(5)?, hex(3)?, hex(1)?)",
            &["red_of"],
        ),
        case(
            "try_from_through_try_into",
            "types: `let p: Result<Percent, _> = v.try_into()` runs `impl TryFrom<u32> for Percent`",
            "base/src/money.rs",
            "v <= 100",
            "v <= 200",
            &["percent_or_zero"],
        ),
        case(
            "qualified_path_with_a_self_type",
            "names: `<Order as Priced>::price(&o)`",
            "base/src/money.rs",
            "self.0 + 5",
            "self.0 + 6",
            &["qualified_price"],
        ),
        case(
            "deref_to_a_type_of_another_crate",
            "types: `purse(x).balance()` through app's `impl Deref<Target = Wallet> for Purse`, `Wallet` in base",
            "base/src/money.rs",
            "self.0 * 2",
            "self.0 * 4",
            &["purse_balance"],
        ),
        case(
            "default_type_parameter_chooses_the_impl",
            "generics: `Pricer::new().price(x)` with `struct Pricer<P = Standard>` runs `Standard::rate`",
            "base/src/ops.rs",
            "fn rate() -> u32 {\n        7",
            "fn rate() -> u32 {\n        8",
            &["default_policy_price"],
        ),
        case(
            "repr_alignment",
            "tokens: `#[repr(C, align(8))]` is read by `align_of::<Page>()`",
            "base/src/lib.rs",
            "align(8)",
            "align(16)",
            &["page_align"],
        ),
    ]
}

/// Constants in patterns and discriminants, traits in scope, block imports.
fn names() -> Vec<Case> {
    vec![
        case(
            "constants_in_matches",
            "names: `matches!(code, base::consts::OK | base::consts::CREATED)`",
            "base/src/consts.rs",
            "CREATED: u16 = 201",
            "CREATED: u16 = 202",
            &["is_success"],
        ),
        case(
            "const_pattern_through_a_glob_reexport_of_another_crate",
            "names: `use mid::reexports::*; match n { MAX => .. }`, mid's `pub use base::consts::*`",
            "base/src/consts.rs",
            "MAX: u32 = 9",
            "MAX: u32 = 10",
            &["at_limit", "local_macro_made_page"],
        ),
        case(
            "discriminant_from_another_crates_const",
            "names: `enum Level { Low = base::consts::LOW, Mid, High }` read by `Level::High as i32`",
            "base/src/consts.rs",
            "LOW: isize = 2",
            "LOW: isize = 3",
            &["high_code"],
        ),
        case(
            "trait_in_scope_through_a_glob_of_the_parents_import",
            "methods: `use super::*;` in a child module brings the parent's private `use base::ext::Doubling`",
            "base/src/ext.rs",
            "self * 2",
            "self * 2 + 1",
            &["doubled_plus"],
        ),
        case(
            "anonymous_trait_reexport_through_a_glob",
            "methods: `use base::prelude::*;` with `pub use crate::ext::Tripling as _;` in the prelude",
            "base/src/ext.rs",
            "self * 3",
            "self * 3 + 1",
            &["tripled_plus"],
        ),
        case(
            "block_use_after_the_call_shadows_the_module_import",
            "names: `let r = rate(); use v2::rate;` in a body: the block's `use` holds for the whole block",
            "app/src/rates.rs",
            "        20\n",
            "        25\n",
            &["block_rate", "grand_rate"],
        ),
    ]
}

case_tests!(
    // Macros.
    macro_of_another_crate_calls_a_method_of_a_third_crates_type,
    macro_of_another_crate_calls_a_private_method_of_the_invoking_crate,
    helper_macro_calls_a_private_method_of_the_invoking_crate,
    helper_macro_calls_a_default_method_of_a_trait_in_scope_at_the_invocation,
    helper_macro_names_a_constant_of_the_invoking_crate,
    macro_reexported_by_another_crate_under_another_name,
    method_call_in_custom_syntax_macro_input_beside_a_free_fn_of_its_name,
    macro_defined_by_another_crates_macro,
    macro_defined_by_a_local_macro,
    trait_brought_into_scope_by_a_macro_expansion,
    recursive_macro_over_a_dollar_crate_function,
    // Impls.
    inherent_impl_on_an_alias,
    trait_impl_for_an_alias_of_a_vec,
    associated_fn_through_an_alias_of_a_const_generic_type,
    const_argument_of_an_alias,
    inherent_impl_inside_a_function_body,
    trait_impl_inside_a_function_body,
    trait_impl_in_an_included_file,
    default_method_through_an_opaque_return_type,
    // Operators.
    method_of_an_operators_output_type,
    sum_impl_of_a_workspace_type,
    compound_assignment_operator,
    index_operator,
    default_through_struct_update_syntax,
    default_variant_of_a_derived_default,
    ord_impl_ordering_a_btree_map,
    from_str_through_parse,
    try_from_through_try_into,
    qualified_path_with_a_self_type,
    deref_to_a_type_of_another_crate,
    default_type_parameter_chooses_the_impl,
    repr_alignment,
    // Names.
    constants_in_matches,
    const_pattern_through_a_glob_reexport_of_another_crate,
    discriminant_from_another_crates_const,
    trait_in_scope_through_a_glob_of_the_parents_import,
    anonymous_trait_reexport_through_a_glob,
    block_use_after_the_call_shadows_the_module_import,
    // What tokens do not show.
    doc_comment_read_by_a_macro,
    track_caller_reports_where_it_is_called,
    macro_body_calls_a_track_caller_fn,
    line_macro_in_a_macro_body,
    locals_named_by_a_format_string_in_a_macros_second_argument,
    macro_rules_shadowed_later_in_the_file,
    module_declared_after_a_shadowing_macro_rules,
);
