//! Round 15 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 14: `analysis_adversarial.rs` to
//! `analysis_adversarial14.rs`): code a caller passes to a generic marked
//! function. A closure (`F: Fn(..)`, `&dyn Fn`, `Box<dyn Fn>`), an iterator
//! (`I: Iterator`, `I: IntoIterator`) or a future (`F: Future`, `impl
//! Future`, `Pin<Box<dyn Future>>`, a function returning one) cannot be
//! serialized: it is `ignore`d in the key, and the marked function's result
//! depends on code written where it is called, in its caller or in what
//! the caller calls. The items that call the function by name, in every
//! crate that can, count in its hash.
//!
//! The fixture (`tests/fixtures/adversarial15/ws`) has three crates: `gen`
//! (serde: the marked functions, a marked method of a generic struct and an
//! async marked method, and two callers of its own, `via` and `via_g`),
//! `down` (no dependency: the iterator, closure, async functions and future
//! a caller hands in) and `app` (depends on gen and down: the callers,
//! where the code is passed or written). A case is one edit and the
//! functions whose **result** it changes (`must`), judged through the real
//! binary (`cargo perscache list --json`): every `must` function must get a
//! new code hash, or a cached result is served stale. Each case is a test
//! of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial15/probe`, `PERSCACHE=off`) that calls every marked
//! function through its callers, and checks that each edit changes the
//! results of exactly its `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial15 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial15",
    members: &["gen"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("it_sum", "gen::it_sum"),
    ("total_of", "gen::total_of"),
    ("call_f", "gen::call_f"),
    ("call_dyn", "gen::call_dyn"),
    ("call_box", "gen::call_box"),
    ("a7", "gen::a7"),
    ("a8", "gen::a8"),
    ("a9", "gen::a9"),
    ("await_boxed", "gen::await_boxed"),
    ("poll_f", "gen::poll_f"),
    ("grid_score", "gen::Grid::score"),
    ("runner_run", "gen::Runner::run"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = code_written_in_what_the_caller_calls();
    v.extend(code_written_at_the_caller());
    v
}

/// The caller (`app`) passes code it gets from `down`: the closure,
/// iterator or future is written there, two crates away from the marked
/// function and reached through the caller.
fn code_written_in_what_the_caller_calls() -> Vec<Case> {
    vec![
        case(
            "code_param_iterator_mapped_by_a_closure_of_down",
            "I: Iterator: `gen::it_sum(down::evens())` in `app::evens_sum`; `down::evens` maps its range with `|x| x * 2`, which becomes `|x| x * 3`",
            "down/src/lib.rs",
            "(0..4u32).map(|x| x * 2)",
            "(0..4u32).map(|x| x * 3)",
            &["it_sum"],
        ),
        case(
            "code_param_closure_returned_by_a_function_of_down",
            "F: Fn(u32) -> u32: `gen::call_f(down::adder())` in `app::added`; the closure `down::adder` returns adds 4 instead of 3",
            "down/src/lib.rs",
            "|x| x + 3",
            "|x| x + 4",
            &["call_f"],
        ),
        case(
            "code_param_future_of_an_async_fn_of_down",
            "F: Future<Output = u64>: the async `gen::a7(down::job())` in `app::job_plus`; the async fn `down::job` returns 700 instead of 70",
            "down/src/lib.rs",
            "pub async fn job() -> u64 {\n    70\n",
            "pub async fn job() -> u64 {\n    700\n",
            &["a7"],
        ),
        case(
            "code_param_impl_future_of_an_async_fn_of_down",
            "f: impl Future<Output = u64>: the async `gen::a8(down::job8())` in `app::job8_plus`; `down::job8` returns 800 instead of 80",
            "down/src/lib.rs",
            "pub async fn job8() -> u64 {\n    80\n",
            "pub async fn job8() -> u64 {\n    800\n",
            &["a8"],
        ),
        case(
            "code_param_fn_returning_a_future_of_down",
            "F: Fn() -> Fut, Fut: Future: `gen::a9(down::job9)` in `app::job9_plus` passes the async fn itself, which the marked function calls and awaits; it returns 900 instead of 90",
            "down/src/lib.rs",
            "pub async fn job9() -> u64 {\n    90\n",
            "pub async fn job9() -> u64 {\n    900\n",
            &["a9"],
        ),
        case(
            "code_param_future_of_down_polled_by_a_sync_marked_function",
            "F: Future<Output = u64> of a sync function: `gen::poll_f(down::fut10())` in `app::polled` polls the future once; the async block `down::fut10` returns now yields 1000, not 100",
            "down/src/lib.rs",
            "async { 100 }",
            "async { 1000 }",
            &["poll_f"],
        ),
    ]
}

/// The code is written at the call itself: a closure or an async block in
/// the caller, in `app` or in the marked function's own crate.
fn code_written_at_the_caller() -> Vec<Case> {
    vec![
        case(
            "code_param_async_block_at_a_caller_in_app",
            "F: Future<Output = u64>: `gen::a7(async { 7u64 })` in `app::block_plus`; the async block yields 8",
            "app/src/lib.rs",
            "async { 7u64 }",
            "async { 8u64 }",
            &["a7"],
        ),
        case(
            "code_param_dyn_fn_closure_at_a_caller_in_app",
            "f: &dyn Fn(u32) -> u32: `gen::call_dyn(&|x| x * 7)` in `app::dyn_called`; the closure multiplies by 8",
            "app/src/lib.rs",
            "|x| x * 7",
            "|x| x * 8",
            &["call_dyn"],
        ),
        case(
            "code_param_dyn_fn_closure_at_a_caller_in_the_same_crate",
            "f: &dyn Fn(u32) -> u32: `call_dyn(&|x| x + 9)` in `gen::via`, the marked function's own crate; the closure adds 10",
            "gen/src/lib.rs",
            "|x| x + 9",
            "|x| x + 10",
            &["call_dyn"],
        ),
        case(
            "code_param_generic_fn_closure_at_a_caller_in_the_same_crate",
            "F: Fn(u32) -> u32: `call_f(|x| x + 19)` in `gen::via_g`, the marked function's own crate; the closure adds 20",
            "gen/src/lib.rs",
            "|x| x + 19",
            "|x| x + 20",
            &["call_f"],
        ),
        case(
            "code_param_boxed_dyn_fn_closure_at_a_caller_in_app",
            "f: Box<dyn Fn(u32) -> u32>: `gen::call_box(Box::new(|x| x * 6))` in `app::box_called`; the closure multiplies by 5",
            "app/src/lib.rs",
            "|x| x * 6",
            "|x| x * 5",
            &["call_box"],
        ),
        case(
            "code_param_into_iterator_mapped_at_a_caller_in_app",
            "I: IntoIterator<Item = u32>: `gen::total_of((1..4u32).map(|x| x * x))` in `app::squares_total`; the closure adds 1 to each square",
            "app/src/lib.rs",
            "map(|x| x * x)",
            "map(|x| x * x + 1)",
            &["total_of"],
        ),
        case(
            "code_param_pinned_boxed_future_at_a_caller_in_app",
            "f: Pin<Box<dyn Future<Output = u64> + Send>> of an async marked function: `gen::await_boxed(Box::pin(async { 33 }))` in `app::boxed_plus`; the async block yields 34",
            "app/src/lib.rs",
            "async { 33 }",
            "async { 34 }",
            &["await_boxed"],
        ),
        case(
            "code_param_closure_to_a_marked_method_of_a_generic_struct",
            "F: Fn(&T) -> u32 of a method of `impl<T: Serialize> Grid<T>`: `Grid { cells: vec![1u32, 2, 3] }.score(|c| c * 10)` in `app::grid_score`, a method call; the closure multiplies by 11",
            "app/src/lib.rs",
            "score(|c| c * 10)",
            "score(|c| c * 11)",
            &["grid_score"],
        ),
        case(
            "code_param_async_block_to_an_async_marked_method",
            "F: Future<Output = u64> of the async method `Runner::run`: `Runner { id: 2 }.run(async { 44 })` in `app::run_job`, a method call; the async block yields 45",
            "app/src/lib.rs",
            "run(async { 44 })",
            "run(async { 45 })",
            &["runner_run"],
        ),
    ]
}

case_tests!(
    // Code written in what the caller calls.
    code_param_iterator_mapped_by_a_closure_of_down,
    code_param_closure_returned_by_a_function_of_down,
    code_param_future_of_an_async_fn_of_down,
    code_param_impl_future_of_an_async_fn_of_down,
    code_param_fn_returning_a_future_of_down,
    code_param_future_of_down_polled_by_a_sync_marked_function,
    // Code written at the caller.
    code_param_async_block_at_a_caller_in_app,
    code_param_dyn_fn_closure_at_a_caller_in_app,
    code_param_dyn_fn_closure_at_a_caller_in_the_same_crate,
    code_param_generic_fn_closure_at_a_caller_in_the_same_crate,
    code_param_boxed_dyn_fn_closure_at_a_caller_in_app,
    code_param_into_iterator_mapped_at_a_caller_in_app,
    code_param_pinned_boxed_future_at_a_caller_in_app,
    code_param_closure_to_a_marked_method_of_a_generic_struct,
    code_param_async_block_to_an_async_marked_method,
);
