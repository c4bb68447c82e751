//! Entries packed into one database file: many small results in one store
//! that several processes read and write at once (see [`PackedStorage`]).
//!
//! The database is LMDB, through Meilisearch's `heed`. LMDB and not redb
//! (the `cached` crate's store): redb locks its file for one process, so a
//! second program, or `cargo perscache stats`, could not open the store at
//! all; LMDB's readers and its one writer at a time may be in any process
//! (docs/storage.md, "The packed store").

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use heed::types::Bytes as Raw;
use heed::{CommitOrAbort, Database, Env, EnvFlags, EnvOpenOptions, MdbError};

use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

const BACKEND: &str = "packed";

/// Every value starts with this tag and its write time (nanoseconds since
/// the Unix epoch, little-endian), so that reads know an entry's age from
/// the one lookup, and a damaged value is recognised.
const MAGIC: &[u8; 4] = b"pcp1";
const HEADER_LEN: usize = 12;

/// The database file inside the store's folder (LMDB's name for it).
const DATA_FILE: &str = "data.mdb";

/// LMDB's longest key: entry paths are far shorter
/// (`<function>/<code folder>/<64 hex digits>.<ext>`).
const MAX_PATH: usize = 511;

/// Room the store may grow to, reserved as address space (not disk, not
/// memory) by every process that opens it.
#[cfg(target_pointer_width = "64")]
const DEFAULT_MAP_SIZE: u64 = 64 << 30;
#[cfg(not(target_pointer_width = "64"))]
const DEFAULT_MAP_SIZE: u64 = 1 << 30;

/// Sizes are rounded up to this, a multiple of every page size.
const MAP_UNIT: u64 = 1 << 20;

/// Read transactions open at once, over all processes: one slot per thread
/// that has read (LMDB's default, 126, is near a large thread pool's size).
const MAX_READERS: u32 = 1024;

/// Entries packed into one LMDB database in a folder of their own:
/// `packed:///abs/path` (feature `packed`).
///
/// For many small results: a hit is one lookup in a memory-mapped B-tree
/// (no file to open, no folder to check), a miss one write transaction, and
/// ten thousand entries are one file, not ten thousand. Large results (many
/// megabytes) are better as files ([`LocalStorage`](crate::LocalStorage)).
///
/// # Several processes
///
/// Any number of processes (several programs, `cargo perscache stats` and
/// `clear`) open one store at once: reads never wait (each reads a
/// snapshot), and writes take turns through LMDB's lock file, each one
/// atomic. Leases ([`Storage::try_lease`]) are created in a write
/// transaction, so one process computes a key that several miss at once.
/// Within a process, every `PackedStorage` on one folder shares one open
/// database, which stays open while any of them lives (the first one
/// opened sets its [`map_size`](PackedStorageBuilder::map_size) and
/// [`sync`](PackedStorageBuilder::sync)). The folder must be on a local
/// disk: LMDB's locks do not work over NFS or SMB.
///
/// # Failures
///
/// The database is opened at the first operation, not when the storage is
/// built; a store that cannot be opened (a folder not writable, a file that
/// is not a database, a store this process's parent opened before forking
/// and the child still holds) fails
/// each operation, which the cache reports as a warning and a miss. Reads
/// of a store not yet written find nothing and create nothing. The folder
/// and database are private to their owner (`0700`, `0600`); on Unix a
/// folder owned by another user, or writable by others, is refused, since
/// LMDB trusts its file's structure.
///
/// Hits record no last use: a [`SizeLimited`](crate::SizeLimited) evicts
/// what this process used least recently, else what was written first.
///
/// ```
/// use perscache::{Cache, PackedStorage, Storage};
///
/// let dir = tempfile::tempdir()?;
/// let storage = PackedStorage::builder(dir.path().join("store")).map_size(1 << 30).build();
/// assert_eq!(storage.folder(), dir.path().join("store"));
/// pollster::block_on(storage.write("f/0123456789abcdef/k.bin", "bytes".into()))?;
/// let blob = pollster::block_on(storage.read("f/0123456789abcdef/k.bin"))?.expect("written");
/// assert_eq!(&blob.bytes[..], b"bytes");
///
/// // Or by URL, as PERSCACHE_URL or `url` in perscache.toml name it:
/// let url = format!("packed://{}", dir.path().join("store").display());
/// let cache = Cache::builder().url(&url)?.build();
/// assert_eq!(cache.storage().name(), "packed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "packed")))]
pub struct PackedStorage {
    folder: PathBuf,
    map_size: u64,
    sync: bool,
    /// The open database, from the first operation that found or made one.
    opened: OnceLock<Arc<Store>>,
}

/// Configures a [`PackedStorage`]; start with [`PackedStorage::builder`].
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let storage = perscache::PackedStorage::builder(dir.path().join("store"))
///     .map_size(16 << 30) // room to grow to, reserved as address space
///     .sync(true) // flush every write to disk
///     .build();
/// let cache = perscache::Cache::builder().storage(storage).max_size(8 << 30).build();
/// assert_eq!(cache.storage().name(), "packed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "packed")))]
pub struct PackedStorageBuilder {
    folder: PathBuf,
    map_size: u64,
    sync: bool,
}

impl PackedStorageBuilder {
    /// The most the database may hold (default 64 GiB on 64-bit targets,
    /// 1 GiB on others), rounded up to a whole MiB. Every process reserves
    /// this much address space, not memory nor disk: the file grows with
    /// what is written. A write that does not fit fails with a warning
    /// (give the cache a [`max_size`](crate::CacheBuilder::max_size) below
    /// it). Give every process the same size: one that writes past another
    /// process's size makes that one's operations fail until it reopens
    /// the store. `?map_size=128GiB` in the URL.
    pub fn map_size(mut self, bytes: u64) -> Self {
        self.map_size = bytes;
        self
    }

    /// Flushes each write to disk before it returns (default off, as for
    /// local files). Off, a write survives its process being killed at any
    /// point, but a power loss or a crash of the system may lose the last
    /// writes or damage the store (then delete its folder). `?sync=true`
    /// in the URL.
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// The storage; the database is opened (and made, when missing) at
    /// its first operation, unless this process has it open already.
    pub fn build(self) -> PackedStorage {
        let opened = OnceLock::new();
        if let Some(store) = already_open(&self.folder) {
            let _ = opened.set(store);
        }
        PackedStorage {
            folder: self.folder,
            map_size: self.map_size,
            sync: self.sync,
            opened,
        }
    }
}

impl PackedStorage {
    /// A store in `folder` (made at the first write), with the defaults.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let storage = perscache::PackedStorage::new(dir.path().join("store"));
    /// assert!(!dir.path().join("store").exists(), "made at the first write");
    /// # let _ = storage;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self::builder(folder).build()
    }

    /// A builder for a store in `folder`.
    pub fn builder(folder: impl Into<PathBuf>) -> PackedStorageBuilder {
        PackedStorageBuilder {
            folder: folder.into(),
            map_size: DEFAULT_MAP_SIZE,
            sync: false,
        }
    }

    /// The folder that holds the database.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The store a `packed:///abs/path[?map_size=64GiB&sync=true]` URL names.
    pub(crate) fn from_url(parsed: &url::Url) -> Result<Self> {
        let shown = crate::redact_url(parsed.as_str());
        let folder = parsed
            .to_file_path()
            .ok()
            .filter(|p| p.is_absolute())
            .ok_or_else(|| {
                Error::Config(format!(
                    "storage URL `{shown}`: a packed store is named by an absolute path, `packed:///abs/path`"
                ))
            })?;
        let mut builder = Self::builder(folder);
        for (key, value) in parsed.query_pairs() {
            builder = match &*key {
                "map_size" => {
                    builder.map_size(crate::config::parse_size(&value).map_err(|e| {
                        Error::Config(format!("storage URL `{shown}`: map_size: {e}"))
                    })?)
                }
                "sync" => builder.sync(match &*value {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    other => {
                        return Err(Error::Config(format!(
                            "storage URL `{shown}`: sync is `true` or `false`, not `{other}`"
                        )))
                    }
                }),
                other => {
                    return Err(Error::Config(format!(
                        "storage URL `{shown}`: unknown parameter `{other}` (known: map_size, sync)"
                    )))
                }
            };
        }
        Ok(builder.build())
    }

    /// The open database; `Ok(None)` when there is none yet and `create`
    /// is false (a read of a store never written makes nothing).
    fn store(&self, create: bool) -> std::result::Result<Option<&Store>, PackedError> {
        if let Some(store) = self.opened.get() {
            if store.forks != forks() {
                return Err(PackedError::Forked);
            }
            return Ok(Some(store));
        }
        let Some(store) = open(&self.folder, self.map_size, self.sync, create)? else {
            return Ok(None);
        };
        // Another thread may have opened it meanwhile: the same `Store`.
        Ok(Some(self.opened.get_or_init(|| store)))
    }

    /// The open database, made when missing.
    fn store_to_write(&self) -> Result<&Store> {
        self.store(true).map_err(err)?.ok_or_else(|| {
            err(PackedError::Io(std::io::Error::other(
                "the store was not made",
            )))
        })
    }

    fn read_value(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let key = key(path).map_err(err)?;
        let Some(store) = self.store(false).map_err(err)? else {
            return Ok(None);
        };
        let txn = store.env.read_txn().map_err(db)?;
        let Some(value) = store.db.get(&txn, key).map_err(db)? else {
            return Ok(None);
        };
        let (modified, bytes) = split(value).ok_or_else(|| corrupt(path))?;
        if bytes.len() as u64 > max {
            return Err(super::too_large(path, bytes.len() as u64, max));
        }
        Ok(Some(Blob::new(Bytes::copy_from_slice(bytes), modified)))
    }

    fn write_value(&self, path: &str, bytes: &[u8], modified: SystemTime) -> Result<()> {
        let key = key(path).map_err(err)?;
        let store = self.store_to_write()?;
        let mut txn = store.env.write_txn().map_err(db)?;
        store
            .db
            .put_reserved(&mut txn, key, HEADER_LEN + bytes.len(), |space| {
                space.write_all(&header(modified))?;
                space.write_all(bytes)
            })
            .map_err(|e| store.fail(e))?;
        txn.commit().map_err(|e| store.fail(e))
    }

    fn lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        let key = key(path).map_err(err)?;
        let store = self.store_to_write()?;
        // Checked and taken in one write transaction: no other process
        // writes between the two.
        let mut txn = store.env.write_txn().map_err(db)?;
        let now = SystemTime::now();
        let held = store
            .db
            .get(&txn, key)
            .map_err(db)?
            .and_then(split)
            .is_some_and(|(taken, _)| now.duration_since(taken).unwrap_or_default() < ttl);
        if held {
            txn.abort();
            return Ok(false);
        }
        store
            .db
            .put(&mut txn, key, &header(now))
            .map_err(|e| store.fail(e))?;
        txn.commit().map_err(|e| store.fail(e))?;
        Ok(true)
    }

    fn delete_value(&self, path: &str) -> Result<()> {
        let key = key(path).map_err(err)?;
        let Some(store) = self.store(false).map_err(err)? else {
            return Ok(());
        };
        let mut txn = store.env.write_txn().map_err(db)?;
        if store.db.delete(&mut txn, key).map_err(db)? {
            txn.commit().map_err(|e| store.fail(e))
        } else {
            txn.abort();
            Ok(())
        }
    }

    fn list_values(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        let Some(store) = self.store(false).map_err(err)? else {
            return Ok(Vec::new());
        };
        let txn = store.env.read_txn().map_err(db)?;
        if prefix.is_empty() {
            listed(store.db.iter(&txn).map_err(db)?)
        } else {
            listed(store.db.prefix_iter(&txn, prefix.as_bytes()).map_err(db)?)
        }
    }

    fn head_value(&self, path: &str) -> Result<Option<EntryInfo>> {
        let key = key(path).map_err(err)?;
        let Some(store) = self.store(false).map_err(err)? else {
            return Ok(None);
        };
        let txn = store.env.read_txn().map_err(db)?;
        Ok(store
            .db
            .get(&txn, key)
            .map_err(db)?
            .and_then(split)
            .map(|(modified, bytes)| EntryInfo::new(path, bytes.len() as u64, modified, None)))
    }
}

impl fmt::Debug for PackedStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PackedStorage")
            .field("folder", &self.folder)
            .field("map_size", &self.map_size)
            .field("sync", &self.sync)
            .finish_non_exhaustive()
    }
}

/// One open database, shared by every `PackedStorage` of its folder in
/// this process (LMDB must not open one environment twice in a process).
struct Store {
    env: Env,
    db: Database<'static, Raw, Raw>,
    /// The map size it was opened with, for the error of a full store.
    map_size: u64,
    /// [`forks`] when it was opened: a forked child must not use it.
    forks: u64,
}

impl Store {
    /// A failed write, saying what to do when the store is full.
    fn fail(&self, e: heed::Error) -> Error {
        match e {
            heed::Error::Mdb(MdbError::MapFull) => err(PackedError::Full(self.map_size)),
            e => db(e),
        }
    }
}

/// The databases open in this process, by canonical folder and by the
/// absolute names they were opened under.
fn registry() -> &'static Mutex<HashMap<PathBuf, Weak<Store>>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Weak<Store>>>> = OnceLock::new();
    OPEN.get_or_init(Mutex::default)
}

/// The database of `folder` if this process has it open under this
/// absolute name: found with no system call, so that a new storage (a new
/// `Cache` on the same URL) reads at once.
fn already_open(folder: &Path) -> Option<Arc<Store>> {
    if !folder.is_absolute() {
        return None;
    }
    let open = registry().lock().unwrap_or_else(|p| p.into_inner());
    open.get(folder)
        .and_then(Weak::upgrade)
        .filter(|store| store.forks == forks())
}

/// Opens the database in `folder`, or finds it open in this process.
fn open(
    folder: &Path,
    map_size: u64,
    sync: bool,
    create: bool,
) -> std::result::Result<Option<Arc<Store>>, PackedError> {
    let open_error = |source| PackedError::Open {
        folder: folder.to_owned(),
        source,
    };
    let mut open = registry().lock().unwrap_or_else(|p| p.into_inner());
    let found = |store: Arc<Store>| {
        if store.forks == forks() {
            Ok(Some(store))
        } else {
            Err(PackedError::Forked)
        }
    };
    // Open in this process under this name: no system call (what a new
    // `Cache` on the same URL costs). Only an absolute name stays one
    // folder when the working folder changes.
    if folder.is_absolute() {
        if let Some(store) = open.get(folder).and_then(Weak::upgrade) {
            return found(store);
        }
    }
    if !create && !folder.join(DATA_FILE).exists() {
        return Ok(None);
    }
    if create {
        make_folder(folder).map_err(|e| open_error(e.into()))?;
    }
    let canonical = folder.canonicalize().map_err(|e| open_error(e.into()))?;
    if let Some(store) = open.get(&canonical).and_then(Weak::upgrade) {
        if folder.is_absolute() {
            open.insert(folder.to_owned(), Arc::downgrade(&store));
        }
        return found(store);
    }
    check_owner(&canonical).map_err(|e| open_error(e.into()))?;
    watch_forks();
    open.retain(|_, store| store.strong_count() > 0);
    let map_size = map_size.max(MAP_UNIT).div_ceil(MAP_UNIT) * MAP_UNIT;
    let mut options = EnvOpenOptions::new();
    options
        .map_size(
            usize::try_from(map_size).unwrap_or(usize::MAX / MAP_UNIT as usize * MAP_UNIT as usize),
        )
        .max_readers(MAX_READERS);
    if !sync {
        // SAFETY: `NO_SYNC` only leaves flushing to the system: what was
        // committed survives the process dying, and a system crash may undo
        // the last commits (the trade the builder's `sync` documents). It
        // gives no other thread or process a way to see a torn page.
        #[allow(unsafe_code)]
        unsafe {
            options.flags(EnvFlags::NO_SYNC);
        }
    }
    let env = open_env(&options, &canonical).map_err(open_error)?;
    // LMDB reads its pages through the map without checking the file's
    // length: a truncated file would crash the reader (SIGBUS).
    let pages = env.info().last_page_number as u64 + 1;
    let needed = pages.saturating_mul(u64::from(env.unnamed_database_stat().page_size));
    let len = std::fs::metadata(canonical.join(DATA_FILE))
        .map_err(|e| open_error(e.into()))?
        .len();
    if len < needed {
        return Err(PackedError::Truncated { len, needed });
    }
    // Reader slots of processes that died mid-read would keep old pages
    // from reuse.
    env.clear_stale_readers().map_err(open_error)?;
    let rtxn = env.read_txn().map_err(open_error)?;
    let db = env
        .open_databases_and_commit(rtxn, |opener, rtxn| {
            opener
                .open_database::<Raw, Raw>(rtxn, None)
                .map(CommitOrAbort::<_, ()>::Commit)
        })
        .map_err(open_error)?
        .commit()
        .flatten()
        .ok_or(PackedError::NoMainDatabase)?;
    let store = Arc::new(Store {
        env,
        db,
        map_size,
        forks: forks(),
    });
    if folder.is_absolute() {
        open.insert(folder.to_owned(), Arc::downgrade(&store));
    }
    open.insert(canonical, Arc::downgrade(&store));
    Ok(Some(store))
}

/// Opens the LMDB environment, waiting for this process's last handle on
/// it to finish closing if it is closing at that moment.
fn open_env(options: &EnvOpenOptions, folder: &Path) -> heed::Result<Env> {
    for _ in 0..50 {
        // SAFETY: LMDB's file is only ever changed by LMDB itself, under
        // its lock file; the registry above keeps this process from opening
        // the environment twice (heed refuses it too); and a forked child
        // never uses its parent's handle (`Store::forks`).
        #[allow(unsafe_code)]
        let opened = unsafe { options.open(folder) };
        match opened {
            Err(heed::Error::EnvAlreadyOpened) => {
                // The last `Store` was dropped and is closing; or something
                // else in this process holds the environment open.
                if let Some(closing) = heed::env_closing_event(folder) {
                    closing.wait_timeout(Duration::from_millis(100));
                }
            }
            other => return other,
        }
    }
    Err(heed::Error::EnvAlreadyOpened)
}

/// Makes the store's folder, private to its owner on Unix.
fn make_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}

/// Refuses a folder owned by another user or writable by others: LMDB
/// trusts its file, so a planted one could crash the reader.
#[cfg(unix)]
fn check_owner(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(folder)?;
    let me = super::effective_uid();
    let why = if meta.uid() != me {
        format!("belongs to another user (uid {})", meta.uid())
    } else if meta.mode() & 0o022 != 0 {
        format!("is writable by others (mode {:o})", meta.mode() & 0o7777)
    } else {
        return Ok(());
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!("{} {why}; not trusted", folder.display()),
    ))
}

#[cfg(not(unix))]
fn check_owner(_folder: &Path) -> std::io::Result<()> {
    Ok(())
}

/// How many times this process's ancestry forked since it started: a
/// store opened by the parent is the parent's (LMDB's reader slots are by
/// process), so a child's operations fail instead of using it.
fn forks() -> u64 {
    FORKS.load(Ordering::Relaxed)
}

static FORKS: AtomicU64 = AtomicU64::new(0);

#[cfg(unix)]
fn watch_forks() {
    extern "C" fn in_child() {
        FORKS.fetch_add(1, Ordering::Relaxed);
    }
    static WATCH: std::sync::Once = std::sync::Once::new();
    WATCH.call_once(|| {
        // SAFETY: registers a plain function that only increments an
        // atomic (async-signal-safe, as a fork handler must be); nothing
        // is captured.
        #[allow(unsafe_code)]
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child));
        }
    });
}

#[cfg(not(unix))]
fn watch_forks() {}

/// What a listing says of each key and value.
fn listed<'t>(
    items: impl Iterator<Item = heed::Result<(&'t [u8], &'t [u8])>>,
) -> Result<Vec<EntryInfo>> {
    let mut out = Vec::new();
    for item in items {
        let (key, value) = item.map_err(db)?;
        // A key that is not text, or a value without a header, was not
        // written here: not listed, as a foreign Redis value is not.
        let (Ok(path), Some((modified, bytes))) = (std::str::from_utf8(key), split(value)) else {
            continue;
        };
        out.push(EntryInfo::new(path, bytes.len() as u64, modified, None));
    }
    Ok(out)
}

/// A path as a key: LMDB refuses empty and long ones.
fn key(path: &str) -> std::result::Result<&[u8], PackedError> {
    if path.is_empty() || path.len() > MAX_PATH {
        return Err(PackedError::Path(path.to_owned()));
    }
    Ok(path.as_bytes())
}

fn header(modified: SystemTime) -> [u8; HEADER_LEN] {
    let nanos = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let mut out = [0u8; HEADER_LEN];
    out[..4].copy_from_slice(MAGIC);
    out[4..].copy_from_slice(&nanos.to_le_bytes());
    out
}

/// A value's write time and bytes; `None` without a header.
fn split(value: &[u8]) -> Option<(SystemTime, &[u8])> {
    let (head, bytes) = value.split_at_checked(HEADER_LEN)?;
    let (magic, nanos) = head.split_at(4);
    if magic != MAGIC {
        return None;
    }
    let nanos = u64::from_le_bytes(nanos.try_into().ok()?);
    Some((UNIX_EPOCH + Duration::from_nanos(nanos), bytes))
}

/// Failures of the packed store, before they become [`Error::Storage`].
#[derive(Debug, thiserror::Error)]
enum PackedError {
    #[error("opening the store in {}: {source}", folder.display())]
    Open {
        folder: PathBuf,
        #[source]
        source: heed::Error,
    },
    #[error("{0}")]
    Database(#[from] heed::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the store's file is truncated ({len} bytes, its pages need {needed}); delete the store's folder")]
    Truncated { len: u64, needed: u64 },
    #[error("the store's main database is missing")]
    NoMainDatabase,
    #[error(
        "the store is full ({0} bytes, its map size): give the cache a max_size below it, or a larger PackedStorageBuilder::map_size (`?map_size=` in the URL) in every process"
    )]
    Full(u64),
    #[error("path `{0}` is empty or longer than {MAX_PATH} bytes; a packed store cannot hold it")]
    Path(String),
    #[error("the store was opened before this process forked; a forked child must open it itself")]
    Forked,
}

fn err(e: PackedError) -> Error {
    Error::storage(BACKEND, e)
}

fn db(e: heed::Error) -> Error {
    err(PackedError::Database(e))
}

fn corrupt(path: &str) -> Error {
    Error::Corrupt {
        path: path.to_owned(),
        reason: "the packed store's value has no header (not written by perscache)".into(),
    }
}

#[async_trait::async_trait]
impl Storage for PackedStorage {
    fn name(&self) -> &'static str {
        BACKEND
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        self.read_value(path, u64::MAX)
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        self.read_value(path, max)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        self.write_value(path, &bytes, SystemTime::now())
    }

    async fn write_copy(&self, path: &str, bytes: Bytes, modified: SystemTime) -> Result<bool> {
        self.write_value(path, &bytes, modified).map(|()| true)
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        self.lease(path, ttl)
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.delete_value(path)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.list_values(prefix)
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        self.head_value(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        pollster::block_on(f)
    }

    /// After a fork, the parent's open database is not the child's: its
    /// reader slots are the parent's. Once the child has dropped its copy
    /// of the parent's handle (LMDB's close clears only the closing
    /// process's reader slots), it opens the store itself. (The only test
    /// of this module that opens a store: it changes the fork count.)
    #[test]
    fn a_forked_child_does_not_use_its_parents_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("store");
        let storage = PackedStorage::new(&folder);
        block(storage.write("f/h/k.bin", Bytes::from_static(b"x"))).expect("write");
        // What the fork handler does in a child.
        FORKS.fetch_add(1, Ordering::Relaxed);
        let another = PackedStorage::new(&folder);
        for storage in [&storage, &another] {
            let e = block(storage.read("f/h/k.bin")).expect_err("forked");
            assert!(e.to_string().contains("forked"), "{e}");
        }
        drop((storage, another));
        let own = PackedStorage::new(&folder);
        let blob = block(own.read("f/h/k.bin")).expect("read").expect("hit");
        assert_eq!(&blob.bytes[..], b"x");
    }

    #[test]
    fn headers_round_trip() {
        let at = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        let mut value = header(at).to_vec();
        value.extend_from_slice(b"bytes");
        assert_eq!(split(&value), Some((at, &b"bytes"[..])));
        assert_eq!(split(b"pcp1"), None);
        assert_eq!(split(b"not ours, twelve bytes or more"), None);
    }
}
