//! Entries in a cloud bucket: Amazon S3 (and S3-compatible servers), Google
//! Cloud Storage and Azure Blob Storage, through the
//! [`object_store`](https://docs.rs/object_store) crate.
//!
//! **Why `object_store` and not OpenDAL.** Both are well kept Apache projects.
//! perscache needs five operations (get, put, delete, list, and the object's
//! size and modification time) on three clouds, and `object_store` is exactly
//! that: one small trait, the three clouds behind cargo features, credentials
//! read the way each cloud's own tools read them (environment variables, web
//! identity, instance metadata), retries with bounded backoff, and emulator
//! support (S3-compatible endpoints, Azurite, fake-gcs-server) that its own CI
//! uses. It is also the crate the Arrow/Parquet ecosystem uses, so a user with
//! Parquet results builds one HTTP stack, not two. OpenDAL covers far more
//! services (and Redis), but through a larger layered API whose per-service
//! capabilities vary; Redis is better served here by a dedicated client that
//! can list with `SCAN` (see `redis.rs`).
//!
//! Every request runs on the runtime perscache owns (see `remote.rs`), with a
//! short retry budget, so a storage outage costs a call a few seconds at most
//! before the function simply runs.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use super::remote::{on_runtime, Secrets, SizeLimit};
use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// Entries in an S3, Google Cloud Storage or Azure Blob Storage bucket, one
/// object per entry under an optional prefix:
/// `<prefix>/<function>/<code hash>/<key>.<ext>`.
///
/// A write is one `PUT`, which every one of these services applies
/// atomically, so readers in any process see a whole old entry or a whole new
/// one. Build one with [`ObjectStorage::s3`], [`ObjectStorage::gcs`] or
/// [`ObjectStorage::azure`], or from a URL with [`open_url`](crate::open_url)
/// (`s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`).
/// Its `Debug` output and its errors never contain credentials.
///
/// ```no_run
/// use perscache::{Cache, ObjectStorage};
///
/// // Credentials, region and endpoint come from AWS_* variables, as for the AWS CLI.
/// let storage = ObjectStorage::s3("team-cache").prefix("ci").max_size(10 << 30).build()?;
/// let cache = Cache::builder().storage(storage).build();
/// # Ok::<(), perscache::Error>(())
/// ```
pub struct ObjectStorage {
    inner: Arc<Inner>,
}

struct Inner {
    backend: &'static str,
    bucket: String,
    prefix: String,
    endpoint: Option<String>,
    store: Arc<dyn ObjectStore>,
    secrets: Secrets,
    limit: Option<SizeLimit>,
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
            .field("max_size", &i.limit.as_ref().map(SizeLimit::max))
            .finish_non_exhaustive()
    }
}

/// Failures of an object store, before their secrets are scrubbed.
#[derive(Debug, thiserror::Error)]
enum ObjectError {
    #[error("invalid entry path `{0}`")]
    Path(String),
}

enum Cloud {
    #[cfg(feature = "s3")]
    S3(object_store::aws::AmazonS3Builder),
    #[cfg(feature = "gcs")]
    Gcs(object_store::gcp::GoogleCloudStorageBuilder),
    #[cfg(feature = "azure")]
    Azure(object_store::azure::MicrosoftAzureBuilder),
}

/// Configures an [`ObjectStorage`]; start with [`ObjectStorage::s3`],
/// [`ObjectStorage::gcs`] or [`ObjectStorage::azure`].
///
/// Settings made here override the environment. Secrets given here are
/// remembered only to be scrubbed from error messages.
pub struct ObjectStorageBuilder {
    cloud: Cloud,
    bucket: String,
    prefix: String,
    endpoint: Option<String>,
    max_size: Option<u64>,
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
            .field("max_size", &self.max_size)
            .finish_non_exhaustive()
    }
}

/// Secrets every cloud's variables may hold, scrubbed from all errors.
const SECRET_VARS: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_TOKEN",
    "AZURE_CLIENT_SECRET",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
];

impl ObjectStorage {
    /// An S3 bucket (or one on an S3-compatible server), configured from the
    /// variables the AWS CLI reads: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (or
    /// `AWS_DEFAULT_REGION`), `AWS_ENDPOINT_URL`, `AWS_PROFILE` (static keys
    /// from `~/.aws/credentials`), web identity and instance metadata.
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
    pub fn s3(bucket: &str) -> ObjectStorageBuilder {
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        if std::env::var_os("AWS_REGION").is_none() {
            if let Ok(region) = std::env::var("AWS_DEFAULT_REGION") {
                builder = builder.with_region(region);
            }
        }
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            if let Some(profile) = aws_profile() {
                secrets.add(profile.secret.clone());
                builder = builder
                    .with_access_key_id(profile.key_id)
                    .with_secret_access_key(profile.secret);
                if let Some(token) = profile.token {
                    secrets.add(token.clone());
                    builder = builder.with_token(token);
                }
                if let Some(region) = profile.region {
                    if std::env::var_os("AWS_REGION").is_none()
                        && std::env::var_os("AWS_DEFAULT_REGION").is_none()
                    {
                        builder = builder.with_region(region);
                    }
                }
            }
        }
        let endpoint = std::env::var("AWS_ENDPOINT_URL_S3")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .or_else(|_| std::env::var("AWS_ENDPOINT"))
            .ok();
        ObjectStorageBuilder::new(Cloud::S3(builder), bucket, secrets).with_endpoint(endpoint)
    }

    /// A Google Cloud Storage bucket, configured as Google's client libraries
    /// are: `GOOGLE_APPLICATION_CREDENTIALS` (a service account or
    /// `gcloud auth application-default login` file), `GOOGLE_SERVICE_ACCOUNT`,
    /// instance metadata, and `STORAGE_EMULATOR_HOST` for an emulator such as
    /// fake-gcs-server (no credentials are sent to it).
    ///
    /// ```no_run
    /// let storage = perscache::ObjectStorage::gcs("my-bucket").prefix("perscache").build()?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    #[cfg(feature = "gcs")]
    pub fn gcs(bucket: &str) -> ObjectStorageBuilder {
        let builder =
            object_store::gcp::GoogleCloudStorageBuilder::from_env().with_bucket_name(bucket);
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        let endpoint = std::env::var("STORAGE_EMULATOR_HOST").ok().map(|host| {
            if host.contains("://") {
                host
            } else {
                format!("http://{host}")
            }
        });
        ObjectStorageBuilder::new(Cloud::Gcs(builder), bucket, secrets).with_endpoint(endpoint)
    }

    /// An Azure Blob Storage container, configured as the Azure CLI is:
    /// `AZURE_STORAGE_CONNECTION_STRING`, or `AZURE_STORAGE_ACCOUNT` with
    /// `AZURE_STORAGE_KEY` or `AZURE_STORAGE_SAS_TOKEN`; also service
    /// principals (`AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, `AZURE_TENANT_ID`),
    /// workload and managed identity. The account is not part of the URL.
    ///
    /// ```no_run
    /// let storage = perscache::ObjectStorage::azure("my-container")
    ///     .connection_string("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")
    ///     .build()?;
    /// # Ok::<(), perscache::Error>(())
    /// ```
    #[cfg(feature = "azure")]
    pub fn azure(container: &str) -> ObjectStorageBuilder {
        use object_store::azure::AzureConfigKey;

        let mut builder =
            object_store::azure::MicrosoftAzureBuilder::from_env().with_container_name(container);
        let mut secrets = Secrets::default();
        secrets.add_env(SECRET_VARS);
        // The Azure CLI's names, which object_store does not read itself.
        if let Ok(account) = std::env::var("AZURE_STORAGE_ACCOUNT") {
            builder = builder.with_account(account);
        }
        if let Ok(key) = std::env::var("AZURE_STORAGE_KEY") {
            builder = builder.with_access_key(key);
        }
        if let Ok(sas) = std::env::var("AZURE_STORAGE_SAS_TOKEN") {
            builder = builder.with_config(AzureConfigKey::SasKey, sas);
        }
        let storage = ObjectStorageBuilder::new(Cloud::Azure(builder), container, secrets);
        match std::env::var("AZURE_STORAGE_CONNECTION_STRING") {
            Ok(conn) => storage.connection_string(&conn),
            Err(_) => storage,
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
            max_size: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            secrets,
            errors: Vec::new(),
        }
    }

    fn with_endpoint(mut self, endpoint: Option<String>) -> Self {
        self.endpoint = endpoint.filter(|e| !e.is_empty());
        self
    }

    /// Keeps entries under `prefix` inside the bucket (`team/ci`), so several
    /// caches can share one bucket.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.trim_matches('/').to_owned();
        self
    }

    /// Talks to `url` instead of the cloud's own endpoint: an S3-compatible
    /// server, Azurite, fake-gcs-server. Plain `http://` is allowed for it.
    pub fn endpoint(self, url: &str) -> Self {
        self.with_endpoint(Some(url.to_owned()))
    }

    /// Keeps the total size of entries under `bytes`, evicting the least
    /// recently used first (see `docs/storage.md` for the slack between
    /// processes).
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = Some(bytes);
        self
    }

    /// Gives up on one request after `timeout` (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries a failed request up to `retries` times (default 2), so an
    /// outage costs a call little time before the function runs anyway.
    pub fn retries(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// The region of an S3 bucket (ignored by the other clouds).
    pub fn region(mut self, region: &str) -> Self {
        let _ = region; // unused without the `s3` feature
        self.cloud = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(b) => Cloud::S3(b.with_region(region)),
            #[allow(unreachable_patterns)]
            other => other,
        };
        self
    }

    /// Static credentials: an access key id and secret for S3, an account
    /// name and account key for Azure. Google Cloud uses
    /// [`service_account_key`](Self::service_account_key) instead.
    pub fn access_key(mut self, id: &str, secret: &str) -> Self {
        let _ = id; // unused with only the `gcs` feature
        self.secrets.add(secret);
        self.cloud = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(b) => Cloud::S3(b.with_access_key_id(id).with_secret_access_key(secret)),
            #[cfg(feature = "azure")]
            Cloud::Azure(b) => Cloud::Azure(b.with_account(id).with_access_key(secret)),
            #[cfg(feature = "gcs")]
            Cloud::Gcs(b) => {
                self.errors.push(
                    "Google Cloud Storage takes a service account key, not an access key".into(),
                );
                Cloud::Gcs(b)
            }
        };
        self
    }

    /// A Google service account key (the JSON text of its key file).
    pub fn service_account_key(mut self, json: &str) -> Self {
        self.secrets.add(json);
        self.cloud = match self.cloud {
            #[cfg(feature = "gcs")]
            Cloud::Gcs(b) => Cloud::Gcs(b.with_service_account_key(json)),
            #[allow(unreachable_patterns)]
            other => {
                self.errors
                    .push("a service account key is for Google Cloud Storage only".into());
                other
            }
        };
        self
    }

    /// An Azure storage connection string, as the Azure portal and CLI give
    /// it: `AccountName`, `AccountKey` or `SharedAccessSignature`, and
    /// `BlobEndpoint` (or `DefaultEndpointsProtocol` and `EndpointSuffix`).
    pub fn connection_string(mut self, conn: &str) -> Self {
        let mut account = None;
        let mut key = None;
        let mut sas = None;
        let mut endpoint = None;
        let mut protocol = "https".to_owned();
        let mut suffix = None;
        for part in conn.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                continue;
            };
            match name.to_ascii_lowercase().as_str() {
                "accountname" => account = Some(value.to_owned()),
                "accountkey" => key = Some(value.to_owned()),
                "sharedaccesssignature" => sas = Some(value.to_owned()),
                "blobendpoint" => endpoint = Some(value.trim_end_matches('/').to_owned()),
                "defaultendpointsprotocol" => protocol = value.to_owned(),
                "endpointsuffix" => suffix = Some(value.to_owned()),
                _ => {}
            }
        }
        if let Some(k) = &key {
            self.secrets.add(k.clone());
        }
        if let Some(s) = &sas {
            self.secrets.add(s.clone());
        }
        if endpoint.is_none() {
            if let (Some(a), Some(s)) = (&account, &suffix) {
                endpoint = Some(format!("{protocol}://{a}.blob.{s}"));
            }
        }
        self.cloud = match self.cloud {
            #[cfg(feature = "azure")]
            Cloud::Azure(mut b) => {
                use object_store::azure::AzureConfigKey;
                if let Some(a) = account {
                    b = b.with_account(a);
                }
                if let Some(k) = key {
                    b = b.with_access_key(k);
                }
                if let Some(s) = sas {
                    b = b.with_config(AzureConfigKey::SasKey, s);
                }
                if endpoint.is_some() {
                    self.endpoint = endpoint;
                }
                Cloud::Azure(b)
            }
            #[allow(unreachable_patterns)]
            other => {
                let _ = (account, key, sas, endpoint);
                self.errors
                    .push("a connection string is for Azure Blob Storage only".into());
                other
            }
        };
        self
    }

    /// Sets any option `object_store` knows for this cloud, by its
    /// configuration key (`aws_sse_kms_key_id`, `google_bucket`,
    /// `azure_storage_sas_key`, ...; see the `object_store` docs). The value
    /// is treated as a secret.
    pub fn option(mut self, key: &str, value: &str) -> Self {
        self.secrets.add(value);
        let unknown = format!("unknown option `{key}`");
        let lower = key.to_ascii_lowercase();
        self.cloud = match self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(b) => match lower.parse() {
                Ok(k) => Cloud::S3(b.with_config(k, value)),
                Err(_) => {
                    self.errors.push(unknown);
                    Cloud::S3(b)
                }
            },
            #[cfg(feature = "gcs")]
            Cloud::Gcs(b) => match lower.parse() {
                Ok(k) => Cloud::Gcs(b.with_config(k, value)),
                Err(_) => {
                    self.errors.push(unknown);
                    Cloud::Gcs(b)
                }
            },
            #[cfg(feature = "azure")]
            Cloud::Azure(b) => match lower.parse() {
                Ok(k) => Cloud::Azure(b.with_config(k, value)),
                Err(_) => {
                    self.errors.push(unknown);
                    Cloud::Azure(b)
                }
            },
        };
        self
    }

    /// The storage. Fails on an invalid configuration (no bucket, a malformed
    /// endpoint or key); credentials are checked by the first request.
    pub fn build(self) -> Result<ObjectStorage> {
        let backend = match &self.cloud {
            #[cfg(feature = "s3")]
            Cloud::S3(_) => "s3",
            #[cfg(feature = "gcs")]
            Cloud::Gcs(_) => "gcs",
            #[cfg(feature = "azure")]
            Cloud::Azure(_) => "azure",
        };
        if let Some(e) = self.errors.first() {
            return Err(Error::Config(format!(
                "{backend} storage: {}",
                self.secrets.scrub(e)
            )));
        }
        if self.bucket.is_empty() {
            return Err(Error::Config(format!(
                "{backend} storage: the bucket name is empty"
            )));
        }
        let retry = RetryConfig {
            max_retries: self.retries,
            retry_timeout: self.timeout,
            ..RetryConfig::default()
        };
        let http = self
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        let options = ClientOptions::new()
            .with_timeout(self.timeout)
            .with_connect_timeout(Duration::from_secs(5).min(self.timeout))
            .with_allow_http(http);
        let endpoint = self.endpoint.clone();
        let built: std::result::Result<Arc<dyn ObjectStore>, object_store::Error> = match self.cloud
        {
            #[cfg(feature = "s3")]
            Cloud::S3(mut b) => {
                if let Some(e) = &endpoint {
                    // S3-compatible servers on a bare host name want path-style URLs.
                    b = b
                        .with_endpoint(e.clone())
                        .with_virtual_hosted_style_request(false);
                }
                b.with_retry(retry)
                    .with_client_options(options)
                    .build()
                    .map(|s| Arc::new(s) as _)
            }
            #[cfg(feature = "gcs")]
            Cloud::Gcs(mut b) => {
                if let Some(e) = &endpoint {
                    // An emulator: no OAuth tokens, no signed URLs.
                    b = b.with_base_url(e).with_skip_signature(true).with_config(
                        object_store::gcp::GoogleConfigKey::ServiceAccountKey,
                        r#"{"private_key":"","private_key_id":"","client_email":"","disable_oauth":true}"#,
                    );
                }
                b.with_retry(retry)
                    .with_client_options(options)
                    .build()
                    .map(|s| Arc::new(s) as _)
            }
            #[cfg(feature = "azure")]
            Cloud::Azure(mut b) => {
                if let Some(e) = &endpoint {
                    b = b.with_endpoint(e.clone());
                }
                b.with_retry(retry)
                    .with_client_options(options)
                    .build()
                    .map(|s| Arc::new(s) as _)
            }
        };
        let store = built.map_err(|e| {
            let scrubbed = self.secrets.error(backend, &e);
            Error::Config(scrubbed.to_string())
        })?;
        Ok(ObjectStorage {
            inner: Arc::new(Inner {
                backend,
                bucket: self.bucket,
                prefix: self.prefix,
                endpoint,
                store,
                secrets: self.secrets,
                limit: self.max_size.map(SizeLimit::new),
            }),
        })
    }
}

/// Static keys of the `AWS_PROFILE` profile (default `default`) from
/// `~/.aws/credentials` (or `AWS_SHARED_CREDENTIALS_FILE`), and its region
/// from `~/.aws/config` (or `AWS_CONFIG_FILE`).
#[cfg(feature = "s3")]
struct AwsProfile {
    key_id: String,
    secret: String,
    token: Option<String>,
    region: Option<String>,
}

#[cfg(feature = "s3")]
fn aws_profile() -> Option<AwsProfile> {
    let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".to_owned());
    let home = dirs::home_dir()?;
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("credentials"));
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("config"));
    let creds = ini_section(&std::fs::read_to_string(credentials).ok()?, &profile);
    let config_section = if profile == "default" {
        "default".to_owned()
    } else {
        format!("profile {profile}")
    };
    let region = std::fs::read_to_string(config)
        .ok()
        .and_then(|text| ini_section(&text, &config_section).remove("region"));
    let mut creds = creds;
    Some(AwsProfile {
        key_id: creds.remove("aws_access_key_id")?,
        secret: creds.remove("aws_secret_access_key")?,
        token: creds.remove("aws_session_token"),
        region,
    })
}

/// The `key = value` pairs of section `[name]` of an INI text.
#[cfg(feature = "s3")]
fn ini_section(text: &str, name: &str) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = section.trim() == name;
        } else if inside {
            if let Some((k, v)) = line.split_once('=') {
                out.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
    }
    out
}

impl Inner {
    fn object_path(&self, path: &str) -> std::result::Result<ObjectPath, ObjectError> {
        let safe = !path.is_empty()
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !safe {
            return Err(ObjectError::Path(path.to_owned()));
        }
        let full = if self.prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.prefix)
        };
        ObjectPath::parse(&full).map_err(|_| ObjectError::Path(path.to_owned()))
    }

    /// The storage path of an object, relative to the prefix.
    fn relative<'a>(&self, location: &'a str) -> Option<&'a str> {
        if self.prefix.is_empty() {
            Some(location)
        } else {
            location.strip_prefix(&self.prefix)?.strip_prefix('/')
        }
    }

    fn fail(&self, e: &(dyn std::error::Error + 'static)) -> Error {
        self.secrets.error(self.backend, e)
    }
}

#[async_trait::async_trait]
impl Storage for ObjectStorage {
    fn name(&self) -> &'static str {
        self.inner.backend
    }

    async fn read(&self, path: &str, written_after: Option<SystemTime>) -> Result<Option<Blob>> {
        let inner = Arc::clone(&self.inner);
        let location = inner.object_path(path).map_err(|e| inner.fail(&e))?;
        let task_inner = Arc::clone(&inner);
        let blob = on_runtime(inner.backend, async move {
            let inner = task_inner;
            let got = match inner.store.get(&location).await {
                Ok(got) => got,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(inner.fail(&e)),
            };
            let modified = SystemTime::from(got.meta.last_modified);
            if written_after.is_some_and(|deadline| modified <= deadline) {
                return Ok(None);
            }
            let bytes = got.bytes().await.map_err(|e| inner.fail(&e))?;
            Ok(Some(Blob::new(bytes, modified)))
        })
        .await?;
        if let (Some(limit), Some(_)) = (&inner.limit, &blob) {
            limit.touched(path);
        }
        Ok(blob)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let location = inner.object_path(path).map_err(|e| inner.fail(&e))?;
        let size = bytes.len() as u64;
        let task_inner = Arc::clone(&inner);
        on_runtime(inner.backend, async move {
            task_inner
                .store
                .put(&location, PutPayload::from_bytes(bytes))
                .await
                .map(drop)
                .map_err(|e| task_inner.fail(&e))
        })
        .await?;
        if let Some(limit) = &inner.limit {
            limit.written(self, path, size).await?;
        }
        Ok(())
    }

    async fn delete(&self, path: &str) -> Result<()> {
        let inner = Arc::clone(&self.inner);
        let location = inner.object_path(path).map_err(|e| inner.fail(&e))?;
        let task_inner = Arc::clone(&inner);
        on_runtime(inner.backend, async move {
            match task_inner.store.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(task_inner.fail(&e)),
            }
        })
        .await?;
        if let Some(limit) = &inner.limit {
            limit.deleted(path);
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        let inner = Arc::clone(&self.inner);
        let wanted = prefix.to_owned();
        on_runtime(inner.backend, async move {
            // Object stores list by whole path segments; list the prefix's
            // folder and filter by the exact string prefix here.
            let folder = match wanted.rfind('/') {
                Some(i) => &wanted[..i],
                None => "",
            };
            let root = match (inner.prefix.is_empty(), folder.is_empty()) {
                (true, true) => None,
                (true, false) => Some(folder.to_owned()),
                (false, true) => Some(inner.prefix.clone()),
                (false, false) => Some(format!("{}/{folder}", inner.prefix)),
            };
            let root = root
                .map(|r| ObjectPath::parse(&r))
                .transpose()
                .map_err(|e| inner.fail(&e))?;
            let metas: Vec<_> = inner
                .store
                .list(root.as_ref())
                .try_collect()
                .await
                .map_err(|e| inner.fail(&e))?;
            let mut out: Vec<EntryInfo> = metas
                .into_iter()
                .filter_map(|meta| {
                    let rel = inner.relative(meta.location.as_ref())?;
                    rel.starts_with(&wanted).then(|| {
                        EntryInfo::new(rel, meta.size, SystemTime::from(meta.last_modified), None)
                    })
                })
                .collect();
            out.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(out)
        })
        .await
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
