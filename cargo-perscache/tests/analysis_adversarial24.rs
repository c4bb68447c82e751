//! Round 24 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 23: `analysis_adversarial.rs` to
//! `analysis_adversarial23.rs`). Constructs: the features and idioms of
//! recent Rust, with app on edition 2024 and base on 2021. Control flow:
//! `let .. else` (an `else` block that names the function its binding
//! shadows, one in base), labeled blocks with `break 'a value` (over a
//! table of base, in base), let chains and `if let` guards (stable since
//! 1.95) reading base. Constants: inline `const { }` blocks (a `const fn`
//! of base, a loop over app's, a generic parameter's associated const),
//! a const generic's default and argument computed by base's `const fn`s,
//! `array::from_fn` with a length of base's, `matches!` ranges (inclusive,
//! exclusive, by glob) bounded by base's constants, slice patterns and `@`
//! bindings on them. Traits: async fns in traits (an impl's private
//! helper, a default method, app's impl, `async fn` desugared to `-> impl
//! Future`), return-position `impl Trait` in traits (an impl's body, a
//! default method, app's impl returning base's iterator), async closures
//! under `impl AsyncFn`, a lending iterator (GAT) and a view type as its
//! item, associated types and constants app's impls choose and base's
//! generic reads, `impl Trait` arguments, trait upcasting (`&dyn Pet` as
//! `&dyn Named`, with a supertrait default). Standard traits std calls:
//! `Iterator` under `collect`, `Sum<&T>`, `FromIterator`, `IntoIterator
//! for &T` under `for`, `Extend`, `Ord` under `max`, `sort` and
//! `BTreeMap`, `Eq`/`Hash` under `HashSet`, `PartialEq` under `contains`,
//! a derived `Default` of a generic struct with a default parameter,
//! `Display` under `to_string` and a width (`f.pad`), `FromStr` under
//! `parse`, `TryFrom` under `try_into` and `?`, `AsRef`/`Borrow` generics.
//! Statics: `LazyLock`, a function-local `OnceLock`, `thread_local!` with
//! `const { }` and lazy initializers. Closures: returned `impl Fn` (in app
//! and in base), a boxed closure chosen by a `match`, `array::from_fn`,
//! fn pointers. FFI (edition 2024): `unsafe extern` blocks with `safe fn`,
//! `safe static`, `unsafe static` and unqualified items, under `link_name` or
//! not, over base's `#[unsafe(no_mangle)]` and `#[unsafe(export_name)]`
//! symbols; base's `safe fn` app defines. `cfg_select!` (stable since
//! 1.95) writing items in app and base and choosing an expression; base
//! moving to edition 2024 (`if let` rescoping).
//!
//! Five cases, one family, were stale on the binary of round 23; the other
//! seventy-five hold and stay as guards:
//! - an item of an `unsafe extern` block written with a `safe` or `unsafe`
//!   qualifier (`safe fn`, `safe static`, `unsafe static`, edition 2024
//!   style), which syn parses as `ForeignItem::Verbatim`: the analysis
//!   records no declaration and no linker symbol for it, so a call or read
//!   of it resolves to nothing and only a workspace item of the same name,
//!   in the declaring crate's cone, is counted. Stale where the Rust name
//!   is not the symbol (`link_name`) or the definition is downstream:
//!   `safe_fn_under_link_name`, `safe_static_under_link_name`,
//!   `unsafe_static_under_link_name`, `link_name_of_a_safe_fn_retargeted`
//!   (the declaration's own `link_name` edited),
//!   `safe_fn_of_a_dependency_defined_by_app` (base's `safe fn`, defined by
//!   app's `#[unsafe(no_mangle)]` function). Its boundary: a `safe fn`
//!   named like its symbol holds by the name alone
//!   (`safe_fn_of_an_unsafe_extern_block`), and an unqualified `fn` under
//!   `link_name` holds (`unsafe_fn_under_link_name`: a `ForeignItem::Fn`,
//!   whose symbol leads to the exported definition).
//!
//! The rule that fixed them: a foreign item syn leaves as tokens is read
//! again without its `safe` or `unsafe` qualifier, so it is a declaration
//! with a name and a symbol like any other (the qualifier's tokens stay in
//! its hash).
//!
//! The fixture (`tests/fixtures/adversarial24/ws`): `base` (edition 2021,
//! no dependencies: one module per family, the exported symbols and an
//! extern block of its own) and `app` (edition 2024, depends on base: the
//! marked functions, one module per family). A case is one edit (or
//! several, `.and(..)`) and the functions whose **result** it changes
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
//! (`fixtures/adversarial24/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial24 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

const SUITE: Suite = Suite {
    fixture: "adversarial24",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

const FUNCTIONS: &[(&str, &str)] = &[
    ("platform", "app::cfgs::platform"),
    ("pointer_class", "app::cfgs::pointer_class"),
    ("separator", "app::cfgs::separator"),
    ("rescoped_borrow", "app::cfgs::rescoped_borrow"),
    ("scaled", "app::closures::scaled"),
    ("dependency_adder", "app::closures::dependency_adder"),
    ("boxed_op", "app::closures::boxed_op"),
    ("from_fn_cells", "app::closures::from_fn_cells"),
    ("lanes_sum", "app::closures::lanes_sum"),
    ("fn_pointer_fold", "app::closures::fn_pointer_fold"),
    ("fib_firsts", "app::collections::fib_firsts"),
    ("money_total", "app::collections::money_total"),
    ("histogram", "app::collections::histogram"),
    ("bag_sum", "app::collections::bag_sum"),
    ("log_extend", "app::collections::log_extend"),
    ("top_priority", "app::collections::top_priority"),
    ("first_grade", "app::collections::first_grade"),
    ("distinct_tags", "app::collections::distinct_tags"),
    ("has_code", "app::collections::has_code"),
    ("sorted_versions", "app::collections::sorted_versions"),
    ("shelf_default", "app::collections::shelf_default"),
    ("inline_square", "app::consts::inline_square"),
    ("inline_table", "app::consts::inline_table"),
    ("ring_capacity", "app::consts::ring_capacity"),
    ("grid_cells", "app::consts::grid_cells"),
    ("in_band_count", "app::consts::in_band_count"),
    ("glob_band_count", "app::consts::globbed::glob_band_count"),
    ("slice_shape", "app::consts::slice_shape"),
    ("tail_sentinel", "app::consts::tail_sentinel"),
    ("banded", "app::consts::banded"),
    ("generic_limit", "app::consts::generic_limit"),
    ("celsius_text", "app::convs::celsius_text"),
    ("padded_label", "app::convs::padded_label"),
    ("parsed_fahrenheit", "app::convs::parsed_fahrenheit"),
    ("app_temp_parse", "app::convs::app_temp_parse"),
    ("percent_of", "app::convs::percent_of"),
    ("question_mark_code", "app::convs::question_mark_code"),
    ("shouted", "app::convs::shouted"),
    ("borrowed_len", "app::convs::borrowed_len"),
    ("ffi_triple", "app::ffi::ffi_triple"),
    ("ffi_quad", "app::ffi::ffi_quad"),
    ("ffi_inc", "app::ffi::ffi_inc"),
    ("ffi_seed", "app::ffi::ffi_seed"),
    ("ffi_limit", "app::ffi::ffi_limit"),
    ("hooked", "app::ffi::hooked"),
    ("let_else_fallback", "app::flow::let_else_fallback"),
    ("let_else_shadowed", "app::flow::let_else_shadowed"),
    ("dependency_port", "app::flow::dependency_port"),
    ("bucket_of", "app::flow::bucket_of"),
    ("bucket_overflow", "app::flow::bucket_overflow"),
    ("vowel_at", "app::flow::vowel_at"),
    ("chained", "app::flow::chained"),
    ("chained_else", "app::flow::chained_else"),
    ("guard_hit", "app::flow::guard_hit"),
    ("guard_miss", "app::flow::guard_miss"),
    ("table_sum", "app::statics::table_sum"),
    ("config_retries", "app::statics::config_retries"),
    ("counter_start", "app::statics::counter_start"),
    ("default_names_len", "app::statics::default_names_len"),
    ("fetched", "app::traits::fetched"),
    ("fetched_local", "app::traits::fetched_local"),
    ("evens_total", "app::traits::evens_total"),
    ("deck_total", "app::traits::deck_total"),
    ("async_closure_sum", "app::traits::async_closure_sum"),
    ("window_sums", "app::traits::window_sums"),
    ("view_scores", "app::traits::view_scores"),
    ("grams_raw", "app::traits::grams_raw"),
    ("kilos", "app::traits::kilos"),
    ("parcels_weight", "app::traits::parcels_weight"),
    ("bricks_weight", "app::traits::bricks_weight"),
    ("upcast_greeting", "app::traits::upcast_greeting"),
    ("base_pet_names", "app::traits::base_pet_names"),
];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(flow());
    v.extend(consts());
    v.extend(traits());
    v.extend(collections());
    v.extend(convs());
    v.extend(statics());
    v.extend(closures());
    v.extend(ffi());
    v.extend(cfgs());
    v
}

/// `let .. else`, labeled blocks, let chains and `if let` guards, in app
/// and in base.
fn flow() -> Vec<Case> {
    vec![
        case(
            "let_else_early_return_helper",
            "flow: the function an `else` block of `let .. else` returns (`return fallback() + 1`) is edited",
            "app/src/flow.rs",
            "fn fallback() -> u32 {\n    40",
            "fn fallback() -> u32 {\n    41",
            &["let_else_fallback"],
        ),
        case(
            "let_else_block_names_the_fn_its_binding_shadows",
            "flow: `let Some(scale) = v else { return scale(7); };`: the `else` block does not see the binding, so `scale(7)` is the function `scale`, which is edited",
            "app/src/flow.rs",
            "fn scale(x: u32) -> u32 {\n    x * 3",
            "fn scale(x: u32) -> u32 {\n    x * 5",
            &["let_else_shadowed"],
        ),
        case(
            "let_else_in_a_dependency",
            "flow: base's `port_of` returns `default_port() + 1` from a `let .. else`; the private `default_port` is edited",
            "base/src/flow.rs",
            "    8080\n",
            "    9090\n",
            &["dependency_port"],
        ),
        case(
            "labeled_block_break_value_from_a_dependency_table",
            "flow: `break 'found i` inside a labeled block, over base's `LIMITS` table, which is edited",
            "base/src/flow.rs",
            "[10, 100, 1000]",
            "[10, 200, 1000]",
            &["bucket_of"],
        ),
        case(
            "labeled_block_tail_helper",
            "flow: the labeled block's tail (no `break` taken) calls `overflow_bucket()`, which is edited",
            "app/src/flow.rs",
            "fn overflow_bucket() -> u32 {\n    9",
            "fn overflow_bucket() -> u32 {\n    8",
            &["bucket_overflow"],
        ),
        case(
            "labeled_block_in_a_dependency",
            "flow: base's `first_vowel_index` breaks out of a labeled block when its private `is_vowel` says so; `'y'` is added to the vowels",
            "base/src/flow.rs",
            "'a' | 'e' | 'i' | 'o' | 'u'",
            "'a' | 'e' | 'i' | 'o' | 'u' | 'y'",
            &["vowel_at"],
        ),
        case(
            "let_chain_condition_reads_a_dependency_const",
            "flow: `if let Some(x) = a && x > base::flow::THRESHOLD && let Ok(y) = ..` (edition 2024): base's constant is raised so the chain fails",
            "base/src/flow.rs",
            "THRESHOLD: u32 = 5",
            "THRESHOLD: u32 = 8",
            &["chained"],
        ),
        case(
            "let_chain_else_calls_a_dependency_fn",
            "flow: the `else` of a let chain calls base's `otherwise()`, which is edited",
            "base/src/flow.rs",
            "    77\n",
            "    78\n",
            &["chained_else"],
        ),
        case(
            "if_let_guard_scrutinee_in_a_dependency",
            "flow: a match arm's `if let Some(n) = base::flow::lookup(s) && n > 0` guard (stable `if let` guards); base's `lookup` is edited",
            "base/src/flow.rs",
            "\"b\" => Some(2)",
            "\"b\" => Some(3)",
            &["guard_hit"],
        ),
        case(
            "if_let_guard_fallthrough_arm_helper",
            "flow: when the `if let` guard fails, the next arm calls `guard_bonus()`, which is edited",
            "app/src/flow.rs",
            "fn guard_bonus() -> u32 {\n    100",
            "fn guard_bonus() -> u32 {\n    200",
            &["guard_miss"],
        ),
    ]
}

/// Inline `const` blocks, const generics, constants in `matches!`, slice
/// and `@` patterns.
fn consts() -> Vec<Case> {
    vec![
        case(
            "inline_const_calls_a_dependency_const_fn",
            "consts: `const { base::bounds::square(6) }`; base's `const fn` is edited",
            "base/src/bounds.rs",
            "    n * n\n",
            "    n * n + 1\n",
            &["inline_square"],
        ),
        case(
            "inline_const_loop_calls_an_app_const_fn",
            "consts: an inline `const` block fills an array in a `while` loop with app's `const fn seed`, which is edited",
            "app/src/consts.rs",
            "    i * 2 + 1\n",
            "    i * 2 + 2\n",
            &["inline_table"],
        ),
        case(
            "const_generic_default_from_a_dependency_const_fn",
            "consts: base's `struct Ring<const N: usize = { ring_cap(2) }>`, read as `<base::bounds::Ring>::capacity()`; the `const fn` of the default is edited",
            "base/src/bounds.rs",
            "    n * 4\n",
            "    n * 5\n",
            &["ring_capacity"],
        ),
        case(
            "const_generic_argument_from_a_dependency_const_fn",
            "consts: `Grid::<{ base::bounds::width(3) }>::CELLS`; base's `const fn width` is edited",
            "base/src/bounds.rs",
            "    n + 1\n",
            "    n + 2\n",
            &["grid_cells"],
        ),
        case(
            "matches_range_of_dependency_consts",
            "consts: `matches!(n, base::bounds::LOW..=base::bounds::HIGH)`; `HIGH` is lowered",
            "base/src/bounds.rs",
            "HIGH: u32 = 20",
            "HIGH: u32 = 15",
            &["in_band_count"],
        ),
        case(
            "matches_exclusive_range_of_glob_imported_consts",
            "consts: `use base::bounds::*;` then `matches!(n, FLOOR..CEIL)` (an exclusive range pattern); `CEIL` is lowered",
            "base/src/bounds.rs",
            "CEIL: u32 = 200",
            "CEIL: u32 = 150",
            &["glob_band_count"],
        ),
        case(
            "slice_pattern_dependency_const",
            "consts: the slice pattern `[base::bounds::MAGIC, rest @ ..]`; `MAGIC` is edited so the later `[_, middle @ .., _]` arm matches",
            "base/src/bounds.rs",
            "MAGIC: u8 = 0x7f",
            "MAGIC: u8 = 0x7e",
            &["slice_shape"],
        ),
        case(
            "slice_pattern_imported_const_at_the_end",
            "consts: `[.., SENTINEL]` with `SENTINEL` imported from base; its value is edited",
            "base/src/bounds.rs",
            "SENTINEL: u8 = 0",
            "SENTINEL: u8 = 5",
            &["tail_sentinel"],
        ),
        case(
            "at_binding_range_of_imported_consts",
            "consts: `b @ BAND_LOW..=BAND_HIGH => b * 2` with both bounds imported from base; `BAND_HIGH` is lowered",
            "base/src/bounds.rs",
            "BAND_HIGH: u32 = 39",
            "BAND_HIGH: u32 = 34",
            &["banded"],
        ),
        case(
            "inline_const_reads_a_generic_assoc_const",
            "consts: `fn doubled_limit<T: Limited>() -> u32 { const { T::LIMIT * 2 } }` called with `Small`; `Small`'s `LIMIT` is edited",
            "app/src/consts.rs",
            "const LIMIT: u32 = 3;",
            "const LIMIT: u32 = 4;",
            &["generic_limit"],
        ),
        case(
            "array_from_fn_length_from_a_dependency_const",
            "consts: `std::array::from_fn::<u32, { base::bounds::LANES }, _>(..)`; `LANES` is edited",
            "base/src/bounds.rs",
            "LANES: usize = 4",
            "LANES: usize = 5",
            &["lanes_sum"],
        ),
    ]
}

/// Async fns and `impl Trait` in traits, a lending iterator (GAT),
/// associated types and constants chosen by app's impls, `impl Trait`
/// arguments, trait upcasting.
fn traits() -> Vec<Case> {
    vec![
        case(
            "async_fn_in_trait_private_helper_of_a_dependency",
            "traits: base's `impl Fetch for Remote { async fn fetch(&self) -> u32 { settle(5).await } }`; the private `async fn settle` is edited",
            "base/src/asyncs.rs",
            "    x + 1\n",
            "    x + 2\n",
            &["fetched"],
        ),
        case(
            "async_fn_in_trait_default_method_of_a_dependency",
            "traits: the default `async fn fetch_twice` of base's `Fetch`, run for base's `Remote` and app's `Cache`, is edited",
            "base/src/asyncs.rs",
            "self.fetch().await * 2",
            "self.fetch().await * 3",
            &["fetched", "fetched_local"],
        ),
        case(
            "async_fn_in_trait_app_impl_helper",
            "traits: app's `impl Fetch for Cache` awaits `local_value()`, which is edited",
            "app/src/traits.rs",
            "async fn local_value() -> u32 {\n    40",
            "async fn local_value() -> u32 {\n    41",
            &["fetched_local"],
        ),
        case(
            "async_fn_in_a_trait_desugared_to_impl_future",
            "traits: base's `async fn fetch(&self) -> u32;` becomes `fn fetch(&self) -> impl Future<Output = u32>;` and `Remote`'s impl returns `settle(6)` without `async`",
            "base/src/asyncs.rs",
            "    async fn fetch(&self) -> u32;",
            "    fn fetch(&self) -> impl Future<Output = u32>;",
            &["fetched"],
        )
        .and(
            "base/src/asyncs.rs",
            "    async fn fetch(&self) -> u32 {\n        settle(5).await\n    }",
            "    fn fetch(&self) -> impl Future<Output = u32> {\n        settle(6)\n    }",
        ),
        case(
            "rpitit_impl_body_in_a_dependency",
            "traits: base's `impl Source for Evens { fn values(&self) -> impl Iterator<Item = u32> { .. } }` maps by another factor",
            "base/src/asyncs.rs",
            "(0..self.0).map(|x| x * 2)",
            "(0..self.0).map(|x| x * 3)",
            &["evens_total"],
        ),
        case(
            "rpitit_default_method_of_a_dependency",
            "traits: the default `total` of base's `Source`, which sums `self.values()` (an `impl Iterator` in a trait), is edited",
            "base/src/asyncs.rs",
            "self.values().sum()",
            "self.values().map(|v| v + 1).sum()",
            &["evens_total", "deck_total"],
        ),
        case(
            "rpitit_returning_a_dependency_iterator",
            "traits: app's `impl Source for Deck` returns base's `Countdown` as its `impl Iterator`; `Countdown::next` is edited",
            "base/src/iters.rs",
            "Some(self.n + 1)",
            "Some(self.n + 2)",
            &["deck_total"],
        ),
        case(
            "async_closure_awaits_a_dependency_fn",
            "traits: `run_twice(async |x: u32| x + base::asyncs::async_bias().await)`; `async_bias` is edited",
            "base/src/asyncs.rs",
            "pub async fn async_bias() -> u32 {\n    10",
            "pub async fn async_bias() -> u32 {\n    11",
            &["async_closure_sum"],
        ),
        case(
            "async_closure_runner_of_a_dependency",
            "traits: base's `run_twice(f: impl AsyncFn(u32) -> u32)` calls the closure with other arguments",
            "base/src/asyncs.rs",
            "f(1).await + f(2).await",
            "f(1).await + f(3).await",
            &["async_closure_sum"],
        ),
        case(
            "gat_lending_iterator_stride_in_a_dependency",
            "traits: `while let Some(s) = w.next_item()` over base's `impl Lending for Windows` (`type Item<'a> = &'a [u32]`); the private `STRIDE` it advances by is edited",
            "base/src/gats.rs",
            "const STRIDE: usize = 1;",
            "const STRIDE: usize = 2;",
            &["window_sums"],
        ),
        case(
            "gat_item_type_inherent_method_of_a_dependency",
            "traits: app's `impl Lending for Chunks { type Item<'a> = View<'a>; .. }`; the marked function calls `v.score()`, an inherent method of base's `View`, which is edited",
            "base/src/gats.rs",
            "x * 10",
            "x * 100",
            &["view_scores"],
        ),
        case(
            "associated_type_chosen_by_an_app_impl",
            "traits: app's `impl Unit for Grams { type Raw = u16; fn raw(&self) -> Self::Raw { self.0 as Self::Raw } }`, read by base's generic `to_base`; `Raw` becomes `u32` (no truncation)",
            "app/src/traits.rs",
            "type Raw = u16;",
            "type Raw = u32;",
            &["grams_raw"],
        ),
        case(
            "associated_const_of_an_app_impl_read_by_a_dependency_generic",
            "traits: base's `to_base<U: Unit>` multiplies by `U::SCALE`; app's `Kilos` impl edits it",
            "app/src/traits.rs",
            "const SCALE: u64 = 1000;",
            "const SCALE: u64 = 1024;",
            &["kilos"],
        ),
        case(
            "impl_trait_argument_app_impl_helper",
            "traits: base's `weigh_all(items: impl IntoIterator<Item = impl Weigh>)` given app's `Parcel`s; `Parcel::weight` calls `packaging()`, which is edited",
            "app/src/traits.rs",
            "fn packaging() -> u32 {\n    1",
            "fn packaging() -> u32 {\n    2",
            &["parcels_weight"],
        ),
        case(
            "impl_trait_argument_dependency_impl",
            "traits: `weigh_all(vec![Brick, Brick])`; base's `impl Weigh for Brick` is edited",
            "base/src/shapes.rs",
            "    fn weight(&self) -> u32 {\n        3",
            "    fn weight(&self) -> u32 {\n        4",
            &["bricks_weight"],
        ),
        case(
            "trait_upcasting_app_impl",
            "traits: `Box<dyn Pet>` upcast to `&dyn Named` and given to base's `greet`; app's `impl Named for Dog` is edited",
            "app/src/traits.rs",
            "\"rex\"",
            "\"max\"",
            &["upcast_greeting"],
        ),
        case(
            "trait_upcasting_supertrait_default_of_a_dependency",
            "traits: base's `greet(n: &dyn Named)` runs the supertrait's default `greeting`, which is edited",
            "base/src/shapes.rs",
            "format!(\"hello {}\", self.name())",
            "format!(\"hi {}\", self.name())",
            &["upcast_greeting"],
        ),
        case(
            "trait_upcasting_dependency_impl",
            "traits: base's `pets()` hands out `Box<dyn Pet>` (a `Parrot`), upcast to `&dyn Named` in app; `Parrot::name` is edited",
            "base/src/shapes.rs",
            "\"polly\"",
            "\"kiwi\"",
            &["base_pet_names"],
        ),
        case(
            "dyn_subtrait_method_of_a_dependency_impl",
            "traits: `p.legs()` on base's `Box<dyn Pet>`; `Parrot::legs` is edited",
            "base/src/shapes.rs",
            "fn legs(&self) -> u32 {\n        2",
            "fn legs(&self) -> u32 {\n        3",
            &["base_pet_names"],
        ),
    ]
}

/// Base's and app's types under std's iterators and collections.
fn collections() -> Vec<Case> {
    vec![
        case(
            "iterator_impl_of_a_dependency_collected",
            "collections: `base::iters::fib().take(6).collect()`; `Fib::next` is edited",
            "base/src/iters.rs",
            "self.b += r;",
            "self.b += r + 1;",
            &["fib_firsts"],
        ),
        case(
            "sum_impl_of_a_dependency_type_by_reference",
            "collections: `[Money(3), Money(4)].iter().sum::<Money>()` runs base's `impl Sum<&Money> for Money`, which is edited (the by-value impl is not)",
            "base/src/iters.rs",
            "fn sum<I: Iterator<Item = &'a Money>>(it: I) -> Money {\n        Money(it.map(|m| m.0).sum())",
            "fn sum<I: Iterator<Item = &'a Money>>(it: I) -> Money {\n        Money(it.map(|m| m.0 + 1).sum())",
            &["money_total"],
        ),
        case(
            "from_iterator_impl_of_a_dependency_type",
            "collections: `let h: Histogram = .. .collect();` runs base's `FromIterator<u32>`, whose bucket width is edited",
            "base/src/iters.rs",
            "(x / 10).min(3)",
            "(x / 20).min(3)",
            &["histogram"],
        ),
        case(
            "into_iterator_for_a_reference_of_a_dependency_type",
            "collections: `for x in &bag` runs base's `impl IntoIterator for &Bag` and its `BagIter::next`, which is edited",
            "base/src/iters.rs",
            "**x != 0",
            "**x != 2",
            &["bag_sum"],
        ),
        case(
            "extend_impl_of_an_app_type",
            "collections: `l.extend(1..=6)` runs app's `impl Extend<u32> for Log`, which filters by `keep`, which is edited",
            "app/src/collections.rs",
            "x % 3 != 0",
            "x % 2 != 0",
            &["log_extend"],
        ),
        case(
            "ord_impl_of_a_dependency_read_by_max",
            "collections: `.max()` over base's `Priority`; its manual `Ord` is reversed",
            "base/src/order.rs",
            "self.0.cmp(&o.0)",
            "o.0.cmp(&self.0)",
            &["top_priority"],
        ),
        case(
            "derived_ord_variant_order_of_a_btreemap_key",
            "collections: base's `#[derive(Ord)] enum Grade` as `BTreeMap` keys; its variants are reordered",
            "base/src/order.rs",
            "    Low,\n    Mid,\n    High,\n",
            "    High,\n    Mid,\n    Low,\n",
            &["first_grade"],
        ),
        case(
            "eq_impl_read_by_a_hashset",
            "collections: a `HashSet<Tag>`'s length; base's case-insensitive `PartialEq for Tag` becomes exact",
            "base/src/order.rs",
            "self.0.eq_ignore_ascii_case(&o.0)",
            "self.0 == o.0",
            &["distinct_tags"],
        ),
        case(
            "partial_eq_impl_read_by_contains",
            "collections: `vec.contains(&Code(..))`; base's `PartialEq for Code` stops ignoring leading zeros",
            "base/src/order.rs",
            "self.0.trim_start_matches('0') == o.0.trim_start_matches('0')",
            "self.0 == o.0",
            &["has_code"],
        ),
        case(
            "ord_impl_of_an_app_type_read_by_sort",
            "collections: `vs.sort()` over app's `Version`; its manual `Ord` orders minors in reverse",
            "app/src/collections.rs",
            ".then(self.minor.cmp(&o.minor))",
            ".then(o.minor.cmp(&self.minor))",
            &["sorted_versions"],
        ),
        case(
            "derived_default_of_a_generic_struct_reads_a_default_impl",
            "collections: `let s: base::conv::Shelf = Default::default();` (derived, `T = Weight` by default); base's `impl Default for Weight` is edited",
            "base/src/conv.rs",
            "Weight(5)",
            "Weight(6)",
            &["shelf_default"],
        ),
    ]
}

/// Conversions and formatting std reaches through `to_string`, `format!`,
/// `parse`, `try_into`, `?`, `AsRef` and `Borrow`.
fn convs() -> Vec<Case> {
    vec![
        case(
            "display_impl_of_a_dependency_via_to_string",
            "convs: `Celsius(21).to_string()`; base's `Display` is edited",
            "base/src/conv.rs",
            "write!(f, \"{}C\", self.0)",
            "write!(f, \"{} C\", self.0)",
            &["celsius_text"],
        ),
        case(
            "display_impl_switched_to_pad",
            "convs: `format!(\"[{:>6}]\", Label(..))`; base's `Display` calls `f.pad` instead of `f.write_str`, so the width applies",
            "base/src/conv.rs",
            "f.write_str(&self.0)",
            "f.pad(&self.0)",
            &["padded_label"],
        ),
        case(
            "from_str_impl_of_a_dependency_via_parse",
            "convs: `\"98 F\".parse::<Fahrenheit>()`; base's `FromStr` trims the digits",
            "base/src/conv.rs",
            "s.strip_suffix('F').unwrap_or(s);",
            "s.strip_suffix('F').unwrap_or(s).trim();",
            &["parsed_fahrenheit"],
        ),
        case(
            "from_str_of_an_app_type_calls_a_dependency_helper",
            "convs: `let t: Temp = \"75\".parse()..` runs app's `FromStr for Temp`, which calls base's `clamp_reading`, which is edited",
            "base/src/conv.rs",
            "n.clamp(-40, 50)",
            "n.clamp(-40, 60)",
            &["app_temp_parse"],
        ),
        case(
            "try_from_impl_of_a_dependency_via_try_into",
            "convs: `150u32.try_into()` into base's `Percent`; its `TryFrom` accepts more",
            "base/src/conv.rs",
            "if v <= 100",
            "if v <= 200",
            &["percent_of"],
        ),
        case(
            "from_impl_run_by_question_mark",
            "convs: `let p: Percent = v.try_into()?;` converts base's `OutOfRange` by app's `From` impl, which is edited",
            "app/src/convs.rs",
            "AppErr::Range(e.0 / 10)",
            "AppErr::Range(e.0 / 100)",
            &["question_mark_code"],
        ),
        case(
            "as_ref_impl_of_an_app_type_through_a_dependency_generic",
            "convs: base's `shout<S: AsRef<str>>` given app's `Slug`; its `as_ref` trims less",
            "app/src/convs.rs",
            "self.0.trim()",
            "self.0.trim_start()",
            &["shouted"],
        ),
        case(
            "borrow_impl_of_an_app_type_through_a_dependency_generic",
            "convs: base's `total_len<T: Borrow<str>>` given app's `Name`; its `borrow` returns the whole name",
            "app/src/convs.rs",
            "self.full.split(' ').next().unwrap_or(\"\")",
            "&self.full",
            &["borrowed_len"],
        ),
    ]
}

/// `LazyLock`, `OnceLock` and `thread_local!` initializers.
fn statics() -> Vec<Case> {
    vec![
        case(
            "lazy_lock_initializer_calls_a_dependency_fn",
            "statics: `static TABLE: LazyLock<Vec<u32>> = LazyLock::new(|| (0..4).map(base::lazy::weight).collect());`; `weight` is edited",
            "base/src/lazy.rs",
            "    i * i\n",
            "    i * i + 1\n",
            &["table_sum"],
        ),
        case(
            "once_lock_get_or_init_private_loader_of_a_dependency",
            "statics: base's `config()` is `CELL.get_or_init(load)` on a function-local `OnceLock`; the private `load` is edited",
            "base/src/lazy.rs",
            "retries: 3,",
            "retries: 4,",
            &["config_retries"],
        ),
        case(
            "thread_local_const_initializer_reads_a_dependency_const",
            "statics: `thread_local! { static COUNTER: Cell<u32> = const { Cell::new(base::lazy::START) }; }`; `START` is edited",
            "base/src/lazy.rs",
            "START: u32 = 100",
            "START: u32 = 200",
            &["counter_start"],
        ),
        case(
            "thread_local_lazy_initializer_calls_an_app_fn",
            "statics: `thread_local! { static NAMES: RefCell<Vec<String>> = RefCell::new(default_names()); }`; `default_names` is edited",
            "app/src/statics.rs",
            "vec![\"a\".to_owned(), \"b\".to_owned()]",
            "vec![\"a\".to_owned(), \"b\".to_owned(), \"c\".to_owned()]",
            &["default_names_len"],
        ),
    ]
}

/// Closures returned by functions, `array::from_fn`, function pointers.
fn closures() -> Vec<Case> {
    vec![
        case(
            "returned_closure_calls_a_dependency_fn",
            "closures: `fn make_scaler(k) -> impl Fn(u32) -> u32 { move |x| x * k + base::closures::offset() }`; `offset` is edited",
            "base/src/closures.rs",
            "pub fn offset() -> u32 {\n    1",
            "pub fn offset() -> u32 {\n    2",
            &["scaled"],
        ),
        case(
            "closure_returned_by_a_dependency_calls_a_private_helper",
            "closures: base's `adder(n) -> impl Fn(u32) -> u32` closes over a call of the private `bump`, which is edited",
            "base/src/closures.rs",
            "    x + 10\n",
            "    x + 20\n",
            &["dependency_adder"],
        ),
        case(
            "boxed_closure_chosen_by_a_dependency_match",
            "closures: base's `op(\"double\")` returns a `Box<dyn Fn>` chosen by a `match`; that arm's closure is edited",
            "base/src/closures.rs",
            "Box::new(|x| x * 2)",
            "Box::new(|x| x * 3)",
            &["boxed_op"],
        ),
        case(
            "array_from_fn_closure_calls_an_app_fn",
            "closures: `std::array::from_fn(|i| cell(i) + 1)`; `cell` is edited",
            "app/src/closures.rs",
            "(i * 3) as u32",
            "(i * 4) as u32",
            &["from_fn_cells"],
        ),
        case(
            "fn_pointer_coerced_from_a_dependency_fn",
            "closures: `let ops: [fn(u32) -> u32; 2] = [|x| x + 1, base::closures::halve];` folded; `halve` is edited",
            "base/src/closures.rs",
            "    x / 2\n",
            "    x / 3\n",
            &["fn_pointer_fold"],
        ),
    ]
}

/// An edition 2024 `unsafe extern` block in app (`safe` items, `unsafe`
/// items, `link_name`) over base's exported symbols, and base's `safe fn`
/// that app exports.
fn ffi() -> Vec<Case> {
    vec![
        case(
            "safe_fn_of_an_unsafe_extern_block",
            "ffi: app's `unsafe extern \"C\" { safe fn perscache_adv24_triple(x: u32) -> u32; }`, defined by base's `#[unsafe(no_mangle)]` function of that name, which is edited",
            "base/src/ffi.rs",
            "    x * 3\n",
            "    x * 5\n",
            &["ffi_triple"],
        ),
        case(
            "safe_fn_under_link_name",
            "ffi: app's `#[link_name = \"perscache_adv24_quad\"] safe fn quad(..)`, defined by base's `#[unsafe(export_name = \"perscache_adv24_quad\")] fn times_four`, which is edited",
            "base/src/ffi.rs",
            "    x * 4\n",
            "    x * 6\n",
            &["ffi_quad"],
        ),
        case(
            "unsafe_fn_under_link_name",
            "ffi: app's `#[link_name = \"perscache_adv24_inc\"] fn inc_raw(..)` (no `safe`: called in `unsafe`), defined by base's `#[unsafe(export_name)] fn increment`, which is edited",
            "base/src/ffi.rs",
            "    x + 1\n",
            "    x + 2\n",
            &["ffi_inc"],
        ),
        case(
            "safe_static_under_link_name",
            "ffi: app's `#[link_name = \"PERSCACHE_ADV24_SEED\"] safe static SEED: u32;`, defined by base's `#[unsafe(no_mangle)] static`, which is edited",
            "base/src/ffi.rs",
            "PERSCACHE_ADV24_SEED: u32 = 9",
            "PERSCACHE_ADV24_SEED: u32 = 10",
            &["ffi_seed"],
        ),
        case(
            "unsafe_static_under_link_name",
            "ffi: app's `#[link_name = \"perscache_adv24_limit\"] unsafe static LIMIT: u32;`, defined by base's `#[unsafe(export_name)] static LIMIT_VALUE`, which is edited",
            "base/src/ffi.rs",
            "LIMIT_VALUE: u32 = 12",
            "LIMIT_VALUE: u32 = 13",
            &["ffi_limit"],
        ),
        case(
            "link_name_of_a_safe_fn_retargeted",
            "ffi: app's `safe fn quad` is declared under `link_name = \"perscache_adv24_triple\"` instead (base's other export)",
            "app/src/ffi.rs",
            "#[link_name = \"perscache_adv24_quad\"]",
            "#[link_name = \"perscache_adv24_triple\"]",
            &["ffi_quad"],
        ),
        case(
            "safe_fn_of_a_dependency_defined_by_app",
            "ffi: base's `unsafe extern \"C\" { safe fn perscache_adv24_app_hook() -> u32; }`, called by base's `hooked()`, is defined by app's `#[unsafe(no_mangle)]` function, which is edited",
            "app/src/ffi.rs",
            "    41\n",
            "    40\n",
            &["hooked"],
        ),
    ]
}

/// `cfg_select!` (stable since 1.95) choosing items and an expression,
/// and the edition of base.
fn cfgs() -> Vec<Case> {
    vec![
        case(
            "cfg_select_item_branch_body",
            "cfgs: `cfg_select! { unix => { fn platform_code() .. } _ => { .. } }`; the `unix` branch's function is edited",
            "app/src/cfgs.rs",
            "        fn platform_code() -> u32 {\n            1",
            "        fn platform_code() -> u32 {\n            3",
            &["platform"],
        ),
        case(
            "cfg_select_item_predicate_changed",
            "cfgs: the first branch's predicate `unix` becomes `windows`: the `_` branch's function is compiled",
            "app/src/cfgs.rs",
            "    unix => {\n        fn platform_code",
            "    windows => {\n        fn platform_code",
            &["platform"],
        ),
        case(
            "cfg_select_expression_calls_a_dependency_fn",
            "cfgs: `cfg_select! { target_pointer_width = \"64\" => { base::cfgs::wide() } _ => { .. } }` in expression position; `wide` is edited",
            "base/src/cfgs.rs",
            "pub fn wide() -> u32 {\n    64",
            "pub fn wide() -> u32 {\n    65",
            &["pointer_class"],
        ),
        case(
            "cfg_select_item_in_a_dependency",
            "cfgs: base's `sep()` is written by a `cfg_select!`; its `unix` branch is edited",
            "base/src/cfgs.rs",
            "'/'",
            "':'",
            &["separator"],
        ),
        case(
            "dependency_moves_to_edition_2024_if_let_rescope",
            "cfgs: base moves to edition 2024: the `Ref` temporary of an `if let` scrutinee is dropped before its `else` block, where `try_borrow_mut` now succeeds",
            "base/Cargo.toml",
            "edition = \"2021\"",
            "edition = \"2024\"",
            &["rescoped_borrow"],
        ),
    ]
}

case_tests!(
    let_else_early_return_helper,
    let_else_block_names_the_fn_its_binding_shadows,
    let_else_in_a_dependency,
    labeled_block_break_value_from_a_dependency_table,
    labeled_block_tail_helper,
    labeled_block_in_a_dependency,
    let_chain_condition_reads_a_dependency_const,
    let_chain_else_calls_a_dependency_fn,
    if_let_guard_scrutinee_in_a_dependency,
    if_let_guard_fallthrough_arm_helper,
    inline_const_calls_a_dependency_const_fn,
    inline_const_loop_calls_an_app_const_fn,
    const_generic_default_from_a_dependency_const_fn,
    const_generic_argument_from_a_dependency_const_fn,
    matches_range_of_dependency_consts,
    matches_exclusive_range_of_glob_imported_consts,
    slice_pattern_dependency_const,
    slice_pattern_imported_const_at_the_end,
    at_binding_range_of_imported_consts,
    inline_const_reads_a_generic_assoc_const,
    array_from_fn_length_from_a_dependency_const,
    async_fn_in_trait_private_helper_of_a_dependency,
    async_fn_in_trait_default_method_of_a_dependency,
    async_fn_in_trait_app_impl_helper,
    async_fn_in_a_trait_desugared_to_impl_future,
    rpitit_impl_body_in_a_dependency,
    rpitit_default_method_of_a_dependency,
    rpitit_returning_a_dependency_iterator,
    async_closure_awaits_a_dependency_fn,
    async_closure_runner_of_a_dependency,
    gat_lending_iterator_stride_in_a_dependency,
    gat_item_type_inherent_method_of_a_dependency,
    associated_type_chosen_by_an_app_impl,
    associated_const_of_an_app_impl_read_by_a_dependency_generic,
    impl_trait_argument_app_impl_helper,
    impl_trait_argument_dependency_impl,
    trait_upcasting_app_impl,
    trait_upcasting_supertrait_default_of_a_dependency,
    trait_upcasting_dependency_impl,
    dyn_subtrait_method_of_a_dependency_impl,
    iterator_impl_of_a_dependency_collected,
    sum_impl_of_a_dependency_type_by_reference,
    from_iterator_impl_of_a_dependency_type,
    into_iterator_for_a_reference_of_a_dependency_type,
    extend_impl_of_an_app_type,
    ord_impl_of_a_dependency_read_by_max,
    derived_ord_variant_order_of_a_btreemap_key,
    eq_impl_read_by_a_hashset,
    partial_eq_impl_read_by_contains,
    ord_impl_of_an_app_type_read_by_sort,
    derived_default_of_a_generic_struct_reads_a_default_impl,
    display_impl_of_a_dependency_via_to_string,
    display_impl_switched_to_pad,
    from_str_impl_of_a_dependency_via_parse,
    from_str_of_an_app_type_calls_a_dependency_helper,
    try_from_impl_of_a_dependency_via_try_into,
    from_impl_run_by_question_mark,
    as_ref_impl_of_an_app_type_through_a_dependency_generic,
    borrow_impl_of_an_app_type_through_a_dependency_generic,
    lazy_lock_initializer_calls_a_dependency_fn,
    once_lock_get_or_init_private_loader_of_a_dependency,
    thread_local_const_initializer_reads_a_dependency_const,
    thread_local_lazy_initializer_calls_an_app_fn,
    returned_closure_calls_a_dependency_fn,
    closure_returned_by_a_dependency_calls_a_private_helper,
    boxed_closure_chosen_by_a_dependency_match,
    array_from_fn_closure_calls_an_app_fn,
    fn_pointer_coerced_from_a_dependency_fn,
    safe_fn_of_an_unsafe_extern_block,
    safe_fn_under_link_name,
    unsafe_fn_under_link_name,
    safe_static_under_link_name,
    unsafe_static_under_link_name,
    link_name_of_a_safe_fn_retargeted,
    safe_fn_of_a_dependency_defined_by_app,
    cfg_select_item_branch_body,
    cfg_select_item_predicate_changed,
    cfg_select_expression_calls_a_dependency_fn,
    cfg_select_item_in_a_dependency,
    dependency_moves_to_edition_2024_if_let_rescope,
);
