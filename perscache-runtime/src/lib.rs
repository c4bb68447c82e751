//! The runtime of [perscache](https://docs.rs/perscache): the [`Cache`], keys,
//! formats, storage backends and statistics behind `#[persist]`.
//!
//! Depend on the `perscache` facade crate rather than on this one; it
//! re-exports everything public here along with the `#[persist]` macro.
//!
//! One call, from the macro to the bytes on disk (ARCHITECTURE.md draws it):
//! `call/` (the hit path and the miss path) → `key/` (the key) →
//! `tier.rs` (the memory tier) → `entry/` (where the entry is, whether it is
//! fresh, its frame) → `storage/` (a plain blob store, and the wrappers that
//! bound it, guard it against outages and sign it).
//!
//! Items behind a cargo feature are marked with it on docs.rs.

// docs.rs builds with `--cfg docsrs` on nightly (package.metadata.docs.rs), so
// that each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cache;
mod call;
mod config;
mod control;
pub mod entry;
mod error;
mod flight;
mod format;
mod key;
mod redact;
mod stats;
mod storage;
mod tier;

/// The storage conformance suite every backend runs (feature `testing`).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

/// The Arrow crate whose [`RecordBatch`](arrow_array::RecordBatch)
/// [`Parquet`] stores (the `parquet` feature): use this one, so the versions match.
///
/// ```
/// use perscache::arrow_array::{ArrayRef, Int32Array, RecordBatch};
/// use perscache::{Codec, Parquet};
/// use std::sync::Arc;
///
/// let column: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None]));
/// let batch = RecordBatch::try_from_iter([("n", column)])?;
/// let mut buf = Vec::new();
/// Parquet.encode(&batch, &mut buf)?;
/// assert_eq!(Codec::<RecordBatch>::decode(&Parquet, &buf)?, batch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "parquet")]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub use arrow_array;
pub use async_trait::async_trait;
pub use bytes::Bytes;
pub use cache::{
    AsCache, Cache, CacheBuilder, NoCache, DEFAULT_LEASE, DEFAULT_MAX_ENTRY_SIZE,
    DEFAULT_MEMORY_TIER,
};
pub use config::{default_dir, Config, CONFIG_FILE};
pub use control::{bypass, bypass_async, refresh, refresh_async, Scoped};
pub use entry::{function_dir, STATS_FILE};
pub use error::{BoxError, Error, FormatError, Result};
#[cfg(feature = "cbor")]
#[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
pub use format::Cbor;
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub use format::Csv;
#[cfg(feature = "msgpack")]
#[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
pub use format::MessagePack;
#[cfg(feature = "parquet")]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub use format::Parquet;
#[cfg(feature = "yaml")]
#[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
pub use format::Yaml;
#[cfg(feature = "zstd")]
#[cfg_attr(docsrs, doc(cfg(feature = "zstd")))]
pub use format::Zstd;
pub use format::{
    AnyFormat, Binary, Codec, Compression, Custom, FnCustom, Format, Json, JsonPretty,
};
pub use key::{Key, KeyHasher};
pub use redact::redact_url;
pub use stats::{flush as flush_stats, read_stats, FunctionStats};
pub use storage::{
    local_folder, open_url, Blob, EntryInfo, LocalStorage, LocalStorageBuilder, MemoryStorage,
    OutageBreaker, SignedStorage, SizeLimited, Storage,
};
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "s3", feature = "gcs", feature = "azure")))
)]
pub use storage::{ObjectStorage, ObjectStorageBuilder};
#[cfg(feature = "packed")]
#[cfg_attr(docsrs, doc(cfg(feature = "packed")))]
pub use storage::{PackedStorage, PackedStorageBuilder};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use storage::{RedisStorage, RedisStorageBuilder};

/// What `#[persist]` expands to. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::{call_async, call_sync, Always, OkOnly, Options, Policy, Site, SomeOnly};
    pub use crate::key::{
        CallKey, KeyArg, ScalarPath, ScalarsPath, SerdePath, ViaScalar, ViaScalars, ViaSerde,
    };
    pub use crate::{AsCache, Cache, Codec, Format, Key, KeyHasher, Result, Storage};
    pub use std::sync::{Arc, OnceLock};

    /// Boxes a per-function storage once.
    pub fn into_storage<S: Storage>(storage: S) -> Arc<dyn Storage> {
        Arc::new(storage)
    }

    /// Computes the key only when it will be used.
    pub fn key_if_enabled(
        cache: &Cache,
        site: &Site,
        key: impl FnOnce() -> Result<CallKey>,
    ) -> Result<CallKey> {
        if cache.is_enabled() && site.is_cacheable() {
            key()
        } else {
            Err(crate::Error::Config("caching is off".into()))
        }
    }
}
