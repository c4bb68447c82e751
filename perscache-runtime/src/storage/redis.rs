//! Entries in a Redis (or Valkey) server, shared by every machine that can
//! reach it, through the [`redis`](https://docs.rs/redis) crate's
//! auto-reconnecting connection manager.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::remote::{on_runtime, runtime, Secrets};
use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

const BACKEND: &str = "redis";

/// Every value starts with this tag and the write time, so that a value left
/// under the prefix by something else is recognised, and reads know an
/// entry's age without a second command.
const MAGIC: &[u8; 4] = b"pcr1";
const HEADER_LEN: usize = 12;

/// Entries as Redis strings, one key per entry: `<prefix><function>/<code
/// hash>/<key>.<ext>` (the prefix defaults to `perscache:`).
///
/// `SET` replaces a value atomically, so readers see a whole old entry or a
/// whole new one. Each value carries its write time, which is what time to
/// live is measured from; listing (for statistics, `cargo perscache clear` and
/// [`SizeLimited`](crate::SizeLimited)) uses `SCAN`, never `KEYS`. Open one with
/// [`RedisStorage::new`] or from a URL with [`open_url`](crate::open_url):
/// `redis://[user:password@]host[:port][/db][?prefix=name:]`. Its `Debug`
/// output and its errors never show the password.
///
/// ```no_run
/// use perscache::{Cache, RedisStorage};
///
/// let storage = RedisStorage::builder("redis://cache.internal:6379/2")
///     .password(&std::env::var("REDIS_PASSWORD").unwrap_or_default())
///     .prefix("myapp:")
///     .build()?;
/// let cache = Cache::builder().storage(storage).build();
/// # Ok::<(), perscache::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisStorage {
    inner: Arc<Inner>,
}

struct Inner {
    shown_url: String,
    prefix: String,
    manager: ConnectionManager,
    secrets: Secrets,
    /// The overall deadline of one operation: a command, and its one retry
    /// after a dropped connection (`remote.rs`).
    deadline: Duration,
}

impl fmt::Debug for RedisStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStorage")
            .field("url", &self.inner.shown_url)
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisStorage`]; start with [`RedisStorage::builder`].
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisStorageBuilder {
    url: String,
    password: Option<String>,
    prefix: Option<String>,
    timeout: Duration,
}

impl fmt::Debug for RedisStorageBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStorageBuilder")
            .field("url", &shown(&self.url))
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Failures of the Redis backend, before their secrets are scrubbed.
#[derive(Debug, thiserror::Error)]
enum RedisError {
    #[error("{0}")]
    Client(#[from] redis::RedisError),
    #[error("invalid Redis URL: {0}")]
    Url(String),
    #[error("the value at `{0}` was not written by perscache")]
    Foreign(String),
}

/// The URL with its password replaced by `***`.
fn shown(url: &str) -> String {
    crate::redact_url(url)
}

impl RedisStorage {
    /// The server at `url`: `redis://[user:password@]host[:port][/db][?prefix=name:]`.
    ///
    /// ```no_run
    /// let storage = perscache::RedisStorage::new("redis://127.0.0.1:6379/0")?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    pub fn new(url: &str) -> Result<Self> {
        Self::builder(url).build()
    }

    /// A builder for the server at `url`.
    pub fn builder(url: &str) -> RedisStorageBuilder {
        RedisStorageBuilder {
            url: url.to_owned(),
            password: None,
            prefix: None,
            timeout: Duration::from_secs(5),
        }
    }

    /// The prefix of every key this storage writes.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }
}

impl RedisStorageBuilder {
    /// The password, when it is not in the URL (from a secret store, say).
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_owned()).filter(|p| !p.is_empty());
        self
    }

    /// Starts every key with `prefix` (default `perscache:`), so several
    /// caches can share one database.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = Some(prefix.to_owned());
        self
    }

    /// Gives up on a connection attempt or a command after `timeout`
    /// (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The storage. The connection is made on first use and remade after
    /// the server comes back from an outage.
    pub fn build(self) -> Result<RedisStorage> {
        let mut secrets = Secrets::default();
        let config_error = |secrets: &Secrets, e: RedisError| {
            Error::Config(secrets.error(BACKEND, &e).to_string())
        };
        let mut url = url::Url::parse(&self.url).map_err(|e| {
            config_error(
                &secrets,
                RedisError::Url(format!("{}: {e}", shown(&self.url))),
            )
        })?;
        if let Some(p) = url.password() {
            secrets.add(p.to_owned());
            if let Ok(decoded) = percent_decode(p) {
                secrets.add(decoded);
            }
        }
        if let Some(p) = &self.password {
            secrets.add(p.clone());
            url.set_password(Some(p)).map_err(|()| {
                config_error(
                    &secrets,
                    RedisError::Url("this URL cannot hold a password".into()),
                )
            })?;
        }
        let mut prefix = self.prefix.clone();
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        url.set_query(None);
        for (k, v) in query {
            match k.as_str() {
                "prefix" => {
                    prefix.get_or_insert(v);
                }
                other => {
                    return Err(config_error(
                        &secrets,
                        RedisError::Url(format!("unknown parameter `{other}` (known: prefix)")),
                    ))
                }
            }
        }
        let client =
            redis::Client::open(url.as_str()).map_err(|e| config_error(&secrets, e.into()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        // The manager spawns its connection tasks on the runtime it finds;
        // make that perscache's own.
        let manager = {
            let _on_ours = runtime(BACKEND)?.enter();
            ConnectionManager::new_lazy_with_config(client, config)
                .map_err(|e| config_error(&secrets, e.into()))?
        };
        Ok(RedisStorage {
            inner: Arc::new(Inner {
                shown_url: shown(url.as_str()),
                prefix: prefix.unwrap_or_else(|| "perscache:".to_owned()),
                manager,
                secrets,
                deadline: self
                    .timeout
                    .saturating_mul(2)
                    .saturating_add(Duration::from_secs(1)),
            }),
        })
    }
}

fn percent_decode(s: &str) -> std::result::Result<String, std::string::FromUtf8Error> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => Some(hi * 16 + lo),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}

/// `text` with Redis glob characters escaped, for `SCAN MATCH`.
fn glob_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn written_at(header: &[u8]) -> Option<SystemTime> {
    if header.len() < HEADER_LEN || &header[..4] != MAGIC {
        return None;
    }
    let mut millis = [0u8; 8];
    millis.copy_from_slice(&header[4..HEADER_LEN]);
    Some(UNIX_EPOCH + Duration::from_millis(u64::from_be_bytes(millis)))
}

impl Inner {
    fn key(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    fn fail(&self, e: RedisError) -> Error {
        self.secrets.error(BACKEND, &e)
    }

    /// Runs `cmd`, once more if the connection had dropped: after a server
    /// restart the first command finds the old connection dead, and the
    /// manager has reconnected by the second.
    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T> {
        let mut conn = self.manager.clone();
        match cmd.query_async(&mut conn).await {
            Ok(v) => Ok(v),
            Err(e) if e.is_connection_dropped() || e.is_io_error() => {
                let mut conn = self.manager.clone();
                cmd.query_async(&mut conn)
                    .await
                    .map_err(|e| self.fail(e.into()))
            }
            Err(e) => Err(self.fail(e.into())),
        }
    }
}

#[async_trait::async_trait]
impl Storage for RedisStorage {
    fn name(&self) -> &'static str {
        BACKEND
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        let path = path.to_owned();
        on_runtime(BACKEND, self.inner.deadline, async move {
            let value: Option<Vec<u8>> = inner.query(redis::cmd("GET").arg(&key)).await?;
            let Some(value) = value else {
                return Ok(None);
            };
            let modified =
                written_at(&value).ok_or_else(|| inner.fail(RedisError::Foreign(path)))?;
            let bytes = Bytes::from(value).slice(HEADER_LEN..);
            Ok(Some(Blob::new(bytes, modified)))
        })
        .await
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        let path = path.to_owned();
        on_runtime(BACKEND, self.inner.deadline, async move {
            // The length first: a huge value is never transferred.
            let len: u64 = inner.query(redis::cmd("STRLEN").arg(&key)).await?;
            let size = len.saturating_sub(HEADER_LEN as u64);
            if size > max {
                return Err(super::too_large(&path, size, max));
            }
            // At most the length just checked, should the value have been
            // replaced since (GETRANGE's end is inclusive; a missing key
            // reads as empty).
            let end = (HEADER_LEN as u64)
                .saturating_add(max)
                .saturating_sub(1)
                .min(i64::MAX as u64);
            let value: Vec<u8> = inner
                .query(redis::cmd("GETRANGE").arg(&key).arg(0).arg(end))
                .await?;
            if value.is_empty() {
                return Ok(None);
            }
            let modified =
                written_at(&value).ok_or_else(|| inner.fail(RedisError::Foreign(path)))?;
            let bytes = Bytes::from(value).slice(HEADER_LEN..);
            Ok(Some(Blob::new(bytes, modified)))
        })
        .await
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        on_runtime(BACKEND, self.inner.deadline, async move {
            let mut value = Vec::with_capacity(HEADER_LEN + bytes.len());
            value.extend_from_slice(MAGIC);
            value.extend_from_slice(&unix_millis(SystemTime::now()).to_be_bytes());
            value.extend_from_slice(&bytes);
            inner
                .query::<()>(redis::cmd("SET").arg(&key).arg(value))
                .await
        })
        .await
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        on_runtime(BACKEND, self.inner.deadline, async move {
            // `SET NX PX`: atomic, and the server expires a crashed holder's lease.
            let taken: Option<String> = inner
                .query(
                    redis::cmd("SET")
                        .arg(&key)
                        .arg("1")
                        .arg("NX")
                        .arg("PX")
                        .arg(millis),
                )
                .await?;
            Ok(taken.is_some())
        })
        .await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        on_runtime(BACKEND, self.inner.deadline, async move {
            inner.query::<()>(redis::cmd("DEL").arg(&key)).await
        })
        .await
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        let inner = Arc::clone(&self.inner);
        let key = inner.key(path);
        let path = path.to_owned();
        on_runtime(BACKEND, self.inner.deadline, async move {
            let header: Vec<u8> = inner
                .query(redis::cmd("GETRANGE").arg(&key).arg(0).arg(HEADER_LEN - 1))
                .await?;
            // A missing key reads as an empty range; a value not ours has no header.
            let Some(modified) = written_at(&header) else {
                return Ok(None);
            };
            let len: u64 = inner.query(redis::cmd("STRLEN").arg(&key)).await?;
            Ok(Some(EntryInfo::new(
                path,
                len.saturating_sub(HEADER_LEN as u64),
                modified,
                None,
            )))
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        let inner = Arc::clone(&self.inner);
        let pattern = format!("{}*", glob_escape(&inner.key(prefix)));
        on_runtime(
            BACKEND,
            self.inner.deadline.saturating_mul(10),
            async move {
                let mut conn = inner.manager.clone();
                let mut out = Vec::new();
                let mut cursor: u64 = 0;
                loop {
                    let (next, keys): (u64, Vec<String>) = inner
                        .query(
                            redis::cmd("SCAN")
                                .arg(cursor)
                                .arg("MATCH")
                                .arg(&pattern)
                                .arg("COUNT")
                                .arg(1000),
                        )
                        .await?;
                    if !keys.is_empty() {
                        let mut lengths = redis::pipe();
                        let mut headers = redis::pipe();
                        for k in &keys {
                            lengths.cmd("STRLEN").arg(k);
                            headers.cmd("GETRANGE").arg(k).arg(0).arg(HEADER_LEN - 1);
                        }
                        let lengths: Vec<u64> = lengths
                            .query_async(&mut conn)
                            .await
                            .map_err(|e| inner.fail(e.into()))?;
                        let headers: Vec<Vec<u8>> = headers
                            .query_async(&mut conn)
                            .await
                            .map_err(|e| inner.fail(e.into()))?;
                        for ((key, len), header) in keys.iter().zip(lengths).zip(headers) {
                            // Keys deleted since the scan, and values not ours, are skipped.
                            let (Some(path), Some(modified)) =
                                (key.strip_prefix(&inner.prefix), written_at(&header))
                            else {
                                continue;
                            };
                            out.push(EntryInfo::new(
                                path,
                                len.saturating_sub(HEADER_LEN as u64),
                                modified,
                                None,
                            ));
                        }
                    }
                    cursor = next;
                    if cursor == 0 {
                        break;
                    }
                }
                out.sort_by(|a, b| a.path.cmp(&b.path));
                out.dedup_by(|a, b| a.path == b.path); // SCAN may return a key twice
                Ok(out)
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        let storage = RedisStorage::builder("redis://user:s3cr3t-pass@127.0.0.1:1/0?prefix=t:")
            .build()
            .expect("a valid URL");
        let debug = format!("{storage:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
        assert_eq!(storage.prefix(), "t:");
        let builder = RedisStorage::builder("redis://:hunter22@h/0");
        assert!(!format!("{builder:?}").contains("hunter22"));
    }

    #[test]
    fn glob_characters_are_escaped() {
        assert_eq!(glob_escape("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\");
    }

    #[test]
    fn headers_round_trip() {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&1_700_000_000_123u64.to_be_bytes());
        assert_eq!(
            unix_millis(written_at(&v).expect("ours")),
            1_700_000_000_123
        );
        assert!(written_at(b"foreign value").is_none());
    }
}
