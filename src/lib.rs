//! # perscache
//!
//! Persistent memoization: mark a function `#[persist]` and its results
//! survive between runs, in the format and on the storage you choose. When
//! the function's code changes, its old results are no longer served.
//!
//! ```
//! use perscache::persist;
//!
//! #[persist]
//! fn slow_square(x: u64) -> u64 {
//!     std::thread::sleep(std::time::Duration::from_millis(10));
//!     x * x
//! }
//!
//! # std::env::set_var("PERSCACHE_DIR", std::env::temp_dir().join("perscache-doc-lib"));
//! assert_eq!(slow_square(3), 9); // runs the function
//! assert_eq!(slow_square(3), 9); // served from the cache, in this run and the next
//! ```
//!
//! See the README for the full guide: options of `#[persist]`, formats,
//! storage, configuration and the `cargo perscache` command.

pub use perscache_runtime::*;

/// Caches a function's results persistently. See the crate documentation
/// and the README for every option.
///
/// ```
/// use perscache::persist;
///
/// #[persist(ttl = "1h", ignore = [verbose])]
/// fn lookup(name: &str, verbose: bool) -> String {
///     if verbose { println!("looking up {name}"); }
///     name.to_uppercase()
/// }
/// # std::env::set_var("PERSCACHE_DIR", std::env::temp_dir().join("perscache-doc-persist"));
/// assert_eq!(lookup("ada", true), "ADA");
/// ```
pub use perscache_macros::persist;
