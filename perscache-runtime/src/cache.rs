//! The [`Cache`]: a storage, a default format, a time to live and the rules for
//! failures, shared by the functions that use it.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::flight::Flights;
use crate::format::AnyFormat;
use crate::storage::{compose, local_tier, open_backend, LocalStorage, Storage};
use crate::tier::MemoryTier;

/// The largest entry a cache reads or writes unless configured otherwise
/// ([`CacheBuilder::max_entry_size`], `PERSCACHE_MAX_ENTRY_SIZE`): 1 GiB.
pub const DEFAULT_MAX_ENTRY_SIZE: u64 = 1 << 30;

/// The memory tier of the default cache ([`Cache::from_env`], what
/// `#[persist]` without `cache = …` uses) when `perscache.toml` and the
/// environment set none: 64 MiB of recent entries. `memory_tier = 0` or
/// `PERSCACHE_MEMORY_TIER=0` turn it off. A cache made with
/// [`Cache::builder`] has the tier it is given ([`CacheBuilder::memory_tier`]).
pub const DEFAULT_MEMORY_TIER: usize = 64 << 20;

/// How long a process computing a key keeps others from computing it too,
/// unless configured ([`CacheBuilder::lease`]): 30 s.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// Where `#[persist]` keeps results, in what format, and for how long.
///
/// Functions that name no cache use the [default cache](Cache::from_env), set
/// up from the environment. A named one is usually a static:
///
/// ```
/// use std::sync::LazyLock;
/// use std::time::Duration;
/// use perscache::{persist, Cache, Json};
///
/// static CACHE: LazyLock<Cache> = LazyLock::new(|| {
///     Cache::builder()
///         .dir(std::env::temp_dir().join("perscache-doc-example"))
///         .format(Json)
///         .ttl(Duration::from_secs(3600))
///         .build()
/// });
///
/// #[persist(cache = CACHE)]
/// fn square(x: u64) -> u64 {
///     x * x
/// }
///
/// assert_eq!(square(12), 144);
/// ```
pub struct Cache {
    pub(crate) storage: Arc<dyn Storage>,
    pub(crate) format: AnyFormat,
    pub(crate) ttl: Option<Duration>,
    pub(crate) max_entry_size: u64,
    pub(crate) strict: bool,
    pub(crate) enabled: bool,
    pub(crate) tier: Option<MemoryTier>,
    pub(crate) flights: Flights,
    pub(crate) lease: Duration,
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("enabled", &self.enabled)
            .field("storage", &self.storage)
            .field("format", &self.format)
            .field("ttl", &self.ttl)
            .field("max_entry_size", &self.max_entry_size)
            .field("strict", &self.strict)
            .field("memory_tier", &self.tier.is_some())
            .field("lease", &self.lease)
            .finish()
    }
}

impl Default for Cache {
    /// Local files in [`default_dir`](crate::default_dir), the binary format,
    /// no time to live. Unlike [`Cache::from_env`], it ignores the environment.
    fn default() -> Self {
        Cache::builder().build()
    }
}

impl Cache {
    /// A builder, starting from local files in [`default_dir`](crate::default_dir),
    /// the binary format and no time to live.
    pub fn builder() -> CacheBuilder {
        CacheBuilder::default()
    }

    /// The largest entry it reads or writes, in bytes
    /// ([`CacheBuilder::max_entry_size`]).
    pub fn max_entry_size(&self) -> u64 {
        self.max_entry_size
    }

    /// A cache that stores nothing: every call runs the function.
    ///
    /// ```
    /// let cache = perscache::Cache::disabled();
    /// assert!(!cache.is_enabled());
    /// ```
    pub fn disabled() -> Cache {
        let mut cache = Cache::builder()
            .storage(crate::MemoryStorage::new())
            .build();
        cache.enabled = false;
        cache
    }

    /// A cache set up from `perscache.toml` and `PERSCACHE_*` variables; see
    /// [`Config`]. This is how the default cache is made.
    ///
    /// ```
    /// std::env::set_var("PERSCACHE_URL", "memory://");
    /// let cache = perscache::Cache::from_env()?;
    /// assert_eq!(cache.storage().name(), "memory");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_env() -> Result<Cache> {
        let config = Config::load()?;
        let mut builder = Cache::builder()
            .memory_tier(DEFAULT_MEMORY_TIER)
            .config(&config)?;
        // Read here rather than kept in `Config`, so the secret is never
        // part of a value that gets printed or serialized.
        if let Some(secret) = std::env::var_os("PERSCACHE_SECRET").filter(|s| !s.is_empty()) {
            builder = builder.secret(secret.as_encoded_bytes());
        }
        Ok(builder.build())
    }

    /// The cache used by functions that name none: [`Cache::from_env`], made
    /// on first use. An invalid configuration turns caching off, with an error
    /// through `tracing`: a typo must not make results go somewhere unexpected.
    pub fn global() -> &'static Cache {
        static GLOBAL: LazyLock<Cache> = LazyLock::new(|| {
            Cache::from_env().unwrap_or_else(|e| {
                tracing::error!(error = %e, "perscache: invalid configuration; caching is off");
                Cache::disabled()
            })
        });
        &GLOBAL
    }

    /// Whether calls are cached at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The storage entries go to, unless a function names its own.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The format of functions that name none.
    pub fn format(&self) -> &AnyFormat {
        &self.format
    }

    /// The time to live of functions that set none.
    pub fn ttl(&self) -> Option<Duration> {
        self.ttl
    }

    /// Reports a cache failure: a warning, or a panic in strict mode.
    pub(crate) fn failed(&self, function: &str, what: &str, error: &Error) {
        if self.strict {
            panic!("perscache (strict mode): {function}: {what}: {error}");
        }
        tracing::warn!(function, error = %error, "perscache: {what}; running the function instead");
    }
}

/// Configures a [`Cache`]; start with [`Cache::builder`].
///
/// The storage is put together in [`build`](Self::build), in one order
/// whatever the order of the calls: the backend (local files in
/// [`dir`](Self::dir) or the default folder, the one a [`url`](Self::url)
/// names, or a [`storage`](Self::storage) of your own), behind an
/// [`OutageBreaker`](crate::OutageBreaker), behind a
/// [`SizeLimited`](crate::SizeLimited) for [`max_size`](Self::max_size),
/// behind a [`SignedStorage`](crate::SignedStorage) for
/// [`secret`](Self::secret).
#[derive(Debug, Default)]
pub struct CacheBuilder {
    source: Source,
    format: AnyFormat,
    ttl: Option<Duration>,
    max_size: Option<u64>,
    max_entry_size: Option<u64>,
    shared: bool,
    memory_tier: Option<usize>,
    local_tier: Option<(PathBuf, u64)>,
    lease: Option<Duration>,
    strict: bool,
    disabled: bool,
    secret: Option<Secret>,
}

/// Where a cache's entries go, before the wrappers.
#[derive(Debug, Default)]
enum Source {
    /// Local files in [`default_dir`](crate::default_dir).
    #[default]
    DefaultDir,
    /// Local files in this folder.
    Dir(PathBuf),
    /// The backend a URL named.
    Url(Arc<dyn Storage>),
    /// A storage the user built, with its own limit if any.
    Given(Arc<dyn Storage>),
}

/// A signing secret that never shows in `Debug` output.
#[derive(Default)]
struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

impl CacheBuilder {
    /// Stores entries in `storage`.
    pub fn storage(self, storage: impl Storage) -> Self {
        self.storage_arc(Arc::new(storage))
    }

    /// Stores entries in a storage shared with other caches.
    pub fn storage_arc(mut self, storage: Arc<dyn Storage>) -> Self {
        self.source = Source::Given(storage);
        self
    }

    /// Stores entries as files under `dir`, bounded by [`max_size`](Self::max_size)
    /// whether that is set before or after.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let cache = perscache::Cache::builder().dir(dir.path()).max_size(1 << 20).build();
    /// assert_eq!(cache.storage().name(), "local");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.source = Source::Dir(dir.into());
        self
    }

    /// Stores entries where a storage URL points (see [`open_url`](crate::open_url)).
    ///
    /// ```
    /// let cache = perscache::Cache::builder().url("memory://")?.build();
    /// assert_eq!(cache.storage().name(), "memory");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn url(mut self, url: &str) -> Result<Self> {
        let (url, tier) = local_tier::split_url(url)?;
        if tier.is_some() {
            self.local_tier = tier;
        }
        // A local folder is opened at `build`, with the folder's settings
        // (`shared`) whenever they are given.
        self.source = match crate::local_folder(&url) {
            Some(dir) => Source::Dir(dir),
            None => Source::Url(open_backend(&url)?),
        };
        Ok(self)
    }

    /// Shares the local folder ([`dir`](Self::dir), the default folder or a
    /// `file://` URL) with its group: see [`LocalStorageBuilder::shared`](crate::LocalStorageBuilder::shared),
    /// which also says what is trusted. `shared = true` in `perscache.toml`,
    /// `PERSCACHE_SHARED=1`.
    pub fn shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// The format of functions that name none.
    pub fn format(mut self, format: impl Into<AnyFormat>) -> Self {
        self.format = format.into();
        self
    }

    /// Entries older than `ttl` are not served, for functions that set none.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Bounds the entries of [`dir`](Self::dir) or the default folder, or of
    /// the storage a [`url`](Self::url) names, to about `bytes`, least
    /// recently used first (see [`SizeLimited`](crate::SizeLimited)); a
    /// storage you pass in carries its own limit.
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = Some(bytes);
        self
    }

    /// The largest entry read or written, in bytes (default
    /// [`DEFAULT_MAX_ENTRY_SIZE`](crate::DEFAULT_MAX_ENTRY_SIZE), 1 GiB). A
    /// larger stored entry is a miss without being downloaded, decompressed
    /// or decoded (its size is checked first: a file's length, an object's
    /// `HEAD`), and a larger result is returned but not stored. It bounds
    /// what bytes written by someone else can make a reader allocate.
    ///
    /// ```
    /// let cache = perscache::Cache::builder().max_entry_size(64 << 20).build();
    /// assert_eq!(cache.max_entry_size(), 64 << 20);
    /// ```
    pub fn max_entry_size(mut self, bytes: u64) -> Self {
        self.max_entry_size = Some(bytes);
        self
    }

    /// Keeps up to `bytes` of recently used entries in memory, in front of
    /// the storage, so repeated hits skip it; `0` keeps none. A builder
    /// starts without one; the default cache ([`Cache::from_env`]) has
    /// [`DEFAULT_MEMORY_TIER`] (64 MiB) unless configured.
    ///
    /// What a process holds in memory it serves while it is fresh (the
    /// time to live holds there too), whatever other processes do to the
    /// storage meanwhile: after `cargo perscache clear`, or a refresh made
    /// by another process, a running process may still serve what it read
    /// or wrote before, until it ends, the entry expires or is evicted from
    /// memory. (Keys name the code and the arguments, so what it serves is
    /// still that code's result for those arguments.)
    ///
    /// ```
    /// let cache = perscache::Cache::builder().url("memory://")?.memory_tier(0).build();
    /// assert!(!format!("{cache:?}").contains("memory_tier: true"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn memory_tier(mut self, bytes: usize) -> Self {
        self.memory_tier = Some(bytes);
        self
    }

    /// Keeps a copy of the entries read from the storage in the local folder
    /// `dir`, bounded to about `max_size` bytes (least recently used first),
    /// and reads them from there after: so that a CI machine reads an entry
    /// from a bucket once. Writes go to the storage, then to the folder. A
    /// copy keeps its original's write time, so both expire together, and
    /// is signed as the original is ([`secret`](Self::secret)). Statistics,
    /// listings and `clear` are the storage's; a copy whose original was
    /// removed from the storage by another machine is still served from
    /// the folder, until it expires or is evicted. `local_tier` and
    /// `local_tier_size` (default 1 GiB) in `perscache.toml`,
    /// `PERSCACHE_LOCAL_TIER` and `PERSCACHE_LOCAL_TIER_SIZE`, or the same
    /// names as query parameters of the storage URL
    /// (`s3://team-cache/ci?local_tier=/var/tmp/tier`, see
    /// [`open_url`](crate::open_url)).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let cache = perscache::Cache::builder()
    ///     .url("memory://")? // a bucket, in real use: "s3://team-cache/ci"
    ///     .local_tier(dir.path(), 2 << 30)
    ///     .build();
    /// assert!(format!("{:?}", cache.storage()).contains("LocalTier"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_tier(mut self, dir: impl Into<PathBuf>, max_size: u64) -> Self {
        self.local_tier = Some((dir.into(), max_size));
        self
    }

    /// When processes or machines sharing the storage miss the same key at
    /// once, one computes it and the others wait for its result, each for
    /// at most `lease` (default [`DEFAULT_LEASE`], 30 s) after which they
    /// compute it too: a holder that crashed, or computes for longer than
    /// that, holds no one for longer. The holder takes a lease next to the
    /// entry ([`Storage::try_lease`]: a file created exclusively on local
    /// storage, `SET NX PX` on Redis, a conditional create on S3, GCS and
    /// Azure). `Duration::ZERO` turns it off: every process computes what
    /// it misses. A function whose computations in this process all took
    /// under 10 ms computes without one (a lease costs requests). `lease` in `perscache.toml`, `PERSCACHE_LEASE`. Within
    /// one process, callers of one key always compute it once.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cache = perscache::Cache::builder().lease(Duration::from_secs(600)).build();
    /// # let _ = cache;
    /// ```
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    /// Panics on cache failures instead of warning and running the function:
    /// for tests and CI that must know the cache works.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Applies settings read by [`Config::load`].
    pub fn config(mut self, config: &Config) -> Result<Self> {
        if let Some(max) = config.max_size {
            self.max_size = Some(max);
        }
        self = self.url(&config.storage_url())?;
        if let Some(f) = config.format {
            self.format = f;
        }
        self.ttl = config.ttl.or(self.ttl);
        self.memory_tier = config.memory_tier.or(self.memory_tier);
        self.lease = config.lease.or(self.lease);
        if let Some(dir) = &config.local_tier {
            let size = config
                .local_tier_size
                .unwrap_or(local_tier::DEFAULT_LOCAL_TIER_SIZE);
            self.local_tier = Some((dir.clone(), size));
        }
        self.max_entry_size = config.max_entry_size.or(self.max_entry_size);
        self.shared = config.shared.unwrap_or(self.shared);
        self.strict = config.strict.unwrap_or(self.strict);
        self.disabled = config.enabled == Some(false);
        Ok(self)
    }

    /// Signs every entry with `secret` and refuses entries not signed with it
    /// (see [`SignedStorage`](crate::SignedStorage)): for caches in a folder
    /// or bucket that others can write. [`Cache::from_env`] takes it from
    /// `PERSCACHE_SECRET`. Applies to the cache's storage; wrap a function's
    /// own `storage = ...` in a `SignedStorage` yourself.
    ///
    /// ```
    /// let cache = perscache::Cache::builder()
    ///     .storage(perscache::MemoryStorage::new())
    ///     .secret(b"a long random team secret")
    ///     .build();
    /// assert!(format!("{:?}", cache.storage()).contains("SignedStorage"));
    /// ```
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret = Some(Secret(secret.as_ref().to_vec()));
        self
    }

    /// The cache.
    pub fn build(self) -> Cache {
        let secret = self.secret.as_ref().map(|s| s.0.as_slice());
        let local_tier = self.local_tier.map(|(dir, max)| local_tier::open(dir, max));
        let (backend, max_size) = match self.source {
            Source::DefaultDir => (
                Arc::new(
                    LocalStorage::builder(crate::default_dir())
                        .shared(self.shared)
                        .build(),
                ) as Arc<dyn Storage>,
                self.max_size,
            ),
            Source::Dir(dir) => (
                Arc::new(LocalStorage::builder(dir).shared(self.shared).build())
                    as Arc<dyn Storage>,
                self.max_size,
            ),
            Source::Url(backend) => (backend, self.max_size),
            Source::Given(storage) => (storage, None),
        };
        let storage = compose(backend, max_size, local_tier, secret);
        Cache {
            storage,
            format: self.format,
            ttl: self.ttl,
            max_entry_size: self.max_entry_size.unwrap_or(crate::DEFAULT_MAX_ENTRY_SIZE),
            strict: self.strict,
            enabled: !self.disabled,
            tier: self
                .memory_tier
                .filter(|&bytes| bytes > 0)
                .map(MemoryTier::new),
            flights: Flights::default(),
            lease: self.lease.unwrap_or(DEFAULT_LEASE),
        }
    }
}

/// Caching turned off: every call runs the function.
///
/// Switching environments is one line:
///
/// ```
/// use std::sync::LazyLock;
/// use perscache::{persist, Cache, NoCache};
///
/// static CACHE: LazyLock<Cache> = LazyLock::new(|| {
///     if cfg!(debug_assertions) { NoCache.into() } else { Cache::builder().build() }
/// });
///
/// #[persist(cache = CACHE)]
/// fn answer() -> u32 { 42 }
///
/// assert_eq!(answer(), 42);
/// ```
///
/// `PERSCACHE=off` does the same for every function using the default cache.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCache;

impl From<NoCache> for Cache {
    fn from(_: NoCache) -> Cache {
        Cache::disabled()
    }
}

/// What `#[persist(cache = ...)]` accepts: a [`Cache`], [`NoCache`], or
/// anything that leads to one (a `LazyLock`, a reference, an `Arc`).
pub trait AsCache {
    /// The cache.
    fn as_cache(&self) -> &Cache;
}

impl AsCache for Cache {
    fn as_cache(&self) -> &Cache {
        self
    }
}

impl AsCache for NoCache {
    fn as_cache(&self) -> &Cache {
        static DISABLED: LazyLock<Cache> = LazyLock::new(Cache::disabled);
        &DISABLED
    }
}

impl<C: AsCache + ?Sized> AsCache for &C {
    fn as_cache(&self) -> &Cache {
        (**self).as_cache()
    }
}

impl<C: AsCache + ?Sized> AsCache for Arc<C> {
    fn as_cache(&self) -> &Cache {
        (**self).as_cache()
    }
}

impl<C: AsCache + ?Sized> AsCache for Box<C> {
    fn as_cache(&self) -> &Cache {
        (**self).as_cache()
    }
}

impl<C: AsCache, F: FnOnce() -> C> AsCache for LazyLock<C, F> {
    fn as_cache(&self) -> &Cache {
        LazyLock::force(self).as_cache()
    }
}
