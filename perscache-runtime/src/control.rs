//! What a run or a part of it asks of the cache besides serving it: to
//! recompute and overwrite ([`refresh`], `PERSCACHE_REFRESH`) or to leave it
//! alone ([`bypass`]).
//!
//! A scope is the calls made on the current thread while its closure runs,
//! or while its future is polled ([`refresh_async`], [`bypass_async`]); the
//! innermost scope wins. Tasks spawned inside a scope are not in it: wrap
//! their futures too.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

/// What one call does with the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Serve a stored result, else compute and store it.
    Serve,
    /// Compute, and store the result over the stored one.
    Refresh,
    /// Compute; neither read nor write the cache.
    Bypass,
}

thread_local! {
    static SCOPE: Cell<Option<Mode>> = const { Cell::new(None) };
}

/// Runs `f` with every cached call it makes on this thread recomputed and
/// its result stored over the old one: for a result known to be outdated
/// for reasons the code does not show (the data behind an API changed).
///
/// ```
/// use perscache::{persist, Cache};
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::sync::LazyLock;
///
/// static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().url("memory://").unwrap().build());
/// static CALLS: AtomicU32 = AtomicU32::new(0);
///
/// #[persist(cache = CACHE)]
/// fn price(item: u32) -> u32 {
///     CALLS.fetch_add(1, Ordering::Relaxed);
///     item * 10
/// }
///
/// price(1);
/// price(1); // served
/// perscache::refresh(|| price(1)); // computed again and stored
/// price(1); // served: the refreshed result
/// assert_eq!(CALLS.load(Ordering::Relaxed), 2);
/// ```
pub fn refresh<R>(f: impl FnOnce() -> R) -> R {
    in_scope(Mode::Refresh, f)
}

/// Runs `f` with every cached call it makes on this thread computed, and
/// the cache neither read nor written: to measure the function, or to check
/// a result against the stored one.
///
/// ```
/// use perscache::{persist, Cache};
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::sync::LazyLock;
///
/// static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().url("memory://").unwrap().build());
/// static CALLS: AtomicU32 = AtomicU32::new(0);
///
/// #[persist(cache = CACHE)]
/// fn price(item: u32) -> u32 {
///     CALLS.fetch_add(1, Ordering::Relaxed);
///     item * 10
/// }
///
/// perscache::bypass(|| price(1)); // computed, not stored
/// price(1); // computed and stored
/// price(1); // served
/// assert_eq!(CALLS.load(Ordering::Relaxed), 2);
/// ```
pub fn bypass<R>(f: impl FnOnce() -> R) -> R {
    in_scope(Mode::Bypass, f)
}

/// [`refresh`] for a future: the cached calls it makes while it is polled
/// are recomputed and stored over the old results.
pub fn refresh_async<F: Future>(future: F) -> Scoped<F> {
    Scoped::new(Mode::Refresh, future)
}

/// [`bypass`] for a future: the cached calls it makes while it is polled
/// neither read nor write the cache.
pub fn bypass_async<F: Future>(future: F) -> Scoped<F> {
    Scoped::new(Mode::Bypass, future)
}

/// A future whose cached calls run in a [`refresh_async`] or
/// [`bypass_async`] scope.
#[must_use = "futures do nothing unless awaited"]
pub struct Scoped<F> {
    mode: Mode,
    // Boxed so that polling it needs no unsafe pin projection.
    inner: Pin<Box<F>>,
}

impl<F> Scoped<F> {
    fn new(mode: Mode, future: F) -> Self {
        Scoped {
            mode,
            inner: Box::pin(future),
        }
    }
}

impl<F> std::fmt::Debug for Scoped<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped").field("mode", &self.mode).finish()
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mode = self.mode;
        in_scope(mode, || self.inner.as_mut().poll(cx))
    }
}

/// Runs `f` in a scope of `mode`, and restores the enclosing scope after,
/// even when `f` panics.
fn in_scope<R>(mode: Mode, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Mode>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPE.with(|scope| scope.set(self.0));
        }
    }
    let _restore = Restore(SCOPE.with(|scope| scope.replace(Some(mode))));
    f()
}

/// What a call does: its scope's mode, else `Refresh` when
/// `PERSCACHE_REFRESH` names its function, else `Serve`.
pub(crate) fn mode(refreshed_by_env: impl FnOnce() -> bool) -> Mode {
    match SCOPE.with(Cell::get) {
        Some(mode) => mode,
        None if refreshed_by_env() => Mode::Refresh,
        None => Mode::Serve,
    }
}

/// The patterns of `PERSCACHE_REFRESH`, read once per process.
static REFRESH_PATTERNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    std::env::var("PERSCACHE_REFRESH")
        .map(|v| parse_patterns(&v))
        .unwrap_or_default()
});

/// Whether `PERSCACHE_REFRESH` names `function`.
pub(crate) fn refreshed_by_env(function: &str) -> bool {
    REFRESH_PATTERNS.iter().any(|p| names(p, function))
}

fn parse_patterns(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `pattern` names `function` (a full path such as
/// `shop::api::price` or `<shop::Db as shop::Load>::load`): it matches the
/// whole path or a tail of it that starts after a `::` (`price`,
/// `api::price`), and `*` stands for any run of characters (`api::*`, `*`).
fn names(pattern: &str, function: &str) -> bool {
    glob(pattern, function)
        || function
            .match_indices("::")
            .any(|(at, _)| glob(pattern, &function[at + 2..]))
}

/// `*`-only glob matching, by the classic backtracking on the last star.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_names_the_whole_path_or_a_tail_after_a_separator() {
        assert!(names("shop::api::price", "shop::api::price"));
        assert!(names("price", "shop::api::price"));
        assert!(names("api::price", "shop::api::price"));
        assert!(!names("rice", "shop::api::price"));
        assert!(!names("shop::api", "shop::api::price"));
        assert!(names("api::*", "shop::api::price"));
        assert!(names("*", "shop::api::price"));
        assert!(names("shop::*::price", "shop::api::price"));
        assert!(names("pri*", "shop::api::price"));
        assert!(!names("pri*x", "shop::api::price"));
        assert!(names("load", "<shop::Db as shop::Load>::load"));
    }

    #[test]
    fn patterns_are_comma_separated_and_trimmed() {
        assert_eq!(parse_patterns(" a , b::*,,"), ["a", "b::*"]);
        assert!(parse_patterns("").is_empty());
    }

    #[test]
    fn the_innermost_scope_wins_and_the_outer_one_comes_back() {
        let never = || false;
        assert_eq!(mode(never), Mode::Serve);
        refresh(|| {
            assert_eq!(mode(never), Mode::Refresh);
            bypass(|| assert_eq!(mode(never), Mode::Bypass));
            assert_eq!(mode(never), Mode::Refresh);
        });
        assert_eq!(mode(|| true), Mode::Refresh);
        let _ = std::panic::catch_unwind(|| bypass(|| panic!("inside")));
        assert_eq!(mode(never), Mode::Serve);
    }
}
