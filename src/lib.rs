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

/// Caches a function's results persistently: across calls, runs and machines.
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
/// assert_eq!(lookup("ada", false), "ADA"); // `verbose` is not part of the key: a hit
/// ```
///
/// # Options
///
/// | option | value | meaning |
/// |---|---|---|
/// | `ttl` | `"1d"` (humantime, checked at compile time) or a `Duration` expression | entries older than this are not served |
/// | `ignore` | `[a, b]` or `a` | arguments left out of the key |
/// | `serializer` | an expression of a type implementing [`Codec`] for the stored type, e.g. `perscache::Json` | the format, instead of the cache's default |
/// | `storage` | an expression of a type implementing [`Storage`], evaluated once | where entries go, instead of the cache's storage |
/// | `cache` | a [`Cache`], a `LazyLock<Cache>`, [`NoCache`], a reference… (see [`AsCache`]) | the cache to use instead of [`Cache::global`] |
/// | `per_instance` | `true` (default) / `false` | methods: whether `self` is part of the key |
/// | `instance_key` | an expression, e.g. `self.id` | methods: the instance's identity, instead of its `Serialize` state |
/// | `cache_none` | `true` (default) / `false` | `Option` results: whether `None` is stored |
///
/// # What is stored
///
/// The return value, through the format: it must be `Serialize + DeserializeOwned`
/// for serde formats. For `Result<T, E>` only `Ok(T)` is stored (so `E` need not be
/// serializable), and an `Err` is returned as it is, every time. For `Option<T>`,
/// `None` is stored too unless `cache_none = false`.
///
/// # What is in the key
///
/// The function's full path, its code hash, the format's name, the instance key
/// (methods with `per_instance`), every argument not in `ignore` (through
/// `serde::Serialize`, canonically; never `std::hash::Hash`), and the concrete
/// types of generic parameters and `impl Trait` arguments.
///
/// # What is refused at compile time, and what to do instead
///
/// - an argument that is not `Serialize`: derive it, or `ignore` the argument;
/// - a `&mut` argument: `ignore` it if its changes don't matter; `&mut self`: take `&self`;
/// - a pattern argument such as `(a, b): (u32, u32)`: bind it to a name;
/// - no return value, a reference or `impl Trait` returned: return owned, concrete data;
/// - `const fn`; options that do not apply (`instance_key` on a free function, `cache_none`
///   without `Option`), unknown options and invalid `ttl` strings.
///
/// # Failures
///
/// A failure of the cache (damaged entry, storage down, full disk, a type the format
/// cannot read back) never reaches the caller: the function runs and its own value is
/// returned, with a warning through `tracing` (or a panic with
/// [`CacheBuilder::strict`]).
pub use perscache_macros::persist;
