//! Entries in a cloud bucket: Amazon S3 (and S3-compatible servers), Google
//! Cloud Storage and Azure Blob Storage, through [OpenDAL](https://docs.rs/opendal).
//!
//! **Why OpenDAL and not `object_store`.** Both are well kept Apache projects
//! with the three clouds behind cargo features, credential chains that read
//! what each cloud's own tools read, retries and timeouts. The deciding
//! difference is Google Cloud Storage: `object_store` 0.14 writes through the
//! GCS *XML* API, which fake-gcs-server (the emulator this project tests
//! against, and the one most teams can run in CI) answers with
//! `400 invalid uploadType` on every write, so its GCS backend could only ever
//! be tested against a real bucket. OpenDAL's GCS service speaks the JSON API
//! that fake-gcs-server implements, its S3 service works with any
//! S3-compatible server (moto, MinIO) and its Azure Blob service with Azurite,
//! so every backend here runs its tests against a real server. OpenDAL 0.57 is
//! the newest release within perscache's MSRV (1.88).
//!
//! Every request runs on the runtime perscache owns (see `remote.rs`), under a
//! timeout and a short retry budget, so a storage outage costs a call a
//! fraction of a second before the function simply runs. The size limit and
//! the outage breaker are wrappers (`SizeLimited`, `OutageBreaker`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::{ErrorKind, Operator};

use super::remote::{on_runtime, Secrets};
use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// Entries in an S3, Google Cloud Storage or Azure Blob Storage bucket, one
/// object per entry under an optional prefix:
/// `<prefix>/<function>/<code hash>/<key>.<ext>`.
///
/// A write is one upload request, which each of these services applies
/// atomically, so readers in any process see a whole old entry or a whole new
/// one. Build one with [`ObjectStorage::s3`], [`ObjectStorage::gcs`] or
/// [`ObjectStorage::azure`], or from a URL with [`open_url`](crate::open_url)
/// (`s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`).
/// Its `Debug` output and its errors never contain credentials.
///
/// ```no_run
/// use perscache::{Cache, ObjectStorage, SizeLimited};
///
/// // Credentials, region and endpoint come from AWS_* variables and
/// // ~/.aws files, as for the AWS CLI.
/// let storage = ObjectStorage::s3("team-cache").prefix("ci").build()?;
/// let cache = Cache::builder().storage(SizeLimited::new(storage, 10 << 30)).build();
/// # Ok::<(), perscache::Error>(())
/// ```
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "s3", feature = "gcs", feature = "azure")))
)]
pub struct ObjectStorage {
    inner: Arc<Inner>,
}

struct Inner {
    backend: &'static str,
    bucket: String,
    prefix: String,
    endpoint: Option<String>,
    op: Operator,
    secrets: Secrets,
    /// The overall deadline of one operation: every attempt's timeout and
    /// the pauses between them (`remote.rs`).
    deadline: Duration,
}

impl fmt::Debug for ObjectStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client itself is left out: it holds the credentials.
        let i = &self.inner;
        f.debug_struct("ObjectStorage")
            .field("backend", &i.backend)
            .field("bucket", &i.bucket)
            .field("prefix", &i.prefix)
            .field("endpoint", &i.endpoint)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ObjectStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.inner.backend {
            "gcs" => "gs",
            "azure" => "az",
            other => other,
        };
        write!(f, "{scheme}://{}/{}", self.inner.bucket, self.inner.prefix)
    }
}

/// Failures of an object store, before their secrets are scrubbed.
#[derive(Debug, thiserror::Error)]
enum ObjectError {
    #[error("invalid entry path `{0}`")]
    Path(String),
    #[error(transparent)]
    Service(#[from] opendal::Error),
}

// Built once per storage: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Cloud {
    #[cfg(feature = "s3")]
    S3(opendal::services::S3),
    #[cfg(feature = "gcs")]
    Gcs(opendal::services::Gcs),
    #[cfg(feature = "azure")]
    Azure(opendal::services::Azblob),
}

/// Configures an [`ObjectStorage`]; start with [`ObjectStorage::s3`],
/// [`ObjectStorage::gcs`] or [`ObjectStorage::azure`].
///
/// Settings made here override the environment. Secrets given here are
/// remembered only to be scrubbed from error messages.
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "s3", feature = "gcs", feature = "azure")))
)]
pub struct ObjectStorageBuilder {
    cloud: Cloud,
    bucket: String,
    prefix: String,
    endpoint: Option<String>,
    timeout: Duration,
    retries: usize,
    secrets: Secrets,
    errors: Vec<String>,
}

impl fmt::Debug for ObjectStorageBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStorageBuilder")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Secrets the clouds' variables may hold, scrubbed from every error.
const SECRET_VARS: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_CLIENT_SECRET",
];

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl ObjectStorage {
    /// An S3 bucket (or one on an S3-compatible server), configured as the
    /// AWS CLI is: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, `AWS_REGION` (or `AWS_DEFAULT_REGION`),
    /// `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`), `AWS_PROFILE` with
    /// `~/.aws/config` and `~/.aws/credentials`, web identity and instance
    /// metadata.
    ///
    /// ```no_run
    /// let storage = perscache::ObjectStorage::s3("my-bucket")
    ///     .endpoint("http://127.0.0.1:9000") // a MinIO or moto server
    ///     .access_key("test-id", "test-secret")
    ///     .region("us-east-1")
    ///     .build()?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    #[cfg(feature = "s3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "s3")))]
    pub fn s3(bucket: &str) -> ObjectStorageBuilder {
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        let endpoint = env("AWS_ENDPOINT_URL_S3")
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| env("AWS_ENDPOINT"));
        let builder = opendal::services::S3::default().bucket(bucket);
        ObjectStorageBuilder::new(Cloud::S3(builder), bucket, secrets).with_endpoint(endpoint)
    }

    /// A Google Cloud Storage bucket, configured as Google's client libraries
    /// are: `GOOGLE_APPLICATION_CREDENTIALS` (a service account key file or
    /// the one `gcloud auth application-default login` writes), instance
    /// metadata, and `STORAGE_EMULATOR_HOST` for an emulator such as
    /// fake-gcs-server (no credentials are sent to it).
    ///
    /// ```no_run
    /// let storage = perscache::ObjectStorage::gcs("my-bucket").prefix("perscache").build()?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    #[cfg(feature = "gcs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gcs")))]
    pub fn gcs(bucket: &str) -> ObjectStorageBuilder {
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        let mut builder = opendal::services::Gcs::default().bucket(bucket);
        let emulator = env("STORAGE_EMULATOR_HOST").map(|host| {
            if host.contains("://") {
                host
            } else {
                format!("http://{host}")
            }
        });
        if emulator.is_some() {
            // An emulator: no OAuth tokens, no metadata server.
            builder = builder
                .skip_signature()
                .disable_vm_metadata()
                .disable_config_load();
        }
        ObjectStorageBuilder::new(Cloud::Gcs(builder), bucket, secrets).with_endpoint(emulator)
    }

    /// An Azure Blob Storage container, configured as the Azure CLI is:
    /// `AZURE_STORAGE_CONNECTION_STRING`, or `AZURE_STORAGE_ACCOUNT` with
    /// `AZURE_STORAGE_KEY` or `AZURE_STORAGE_SAS_TOKEN` (and
    /// `AZURE_STORAGE_ENDPOINT` for another cloud or an emulator). The
    /// account is not part of `az://` URLs.
    ///
    /// ```no_run
    /// let storage = perscache::ObjectStorage::azure("my-container")
    ///     .connection_string("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")
    ///     .build()?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    #[cfg(feature = "azure")]
    #[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
    pub fn azure(container: &str) -> ObjectStorageBuilder {
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        let mut builder = opendal::services::Azblob::default().container(container);
        let account = env("AZURE_STORAGE_ACCOUNT").or_else(|| env("AZURE_STORAGE_ACCOUNT_NAME"));
        if let Some(a) = &account {
            builder = builder.account_name(a);
        }
        if let Some(k) = env("AZURE_STORAGE_KEY").or_else(|| env("AZURE_STORAGE_ACCOUNT_KEY")) {
            builder = builder.account_key(&k);
        }
        if let Some(sas) = env("AZURE_STORAGE_SAS_TOKEN") {
            builder = builder.sas_token(&sas);
        }
        let endpoint = env("AZURE_STORAGE_ENDPOINT")
            .or_else(|| account.map(|a| format!("https://{a}.blob.core.windows.net")));
        let storage = ObjectStorageBuilder::new(Cloud::Azure(builder), container, secrets)
            .with_endpoint(endpoint);
        match env("AZURE_STORAGE_CONNECTION_STRING") {
            Some(conn) => storage.connection_string(&conn),
            None => storage,
        }
    }

    /// The backend's name: `"s3"`, `"gcs"` or `"azure"`.
    pub fn backend(&self) -> &'static str {
        self.inner.backend
    }

    /// The bucket (or Azure container).
    pub fn bucket(&self) -> &str {
        &self.inner.bucket
    }

    /// The prefix under which entries are kept, `""` for the bucket's root.
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }
}

impl ObjectStorageBuilder {
    fn new(cloud: Cloud, bucket: &str, secrets: Secrets) -> Self {
        ObjectStorageBuilder {
            cloud,
            bucket: bucket.to_owned(),
            prefix: String::new(),
            endpoint: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            secrets,
            errors: Vec::new(),
        }
    }

    fn with_endpoint(mut self, endpoint: Option<String>) -> Self {
        if let Some(e) = endpoint.filter(|e| !e.is_empty()) {
            self.endpoint = Some(e.trim_end_matches('/').to_owned());
        }
        self
    }

    /// Keeps entries under `prefix` inside the bucket (`team/ci`), so several
    /// caches can share one bucket.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.trim_matches('/').to_owned();
        self
    }

    /// Talks to `url` instead of the cloud's own endpoint: an S3-compatible
    /// server, Azurite (`http://127.0.0.1:10000/devstoreaccount1`),
    /// fake-gcs-server.
    pub fn endpoint(self, url: &str) -> Self {
        self.with_endpoint(Some(url.to_owned()))
    }

    /// Gives up on one request after `timeout` (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries a failed request up to `retries` times (default 2), with
    /// short pauses, so an outage costs a call little before the function
    /// runs anyway.
    pub fn retries(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// The region of an S3 bucket (ignored by the other clouds).
    pub fn region(mut self, region: &str) -> Self {
        let _ = region; // unused without the `s3` feature
        self.cloud = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(b) => Cloud::S3(b.region(region)),
            #[allow(unreachable_patterns)]
            other => other,
        };
        self
    }

    /// Static credentials: an access key id and secret for S3, an account
    /// name and account key for Azure. Google Cloud uses
    /// [`credentials_file`](Self::credentials_file) instead.
    pub fn access_key(mut self, id: &str, secret: &str) -> Self {
        let _ = id; // unused with only the `gcs` feature
        self.secrets.add(secret);
        self.cloud = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(b) => Cloud::S3(b.access_key_id(id).secret_access_key(secret)),
            #[cfg(feature = "azure")]
            Cloud::Azure(b) => {
                if self.endpoint.is_none() {
                    self.endpoint = Some(format!("https://{id}.blob.core.windows.net"));
                }
                Cloud::Azure(b.account_name(id).account_key(secret))
            }
            #[cfg(feature = "gcs")]
            Cloud::Gcs(b) => {
                self.errors.push(
                    "Google Cloud Storage takes a credentials file, not an access key".into(),
                );
                Cloud::Gcs(b)
            }
        };
        self
    }

    /// A Google service account key file (or any credentials file that
    /// `GOOGLE_APPLICATION_CREDENTIALS` could name).
    pub fn credentials_file(mut self, path: &str) -> Self {
        self.cloud = match self.cloud {
            #[cfg(feature = "gcs")]
            Cloud::Gcs(b) => Cloud::Gcs(b.credential_path(path)),
            #[allow(unreachable_patterns)]
            other => {
                let _ = path;
                self.errors
                    .push("a credentials file is for Google Cloud Storage only".into());
                other
            }
        };
        self
    }

    /// An Azure storage connection string, as the Azure portal and CLI give
    /// it (`AccountName`, `AccountKey` or `SharedAccessSignature`, and
    /// `BlobEndpoint` or `EndpointSuffix`).
    pub fn connection_string(mut self, conn: &str) -> Self {
        for part in conn.split(';') {
            if let Some((name, value)) = part.split_once('=') {
                if matches!(
                    name.trim().to_ascii_lowercase().as_str(),
                    "accountkey" | "sharedaccesssignature"
                ) {
                    self.secrets.add(value.trim());
                }
            }
        }
        self.cloud = match self.cloud {
            #[cfg(feature = "azure")]
            Cloud::Azure(b) => match opendal::services::Azblob::from_connection_string(conn) {
                Ok(parsed) => {
                    // The connection string names the endpoint itself.
                    self.endpoint = None;
                    Cloud::Azure(parsed.container(&self.bucket))
                }
                Err(e) => {
                    self.errors.push(format!("invalid connection string: {e}"));
                    Cloud::Azure(b)
                }
            },
            #[allow(unreachable_patterns)]
            other => {
                self.errors
                    .push("a connection string is for Azure Blob Storage only".into());
                other
            }
        };
        self
    }

    /// The storage. Fails on an invalid configuration (no bucket, no
    /// region, a malformed endpoint); credentials are checked by the first
    /// request.
    pub fn build(self) -> Result<ObjectStorage> {
        let backend = match &self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(_) => "s3",
            #[cfg(feature = "gcs")]
            Cloud::Gcs(_) => "gcs",
            #[cfg(feature = "azure")]
            Cloud::Azure(_) => "azure",
        };
        let config_error =
            |what: &str| Error::Config(format!("{backend} storage: {}", self.secrets.scrub(what)));
        if let Some(e) = self.errors.first() {
            return Err(config_error(e));
        }
        if self.bucket.is_empty() {
            return Err(config_error("the bucket name is empty"));
        }
        let root = format!("/{}", self.prefix);
        let endpoint = self.endpoint.as_deref();
        let built = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(mut b) => {
                if let Some(e) = endpoint {
                    b = b.endpoint(e);
                }
                Operator::new(b.root(&root)).map(|o| o.finish())
            }
            #[cfg(feature = "gcs")]
            Cloud::Gcs(mut b) => {
                if let Some(e) = endpoint {
                    b = b.endpoint(e);
                }
                Operator::new(b.root(&root)).map(|o| o.finish())
            }
            #[cfg(feature = "azure")]
            Cloud::Azure(mut b) => {
                if let Some(e) = endpoint {
                    b = b.endpoint(e);
                }
                Operator::new(b.root(&root)).map(|o| o.finish())
            }
        };
        let op = built
            .map_err(|e| {
                let hint = match backend {
                    "azure" => {
                        "; set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT and a key"
                    }
                    "s3" => "; set AWS_REGION (or AWS_DEFAULT_REGION) and credentials",
                    _ => "",
                };
                config_error(&format!("{e}{hint}"))
            })?
            // Each attempt times out; the retries wrap the attempts.
            .layer(
                TimeoutLayer::new()
                    .with_timeout(self.timeout)
                    .with_io_timeout(self.timeout),
            )
            .layer(
                RetryLayer::new()
                    .with_max_times(self.retries)
                    .with_min_delay(Duration::from_millis(100))
                    .with_max_delay(Duration::from_secs(1))
                    .with_jitter(),
            );
        Ok(ObjectStorage {
            inner: Arc::new(Inner {
                backend,
                bucket: self.bucket,
                prefix: self.prefix,
                endpoint: self.endpoint,
                op,
                deadline: self
                    .timeout
                    .saturating_mul(self.retries as u32 + 1)
                    .saturating_add(Duration::from_secs(self.retries as u64 + 1)),
                secrets: self.secrets,
            }),
        })
    }
}

/// Checks a storage path: relative, `/`-separated, no empty, `.` or `..`
/// segments, so nothing escapes the prefix.
fn checked(path: &str) -> std::result::Result<&str, ObjectError> {
    let safe = !path.is_empty()
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if safe {
        Ok(path)
    } else {
        Err(ObjectError::Path(path.to_owned()))
    }
}

fn modified(meta: &opendal::Metadata) -> Option<SystemTime> {
    meta.last_modified().map(SystemTime::from)
}

impl Inner {
    fn fail(&self, e: impl Into<ObjectError>) -> Error {
        self.secrets.error(self.backend, &e.into())
    }
}

/// How coarse an object store's write times are: HTTP dates carry whole
/// seconds, truncated, so a lease written at 10.9 s reads as written at 10 s.
const WRITE_TIME_RESOLUTION: Duration = Duration::from_secs(1);

impl Inner {
    /// Creates the lease object at `path` if none is there; one older than
    /// `ttl` (its holder crashed) is removed and the lease taken.
    ///
    /// The age is the store's write time against this machine's clock. It
    /// errs towards holding: a write time in the future (the store's clock is
    /// ahead) is age zero, and a lease counts as held for `ttl` plus the
    /// write time's resolution, so it may outlive a crashed holder by up to a
    /// second but is never taken from a live one early.
    async fn lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        if !self.op.info().full_capability().write_with_if_not_exists {
            return Ok(true);
        }
        for _ in 0..2 {
            match self
                .op
                .write_with(path, Bytes::new())
                .if_not_exists(true)
                .await
            {
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == ErrorKind::ConditionNotMatch => {
                    let written = self.stat(path).await?.map(|info| info.modified);
                    let age = written.map(|w| {
                        SystemTime::now()
                            .duration_since(w)
                            .unwrap_or(Duration::ZERO)
                    });
                    if age.is_some_and(|age| age < ttl + WRITE_TIME_RESOLUTION) {
                        return Ok(false);
                    }
                    match self.op.delete(path).await {
                        Err(e) if e.kind() != ErrorKind::NotFound => return Err(self.fail(e)),
                        _ => {}
                    }
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
        Ok(false)
    }

    /// What a stat says of `path`, `None` when there is nothing there.
    async fn stat(&self, path: &str) -> Result<Option<EntryInfo>> {
        match self.op.stat(path).await {
            Ok(meta) => Ok(Some(EntryInfo::new(
                path,
                meta.content_length(),
                modified(&meta).unwrap_or(SystemTime::UNIX_EPOCH),
                None,
            ))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.fail(e)),
        }
    }
}

#[async_trait::async_trait]
impl Storage for ObjectStorage {
    fn name(&self) -> &'static str {
        self.inner.backend
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            // The write time first: object stores return it with a stat.
            let Some(info) = inner.stat(&path).await? else {
                return Ok(None);
            };
            let bytes = match inner.op.read(&path).await {
                Ok(buffer) => buffer.to_bytes(),
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(inner.fail(e)),
            };
            Ok(Some(Blob::new(bytes, info.modified)))
        })
        .await
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            // The length first: a huge object is never downloaded.
            let Some(info) = inner.stat(&path).await? else {
                return Ok(None);
            };
            if info.size > max {
                return Err(super::too_large(&path, info.size, max));
            }
            if info.size == 0 {
                return Ok(Some(Blob::new(Bytes::new(), info.modified)));
            }
            // Never more than the length just checked, should the object
            // have been replaced since.
            let bytes = match inner.op.read_with(&path).range(0..info.size).await {
                Ok(buffer) => buffer.to_bytes(),
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(inner.fail(e)),
            };
            Ok(Some(Blob::new(bytes, info.modified)))
        })
        .await
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            inner
                .op
                .write(&path, bytes)
                .await
                .map(drop)
                .map_err(|e| inner.fail(e))
        })
        .await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            match inner.op.delete(&path).await {
                Err(e) if e.kind() != ErrorKind::NotFound => Err(inner.fail(e)),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            inner.lease(&path, ttl).await
        })
        .await
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        let inner = Arc::clone(&self.inner);
        let path = checked(path).map_err(|e| inner.fail(e))?.to_owned();
        on_runtime(self.inner.backend, self.inner.deadline, async move {
            inner.stat(&path).await
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        let inner = Arc::clone(&self.inner);
        let wanted = prefix.to_owned();
        on_runtime(
            self.inner.backend,
            self.inner.deadline.saturating_mul(10),
            async move {
                // Object stores list folders; list the prefix's folder, keep the
                // exact string prefix here.
                let folder = match wanted.rfind('/') {
                    Some(i) => format!("{}/", &wanted[..i]),
                    None => String::new(),
                };
                let entries = match inner.op.list_with(&folder).recursive(true).await {
                    Ok(entries) => entries,
                    Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
                    Err(e) => return Err(inner.fail(e)),
                };
                let mut out = Vec::new();
                for entry in entries {
                    let path = entry.path().trim_start_matches('/');
                    if entry.metadata().is_dir()
                        || path.ends_with('/')
                        || !path.starts_with(&wanted)
                    {
                        continue;
                    }
                    match modified(entry.metadata()) {
                        Some(t) => out.push(EntryInfo::new(
                            path,
                            entry.metadata().content_length(),
                            t,
                            None,
                        )),
                        // A listing without times: ask for them.
                        None => out.extend(inner.stat(path).await?),
                    }
                }
                out.sort_by(|a, b| a.path.cmp(&b.path));
                Ok(out)
            },
        )
        .await
    }
}

#[cfg(all(test, any(feature = "s3", feature = "gcs")))]
mod tests {
    use super::*;

    #[cfg(feature = "s3")]
    #[test]
    fn secrets_never_show_and_paths_stay_inside() {
        let storage = ObjectStorage::s3("bucket")
            .access_key("key-id", "very-secret-value")
            .region("us-east-1")
            .endpoint("http://127.0.0.1:9")
            .prefix("/team/ci/")
            .build()
            .expect("a valid configuration");
        let debug = format!("{storage:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert_eq!(storage.prefix(), "team/ci");
        assert_eq!(storage.to_string(), "s3://bucket/team/ci");
        for bad in ["", "../x", "a//b", "a/./b"] {
            let err = pollster::block_on(storage.write(bad, Bytes::from_static(b"x")))
                .expect_err("refused before any request");
            assert!(err.to_string().contains("invalid entry path"), "{err}");
        }
    }

    #[cfg(feature = "s3")]
    #[test]
    fn credentials_in_urls_are_refused() {
        let err = crate::open_url("s3://user:hunter22@bucket/prefix", None).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("environment") && !text.contains("hunter22"),
            "{text}"
        );
    }

    #[cfg(feature = "gcs")]
    #[test]
    fn a_gcs_access_key_is_a_configuration_error() {
        let err = ObjectStorage::gcs("bucket")
            .access_key("id", "secret-value")
            .build()
            .expect_err("GCS takes a credentials file");
        assert!(err.to_string().contains("credentials file"), "{err}");
    }
}
