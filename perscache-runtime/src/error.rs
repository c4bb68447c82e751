//! The one public error type of the runtime.
//!
//! Callers of a `#[persist]` function never see these: a cache failure degrades
//! to running the function, with a warning through `tracing`. They reach users
//! who drive a [`Cache`](crate::Cache) or a [`Storage`](crate::Storage) directly,
//! and callers that opted into [strict mode](crate::CacheBuilder::strict).

use std::fmt;

/// A boxed error from a backend, a format or a user's `Serialize` impl.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong inside perscache.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A storage backend failed (I/O error, server unreachable, permission denied...).
    #[error("{backend} storage failed: {source}")]
    Storage {
        /// The backend's name, such as `"local"` or `"s3"`.
        backend: &'static str,
        /// What the backend reported.
        #[source]
        source: BoxError,
    },
    /// A stored entry is truncated, corrupt or was written by something else.
    #[error("corrupt cache entry {path}: {reason}")]
    Corrupt {
        /// The entry's path inside the storage.
        path: String,
        /// What check failed.
        reason: String,
    },
    /// A stored entry is larger than the cache reads
    /// ([`max_entry_size`](crate::CacheBuilder::max_entry_size)); its bytes
    /// were not read.
    #[error(
        "cache entry {path} holds {size} bytes, more than max_entry_size ({max} bytes); not read"
    )]
    TooLarge {
        /// The entry's path inside the storage.
        path: String,
        /// Its size in bytes, as the storage reports it.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// A format could not encode or decode a value.
    #[error("format `{format}` cannot handle `{type_name}`: {source}")]
    Format {
        /// The format's name.
        format: String,
        /// The Rust type that was being encoded or decoded.
        type_name: &'static str,
        /// What the format reported.
        #[source]
        source: BoxError,
    },
    /// An argument's `Serialize` impl failed while the key was computed.
    #[error("argument `{argument}` cannot be part of the cache key: {message}")]
    Key {
        /// The argument's name.
        argument: &'static str,
        /// What its `Serialize` impl reported.
        message: String,
    },
    /// A configuration value (an environment variable, a URL, `perscache.toml`) is invalid.
    #[error("invalid perscache configuration: {0}")]
    Config(String),
}

impl Error {
    /// Wraps a backend's error.
    pub fn storage(backend: &'static str, source: impl Into<BoxError>) -> Self {
        Error::Storage {
            backend,
            source: source.into(),
        }
    }
}

/// Shorthand for `Result<T, perscache::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error a [`Codec`](crate::Codec) returns; the cache adds the format and type names.
#[derive(Debug)]
pub struct FormatError(pub BoxError);

impl FormatError {
    /// Wraps any error.
    pub fn new(source: impl Into<BoxError>) -> Self {
        FormatError(source.into())
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for FormatError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
