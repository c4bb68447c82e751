//! # perscache
//!
//! Persistent memoization: mark a function `#[persist]` and its results
//! survive between runs, in the format and on the storage you choose. When
//! the function's code — or any code it calls — changes, its old results are
//! no longer served.
//!
//! ## Quick start
//!
//! ```toml
//! [dependencies]
//! perscache = "0.1"
//! serde = { version = "1", features = ["derive"] }
//! ```
//!
//! ```
//! use perscache::persist;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Forecast {
//!     city: String,
//!     days: Vec<f64>,
//! }
//!
//! /// Runs once per `(city, days)`, ever: later calls, in this run or the
//! /// next, read the stored result.
//! #[persist]
//! fn forecast(city: &str, days: u32) -> Forecast {
//!     // Stands in for a slow, paid API.
//!     Forecast { city: city.to_owned(), days: (0..days).map(f64::from).collect() }
//! }
//!
//! # std::env::set_var("PERSCACHE_DIR", std::env::temp_dir().join("perscache-doc-lib"));
//! assert_eq!(forecast("Lisbon", 3).days, [0.0, 1.0, 2.0]); // runs the function
//! assert_eq!(forecast("Lisbon", 3).days, [0.0, 1.0, 2.0]); // served from the cache
//! ```
//!
//! The entries go to `perscache/` in the user's cache folder (or
//! `$PERSCACHE_DIR`), in a compact binary format. `cargo run --example
//! quickstart` in the repository runs this twice over.
//!
//! ## The parts
//!
//! - **[`#[persist]`](persist)**: the attribute, its options (`ttl`, `ignore`,
//!   `serializer`, `storage`, `cache`, `per_instance`, `instance_key`,
//!   `cache_none`), what enters the key, and what is refused at compile time.
//!   Async functions and methods are supported; `Result` stores only `Ok`.
//! - **Configuration**: a [`Cache`] built in code with [`Cache::builder`]
//!   ([`CacheBuilder`]: folder or URL, default format, time to live,
//!   `max_size`, memory tier, strict mode, a signing secret), [`NoCache`] to
//!   turn caching off, or no code at all: the default cache
//!   ([`Cache::global`]) reads `perscache.toml` and `PERSCACHE_*` variables
//!   ([`Config`]), so `PERSCACHE=off` or `PERSCACHE_URL=s3://bucket/prefix`
//!   switches environments.
//! - **Formats**: [`Binary`] (the default), [`Json`] ([`Json::pretty`]),
//!   [`Yaml`], [`MessagePack`], [`Cbor`], [`Csv`] and [`Parquet`] for tables,
//!   [`Zstd`] around any of them, and your own from two closures ([`Custom`])
//!   or by implementing [`Format`] and [`Codec`]. Which type each holds:
//!   [docs/formats.md](https://github.com/perscache/perscache-rs/blob/main/docs/formats.md).
//! - **Storage**: local files ([`LocalStorage`], the default), process memory
//!   ([`MemoryStorage`]), S3, Google Cloud Storage and Azure Blob
//!   ([`ObjectStorage`]), Redis ([`RedisStorage`]), one database file for
//!   many small results ([`PackedStorage`]), or your own
//!   ([`Storage`], with [`async_trait`]). Wrappers over any of them:
//!   [`SizeLimited`] (`max_size`, least recently used first),
//!   [`OutageBreaker`], [`SignedStorage`]. Credentials and outages:
//!   [docs/storage.md](https://github.com/perscache/perscache-rs/blob/main/docs/storage.md).
//! - **Statistics**: hits, misses and the time saved per function
//!   ([`read_stats`], [`FunctionStats`]), and where entries sit ([`entry`]).
//! - **The `cargo perscache` command** (the `cargo-perscache` crate):
//!   `build`, `explain`, `list`, `stats`, `clear --stale`. Install it
//!   with `cargo install cargo-perscache` (add `--features remote` for `stats`
//!   and `clear` on S3, GCS, Azure and Redis).
//!
//! ## Cargo features
//!
//! Nothing is on by default; JSON and the binary format are always there.
//!
//! | feature | adds |
//! |---|---|
//! | `yaml`, `msgpack`, `cbor` | [`Yaml`], [`MessagePack`], [`Cbor`] |
//! | `csv` | [`Csv`], for `Vec` of flat records |
//! | `parquet` | [`Parquet`], for `Vec` of records and Arrow `RecordBatch` ([`arrow_array`]) |
//! | `zstd` | [`Zstd`], compression around any format |
//! | `all-formats` | all of the above |
//! | `s3`, `gcs`, `azure` | [`ObjectStorage`] on each cloud (`s3://`, `gs://`, `az://` URLs) |
//! | `redis` | [`RedisStorage`] (`redis://` URLs) |
//! | `packed` | [`PackedStorage`], one LMDB file for many small results (`packed://` URLs) |
//!
//! ## Examples
//!
//! Each use case is a small program in
//! [`examples/`](https://github.com/perscache/perscache-rs/tree/main/examples);
//! run any of them twice: the second run is served from the cache.
//!
//! | example | shows |
//! |---|---|
//! | `quickstart` | the quick start above |
//! | `paid_api` | a slow paid API with `ttl`; errors are never stored |
//! | `async_tokio` | async functions and methods on tokio, single flight |
//! | `methods` | per-instance (`instance_key`) and shared (`per_instance = false`) methods |
//! | `ignore_args` | arguments left out of the key with `ignore` |
//! | `environments` | caching off in debug, a bucket in CI, a folder on a laptop |
//! | `parquet_table` | a table stored as Parquet and read back by the `parquet` crate |
//! | `data_store` | a simple bounded data store, with its statistics |
//! | `inspect_entries` | human-readable JSON and YAML entries |
//! | `custom_format` | a format made of two closures |
//! | `shared_remote` | a cache shared on S3 and Redis |
//!
//! ## Never stale, never in the way
//!
//! The key holds the function's full path, a hash of its code and of
//! everything it reaches in the workspace (callees, types, constants,
//! macros, included files, the versions of external crates), the build
//! configuration, the format's name, the instance key and the arguments
//! (through `serde::Serialize`, never `std::hash::Hash`). A failure of the
//! cache — a damaged entry, a full disk, a storage server that is down —
//! never reaches the caller: the function runs and returns its own value,
//! with a warning through `tracing`. What a release changes in keys or in
//! the storage layout is in the
//! [changelog](https://github.com/perscache/perscache-rs/blob/main/CHANGELOG.md).
//!
#![cfg_attr(feature = "yaml", doc = "[`Yaml`]: crate::Yaml")]
#![cfg_attr(
    not(feature = "yaml"),
    doc = "[`Yaml`]: https://docs.rs/perscache/latest/perscache/struct.Yaml.html"
)]
#![cfg_attr(feature = "msgpack", doc = "[`MessagePack`]: crate::MessagePack")]
#![cfg_attr(
    not(feature = "msgpack"),
    doc = "[`MessagePack`]: https://docs.rs/perscache/latest/perscache/struct.MessagePack.html"
)]
#![cfg_attr(feature = "cbor", doc = "[`Cbor`]: crate::Cbor")]
#![cfg_attr(
    not(feature = "cbor"),
    doc = "[`Cbor`]: https://docs.rs/perscache/latest/perscache/struct.Cbor.html"
)]
#![cfg_attr(feature = "csv", doc = "[`Csv`]: crate::Csv")]
#![cfg_attr(
    not(feature = "csv"),
    doc = "[`Csv`]: https://docs.rs/perscache/latest/perscache/struct.Csv.html"
)]
#![cfg_attr(feature = "parquet", doc = "[`Parquet`]: crate::Parquet")]
#![cfg_attr(
    not(feature = "parquet"),
    doc = "[`Parquet`]: https://docs.rs/perscache/latest/perscache/struct.Parquet.html"
)]
#![cfg_attr(feature = "parquet", doc = "[`arrow_array`]: crate::arrow_array")]
#![cfg_attr(
    not(feature = "parquet"),
    doc = "[`arrow_array`]: https://docs.rs/perscache/latest/perscache/arrow_array/index.html"
)]
#![cfg_attr(feature = "zstd", doc = "[`Zstd`]: crate::Zstd")]
#![cfg_attr(
    not(feature = "zstd"),
    doc = "[`Zstd`]: https://docs.rs/perscache/latest/perscache/struct.Zstd.html"
)]
#![cfg_attr(
    any(feature = "s3", feature = "gcs", feature = "azure"),
    doc = "[`ObjectStorage`]: crate::ObjectStorage"
)]
#![cfg_attr(
    not(any(feature = "s3", feature = "gcs", feature = "azure")),
    doc = "[`ObjectStorage`]: https://docs.rs/perscache/latest/perscache/struct.ObjectStorage.html"
)]
#![cfg_attr(feature = "redis", doc = "[`RedisStorage`]: crate::RedisStorage")]
#![cfg_attr(
    not(feature = "redis"),
    doc = "[`RedisStorage`]: https://docs.rs/perscache/latest/perscache/struct.RedisStorage.html"
)]
#![cfg_attr(feature = "packed", doc = "[`PackedStorage`]: crate::PackedStorage")]
#![cfg_attr(
    not(feature = "packed"),
    doc = "[`PackedStorage`]: https://docs.rs/perscache/latest/perscache/struct.PackedStorage.html"
)]
// docs.rs builds with `--cfg docsrs` on nightly (package.metadata.docs.rs), so
// that each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

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
