//! Entries as files under one folder: the default storage (see [`LocalStorage`]).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
#[cfg(target_os = "linux")]
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// Default age after which a temporary file is taken for a dead writer's.
const STALE_TEMP_AGE: Duration = Duration::from_secs(15 * 60);
/// Default precision of the last-use time written to entries on hits.
const ACCESS_GRANULARITY: Duration = Duration::from_secs(1);
/// Entries up to this size are read in one `read` of their known length.
const SMALL_READ: u64 = 64 << 20;

/// Files under a root folder, one per entry: `ROOT/<function>/<code hash>/<key>.<ext>`.
///
/// # How it stays correct
///
/// - **Atomic writes.** On Linux an entry is written to an unnamed file in
///   its folder (`O_TMPFILE`) and, once whole, linked under its name (when
///   it replaces an entry: under a hidden temporary name, renamed over it).
///   Elsewhere, and where unnamed files cannot be made, it is written to a
///   hidden temporary file in its own folder (`.<name>.<pid>.<n>.tmp`) and
///   renamed over the entry. Either way a
///   reader (another thread, another process, the next run after a `kill -9`)
///   sees a whole old entry or a whole new one. A failed write removes its
///   temporary file; temporary files left by killed processes are removed
///   once they are older than [`LocalStorageBuilder::stale_temp_age`], when
///   their folder is first written to by a process and whenever a listing
///   (a size limit's rebuild, `cargo perscache`) comes across them.
/// - **Nothing outside the root.** Paths are checked to be relative and plain;
///   entries are opened with `O_NOFOLLOW` (and `O_NONBLOCK`, so a FIFO planted
///   in the folder cannot hang a reader); folders are checked not to be
///   symbolic links before they are used (on Linux, a read does both in one
///   `openat2` call with `RESOLVE_NO_SYMLINKS`), and listings never descend
///   into links. Keys are digests, so arguments never become path components.
/// - **Private by default.** Folders are created `0700` and files `0600`; an
///   entry that other users could have written (group or other write bits in
///   private mode, other write bits in [shared](LocalStorageBuilder::shared)
///   mode) is refused.
/// - **Trusted by owner** (Unix). An entry or folder not owned by the
///   current (effective) user is refused, root included: in a folder others
///   can write to, such as one under `/tmp`, they could plant files, but
///   never files owned by you. In shared mode, files and folders of the
///   root folder's group are trusted too. The root itself is refused when
///   it belongs to another user, or other users can write to it (world
///   writable, or group writable with a group other than your own), unless
///   the storage is shared. A refused file is an error the cache warns
///   about, then a miss. (On other platforms ownership is not checked: use
///   a [signing secret](crate::SignedStorage) in a folder others can write.)
///
/// # Last use
///
/// A hit records its use without relying on the kernel's access times (which
/// `relatime` and `noatime` mounts make useless): it sets the file's access
/// time itself, through the open handle, when the recorded one is older than
/// [`LocalStorageBuilder::access_granularity`]. Listings report it, so a
/// [`SizeLimited`](crate::SizeLimited) wrapper in any process evicts the
/// entries least recently used by all of them. (This storage has no size
/// limit of its own: wrap it, or give the cache a `max_size`.)
///
/// ```
/// use perscache::LocalStorage;
///
/// let dir = tempfile::tempdir()?;
/// let storage = LocalStorage::builder(dir.path()).shared(true).build();
/// assert_eq!(storage.root(), dir.path());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LocalStorage {
    root: PathBuf,
    shared: bool,
    stale_temp_age: Duration,
    access_granularity: Duration,
    /// Folders under the root already checked to be real folders (not links)
    /// by this process.
    checked_dirs: RwLock<HashSet<PathBuf>>,
    /// Folders this process has swept of stale temporary files. Sweeping lists
    /// a folder, so it happens at the first write, never on the hit path.
    swept_dirs: Mutex<HashSet<PathBuf>>,
    /// Set when reads cannot use `openat2` (an old kernel, a sandbox that
    /// forbids it, or links above the root), so they check folders one by one.
    #[cfg(target_os = "linux")]
    no_openat2: AtomicBool,
    /// Set when writes cannot make unnamed files (`O_TMPFILE`) and link
    /// them, so they go through named temporary files.
    #[cfg(target_os = "linux")]
    no_unnamed_files: AtomicBool,
    /// The root folder's group, once the root was found trustworthy.
    root_group: OnceLock<u32>,
}

/// Configures a [`LocalStorage`].
#[derive(Debug)]
pub struct LocalStorageBuilder {
    root: PathBuf,
    shared: bool,
    stale_temp_age: Duration,
    access_granularity: Duration,
}

impl LocalStorageBuilder {
    /// Shares the folder with the owner's group: folders `0770`, files `0660`
    /// (instead of `0700` and `0600`), entries writable by the group are
    /// accepted, and so are files and folders owned by other users whose
    /// group is the root folder's (make the root's group the team's, with
    /// `chgrp` and the setgid bit, `chmod g+s`, so new files inherit it).
    /// A root other users can write to is accepted too. The same as
    /// `shared = true` in `perscache.toml` or `PERSCACHE_SHARED=1` for the
    /// cache's own folder. Combine with a
    /// [signing secret](crate::SignedStorage) when not every member of the
    /// group is trusted.
    pub fn shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// How old a temporary file must be before it is taken for one left by a
    /// killed writer and removed (default 15 minutes). Make it longer than
    /// the slowest write of one entry.
    pub fn stale_temp_age(mut self, age: Duration) -> Self {
        self.stale_temp_age = age;
        self
    }

    /// How precisely hits record an entry's last use on disk (default 1 s):
    /// a hit writes the file's access time only when the recorded one is
    /// older than this, so hot entries cost one metadata write per period.
    pub fn access_granularity(mut self, granularity: Duration) -> Self {
        self.access_granularity = granularity;
        self
    }

    /// The storage.
    pub fn build(self) -> LocalStorage {
        LocalStorage {
            root: self.root,
            shared: self.shared,
            stale_temp_age: self.stale_temp_age,
            access_granularity: self.access_granularity,
            checked_dirs: RwLock::default(),
            swept_dirs: Mutex::default(),
            #[cfg(target_os = "linux")]
            no_openat2: AtomicBool::new(false),
            #[cfg(target_os = "linux")]
            no_unnamed_files: AtomicBool::new(false),
            root_group: OnceLock::new(),
        }
    }
}

impl LocalStorage {
    /// Entries under `root`, created on first write.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self::builder(root).build()
    }

    /// A builder for entries under `root`.
    pub fn builder(root: impl Into<PathBuf>) -> LocalStorageBuilder {
        LocalStorageBuilder {
            root: root.into(),
            shared: false,
            stale_temp_age: STALE_TEMP_AGE,
            access_granularity: ACCESS_GRANULARITY,
        }
    }

    /// The folder that holds the entries.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Maps a storage path to a file under the root, refusing anything that
    /// could leave it.
    fn file(&self, path: &str) -> io::Result<PathBuf> {
        // Plain names between single slashes; a byte scan, since every read
        // comes through here (`Path::components` costs more than the rest).
        let plain = |part: &str| {
            !matches!(part, "" | "." | "..") && (cfg!(unix) || !part.contains(['\\', ':']))
        };
        let rel = Path::new(path);
        let safe = path.split('/').all(plain) && !rel.has_root();
        if !safe {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("entry path `{path}` must be relative and stay inside the cache folder"),
            ));
        }
        // Sized up front: `join` grows its buffer twice on a long root.
        let mut file = PathBuf::with_capacity(self.root.as_os_str().len() + 1 + path.len());
        file.push(&self.root);
        file.push(rel);
        Ok(file)
    }

    /// Checks that every folder between the root and `dir` is a real folder,
    /// not a link that leads elsewhere. `Ok(false)` when one is missing.
    /// Checked folders are remembered, so the hit path pays a set lookup.
    fn check_dirs(&self, dir: &Path) -> io::Result<bool> {
        if self
            .checked_dirs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(dir)
        {
            return Ok(true);
        }
        let Ok(rel) = dir.strip_prefix(&self.root) else {
            return Err(io::Error::other(format!(
                "{} is outside the cache folder",
                dir.display()
            )));
        };
        let mut current = self.root.clone();
        for part in rel.components() {
            current.push(part);
            match fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(io::Error::other(format!(
                        "{} is a symbolic link; perscache does not follow links in its folder",
                        current.display()
                    )));
                }
                Ok(meta) if !meta.is_dir() => {
                    return Err(io::Error::other(format!(
                        "{} is not a folder",
                        current.display()
                    )));
                }
                Ok(meta) => self.check_owner(&current, &meta)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        self.checked_dirs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf());
        Ok(true)
    }

    /// Checks once per process that the root may be trusted (see "Trusted
    /// by owner" above). `Ok(false)` while it does not exist.
    fn check_root(&self) -> io::Result<bool> {
        if self.root_group.get().is_some() {
            return Ok(true);
        }
        let meta = match fs::metadata(&self.root) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let group = root_trust(&self.root, &meta, self.shared)?;
        let _ = self.root_group.set(group);
        Ok(true)
    }

    /// Refuses a file or folder whose owner is not trusted: not the current
    /// user (nor, in shared mode, of the root's group).
    #[cfg(unix)]
    fn check_owner(&self, path: &Path, meta: &fs::Metadata) -> io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() == super::effective_uid()
            || (self.shared && self.root_group.get() == Some(&meta.gid()))
        {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} belongs to another user (uid {}, gid {}); not trusted{}",
                path.display(),
                meta.uid(),
                meta.gid(),
                if self.shared {
                    " (a shared folder trusts its root's group)"
                } else {
                    " (see LocalStorageBuilder::shared)"
                }
            ),
        ))
    }

    #[cfg(not(unix))]
    fn check_owner(&self, _path: &Path, _meta: &fs::Metadata) -> io::Result<()> {
        Ok(())
    }

    fn forget_dirs(&self) {
        self.checked_dirs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Removes temporary files in `dir` older than the stale age.
    fn sweep_temps(&self, dir: &Path) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if is_temp_name(&entry.file_name().to_string_lossy()) {
                if let Ok(meta) = entry.metadata() {
                    self.remove_if_stale_temp(&entry.path(), &meta);
                }
            }
        }
    }

    fn remove_if_stale_temp(&self, path: &Path, meta: &fs::Metadata) {
        let age = meta
            .modified()
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or_default();
        if meta.is_file() && age >= self.stale_temp_age {
            // Another sweeper may have won the race; either way it is gone.
            let _ = fs::remove_file(path);
        }
    }

    fn open_entry(&self, file: &Path) -> io::Result<Option<File>> {
        #[cfg(target_os = "linux")]
        if !self.no_openat2.load(Ordering::Relaxed) {
            match open_without_links(file) {
                Ok(f) => return Ok(Some(f)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                // A link somewhere on the path: below the root it is refused
                // by the check below, which names it; above the root (a
                // linked home folder, say) it is the user's choice, and reads
                // check folder by folder from then on.
                // (Had the link been below the root, the check would have
                // failed on it, whether or not the entry exists.)
                Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                    let opened = self.open_checking_dirs(file);
                    if opened.is_ok() {
                        self.no_openat2.store(true, Ordering::Relaxed);
                    }
                    return opened;
                }
                // Too old a kernel, or a sandbox that forbids the call.
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOSYS | libc::EPERM | libc::EINVAL)
                    ) =>
                {
                    self.no_openat2.store(true, Ordering::Relaxed);
                }
                // ENOTDIR and the rest: the check below says which folder.
                Err(_) => {}
            }
        }
        self.open_checking_dirs(file)
    }

    /// Opens an entry after checking each folder on the way (once per
    /// folder and process), then the file itself with `O_NOFOLLOW`.
    fn open_checking_dirs(&self, file: &Path) -> io::Result<Option<File>> {
        let dir = file.parent().unwrap_or(&self.root);
        if !self.check_dirs(dir)? {
            return Ok(None);
        }
        let mut options = OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        match options.open(file) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            #[cfg(unix)]
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Err(io::Error::other(format!(
                "{} is a symbolic link; perscache does not follow links in its folder",
                file.display()
            ))),
            Err(e) => Err(e),
        }
    }

    /// Reads a file of at most `max` bytes (its length is checked on the
    /// open handle before anything is read).
    fn read_file(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let file = self.file(path).map_err(err)?;
        if !self.check_root().map_err(err)? {
            return Ok(None);
        }
        let Some(f) = self.open_entry(&file).map_err(err)? else {
            return Ok(None);
        };
        let meta = f.metadata().map_err(err)?;
        if meta.is_file() && meta.len() > max {
            return Err(super::too_large(path, meta.len(), max));
        }
        self.read_open_file(&file, f, meta).map(Some).map_err(err)
    }

    fn read_open_file(&self, file: &Path, mut f: File, meta: fs::Metadata) -> io::Result<Blob> {
        if !meta.is_file() {
            return Err(io::Error::other(format!(
                "{} is not a file",
                file.display()
            )));
        }
        self.check_permissions(file, &meta)?;
        self.check_owner(file, &meta)?;
        let modified = meta.modified()?;
        let len = meta.len();
        let mut bytes;
        if len <= SMALL_READ {
            // Entries are replaced by rename, never changed in place, so the
            // size just read is the file's: read that much and stop, without
            // the size check and the read at the end that `read_to_end`
            // makes (a third of a small hit's system calls). A file cut
            // short fails its checksum like any damaged entry.
            bytes = Vec::with_capacity(len as usize);
            (&mut f).take(len).read_to_end(&mut bytes)?;
        } else {
            // The length is only a hint for a large file (the file is ours,
            // but a sparse planted one must not make us reserve terabytes
            // up front). Never past the length checked: a writer that
            // grows the file while it is read gets a truncated entry.
            bytes = Vec::with_capacity(len.min(64 << 20) as usize);
            (&mut f).take(len).read_to_end(&mut bytes)?;
        }
        self.record_use(&f, &meta);
        Ok(Blob::new(bytes, modified))
    }

    /// Refuses entries that someone other than the owner (and, in shared
    /// mode, the group) could have written.
    #[cfg(unix)]
    fn check_permissions(&self, file: &Path, meta: &fs::Metadata) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let foreign_write = if self.shared { 0o002 } else { 0o022 };
        let mode = meta.permissions().mode();
        if mode & foreign_write != 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} is writable by other users (mode {:o}); not trusted",
                    file.display(),
                    mode & 0o777
                ),
            ));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_permissions(&self, _file: &Path, _meta: &fs::Metadata) -> io::Result<()> {
        Ok(())
    }

    /// Records a hit: the access time on disk (for eviction, in any process)
    /// when it is older than the granularity.
    fn record_use(&self, f: &File, meta: &fs::Metadata) {
        let now = SystemTime::now();
        let stale = meta
            .accessed()
            .ok()
            .and_then(|a| now.duration_since(a).ok())
            .is_none_or(|age| age >= self.access_granularity);
        if stale {
            // Best effort: a read-only folder or someone else's file in a
            // shared folder only loses recency information.
            let _ = filetime::set_file_handle_times(
                f,
                Some(filetime::FileTime::from_system_time(now)),
                None,
            );
        }
    }

    /// Writes `bytes` at `path`, with `modified` as the file's modification
    /// time when given (else now).
    fn write_file(&self, path: &str, bytes: &[u8], modified: Option<SystemTime>) -> io::Result<()> {
        let file = self.file(path)?;
        let dir = file.parent().unwrap_or(&self.root).to_path_buf();
        match self.write_atomic(&dir, &file, bytes, modified) {
            // The folder went away (deleted mid-run, or evicted by `cargo
            // perscache clear`): make it again, once.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.forget_dirs();
                self.write_atomic(&dir, &file, bytes, modified)
            }
            other => other,
        }
    }

    fn write_atomic(
        &self,
        dir: &Path,
        file: &Path,
        bytes: &[u8],
        modified: Option<SystemTime>,
    ) -> io::Result<()> {
        self.prepare_dir(dir)?;
        #[cfg(target_os = "linux")]
        let unnamed_failed = if self.no_unnamed_files.load(Ordering::Relaxed) {
            false
        } else {
            match self.write_unnamed(dir, file, bytes, modified) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    tracing::debug!(dir = %dir.display(), error = %e, "perscache: could not write an unnamed file; trying a named one");
                    true
                }
            }
        };
        let result = publish(dir, file, |tmp| {
            let mut f = self.new_private_file(tmp)?;
            fill(&mut f, bytes, modified)
        });
        // A named file worked where an unnamed one did not: the folder is
        // fine, so unnamed files do not work here (the file system, no
        // `/proc`, a sandbox). A failure of both (a folder removed
        // meanwhile, a full disk) says nothing of them.
        #[cfg(target_os = "linux")]
        if unnamed_failed && result.is_ok() {
            tracing::debug!(root = %self.root.display(), "perscache: writing through named temporary files from now on");
            self.no_unnamed_files.store(true, Ordering::Relaxed);
        }
        result
    }

    /// Writes an entry as an unnamed file in `dir` (`O_TMPFILE`), linked at
    /// `file` once it is whole: readers see all of it or nothing, as with a
    /// rename. A new entry costs one change to the folder instead of two (a
    /// create and a rename); an existing one is replaced by linking the
    /// same file under a temporary name and renaming that over it, so its
    /// bytes are written once either way. A writer killed midway leaves
    /// nothing behind.
    #[cfg(target_os = "linux")]
    fn write_unnamed(
        &self,
        dir: &Path,
        file: &Path,
        bytes: &[u8],
        modified: Option<SystemTime>,
    ) -> io::Result<()> {
        use rustix::fs::{linkat, openat, AtFlags, Mode, OFlags, CWD};
        let fd = openat(
            CWD,
            dir,
            OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::from_raw_mode(self.file_mode()),
        )?;
        let mut f = File::from(fd);
        self.widen_to_mode(&f)?;
        fill(&mut f, bytes, modified)?;
        // Linked through `/proc`: linking the descriptor itself
        // (`AT_EMPTY_PATH`) needs a capability users do not have.
        let own = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&f));
        let link = |to: &Path| linkat(CWD, own.as_str(), CWD, to, AtFlags::SYMLINK_FOLLOW);
        match link(file) {
            Ok(()) => Ok(()),
            Err(e) if e == rustix::io::Errno::EXIST => {
                publish(dir, file, |tmp| link(tmp).map_err(io::Error::from))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Makes `dir` (and the root) as this storage makes folders, checked;
    /// on the first write into it by this process, clears what killed
    /// writers left there.
    fn prepare_dir(&self, dir: &Path) -> io::Result<()> {
        if !self.check_root()? {
            self.create_dirs(&self.root)?;
            if !self.check_root()? {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} vanished while it was created", self.root.display()),
                ));
            }
        }
        if !self.check_dirs(dir)? {
            self.create_dirs(dir)?;
            if !self.check_dirs(dir)? {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} vanished while it was created", dir.display()),
                ));
            }
        }
        // First write into this folder by this process: clear what killed
        // writers left.
        let first = self
            .swept_dirs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf());
        if first {
            self.sweep_temps(dir);
        }
        Ok(())
    }

    /// Creates the lease file at `path` unless one younger than `ttl` is
    /// there. An older one (its holder crashed), or one dated ahead of this
    /// clock, is removed and the lease taken. Two processes that remove an
    /// expired lease at once may both hold it: a computation made twice.
    fn lease_file(&self, path: &str, ttl: Duration) -> io::Result<bool> {
        let file = self.file(path)?;
        let dir = file.parent().unwrap_or(&self.root).to_path_buf();
        if let Err(e) = self.prepare_dir(&dir) {
            if e.kind() != io::ErrorKind::NotFound {
                return Err(e);
            }
            self.forget_dirs();
            self.prepare_dir(&dir)?;
        }
        for _ in 0..2 {
            match self.new_private_file(&file) {
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let age = fs::symlink_metadata(&file)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|m| SystemTime::now().duration_since(m).ok());
                    if age.is_some_and(|age| age < ttl) {
                        return Ok(false);
                    }
                    match fs::remove_file(&file) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                        _ => {}
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    #[cfg(unix)]
    fn create_dirs(&self, dir: &Path) -> io::Result<()> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let mode = if self.shared { 0o770 } else { 0o700 };
        fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(dir)?;
        if self.shared {
            // The umask narrows the mode given at creation; the group needs it whole.
            let mut current = self.root.clone();
            fs::set_permissions(&current, fs::Permissions::from_mode(mode))?;
            if let Ok(rel) = dir.strip_prefix(&self.root) {
                for part in rel.components() {
                    current.push(part);
                    fs::set_permissions(&current, fs::Permissions::from_mode(mode))?;
                }
            }
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn create_dirs(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    fn new_private_file(&self, path: &Path) -> io::Result<File> {
        let mut options = OpenOptions::new();
        // `create_new` is O_EXCL: it never follows or reuses an existing name.
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .mode(self.file_mode())
                .custom_flags(libc::O_NOFOLLOW);
            let f = options.open(path)?;
            self.widen_to_mode(&f)?;
            Ok(f)
        }
        #[cfg(not(unix))]
        options.open(path)
    }

    /// The mode of the files this storage makes.
    #[cfg(unix)]
    fn file_mode(&self) -> u32 {
        if self.shared {
            0o660
        } else {
            0o600
        }
    }

    /// Gives a new file its whole mode: the umask narrows the mode given at
    /// creation, and a shared folder's group needs it whole.
    #[cfg(unix)]
    fn widen_to_mode(&self, f: &File) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        if self.shared {
            f.set_permissions(fs::Permissions::from_mode(self.file_mode()))?;
        }
        Ok(())
    }

    fn list_files(&self, prefix: &str) -> io::Result<Vec<EntryInfo>> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            for entry in entries {
                let entry = entry?;
                // `file_type` does not follow links: linked folders are not entered.
                let ty = entry.file_type()?;
                if ty.is_dir() {
                    stack.push(entry.path());
                } else if ty.is_file() {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    if is_temp_name(&name) {
                        // A killed writer's, once old enough.
                        if let Ok(meta) = entry.metadata() {
                            self.remove_if_stale_temp(&entry.path(), &meta);
                        }
                        continue;
                    }
                    if name.starts_with('.') {
                        continue;
                    }
                    let Ok(rel) = entry.path().strip_prefix(&self.root).map(to_storage_path) else {
                        continue;
                    };
                    if !rel.starts_with(prefix) {
                        continue;
                    }
                    let meta = match entry.metadata() {
                        Ok(m) => m,
                        // Evicted or replaced between the listing and the look.
                        Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(e),
                    };
                    out.push(EntryInfo::new(
                        rel,
                        meta.len(),
                        meta.modified()?,
                        meta.accessed().ok(),
                    ));
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    fn delete_file(&self, path: &str) -> io::Result<()> {
        let file = self.file(path)?;
        if !self.check_dirs(file.parent().unwrap_or(&self.root))? {
            return Ok(());
        }
        match fs::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        self.prune(&file);
        Ok(())
    }

    /// Removes the folders above a deleted file that it left empty, up to
    /// (not including) the root, so that clearing a code version leaves no
    /// empty folders behind. `remove_dir` refuses a folder with anything in
    /// it, which is the point: nothing but empty folders ever goes.
    fn prune(&self, file: &Path) {
        let mut pruned = false;
        let mut dir = file.parent();
        while let Some(d) = dir {
            if d == self.root || !d.starts_with(&self.root) || fs::remove_dir(d).is_err() {
                break;
            }
            pruned = true;
            dir = d.parent();
        }
        if pruned {
            self.forget_dirs();
        }
    }

    /// What a listing would say of one file, without opening it.
    fn head_file(&self, path: &str) -> io::Result<Option<EntryInfo>> {
        let file = self.file(path)?;
        match fs::symlink_metadata(&file) {
            Ok(meta) if meta.is_file() => Ok(Some(EntryInfo::new(
                path,
                meta.len(),
                meta.modified()?,
                meta.accessed().ok(),
            ))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Writes `bytes` into a new file, dated `modified` when given: before the
/// file gets its name, so no reader ever sees a copy as written now.
fn fill(f: &mut File, bytes: &[u8], modified: Option<SystemTime>) -> io::Result<()> {
    f.write_all(bytes)?;
    if let Some(modified) = modified {
        f.set_modified(modified)?;
    }
    Ok(())
}

/// Puts a whole file at `file`: `make` creates it under a hidden temporary
/// name in `dir`, which is then renamed over `file`. A failure leaves no
/// temporary file behind.
fn publish(dir: &Path, file: &Path, make: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    let tmp = dir.join(temp_name(file));
    let result = make(&tmp).and_then(|()| fs::rename(&tmp, file));
    if result.is_err() {
        // The original error matters more.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Opens `file` for reading in one system call that fails (`ELOOP`) if any
/// component of its path is a symbolic link, instead of one `lstat` per
/// folder on the first read of each folder.
#[cfg(target_os = "linux")]
fn open_without_links(file: &Path) -> io::Result<File> {
    use rustix::fs::{openat2, Mode, OFlags, ResolveFlags, CWD};
    let fd = openat2(
        CWD,
        file,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::empty(),
        ResolveFlags::NO_SYMLINKS,
    )?;
    Ok(File::from(fd))
}

/// Whether the root folder (its metadata `meta`, links followed: a link
/// above the entries is the user's choice) may be trusted; its group if so.
#[cfg(unix)]
fn root_trust(root: &Path, meta: &fs::Metadata, shared: bool) -> io::Result<u32> {
    use std::os::unix::fs::MetadataExt;
    let refuse = |why: String| {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "cache folder {} {why}; not trusted (make it yours and private, or configure it as shared: LocalStorageBuilder::shared, `shared = true`, PERSCACHE_SHARED=1)",
                root.display()
            ),
        ))
    };
    if shared {
        return Ok(meta.gid());
    }
    let mode = meta.mode() & 0o7777;
    if meta.uid() != super::effective_uid() {
        return refuse(format!("belongs to another user (uid {})", meta.uid()));
    }
    if mode & 0o002 != 0 {
        return refuse(format!("is writable by every user (mode {mode:o})"));
    }
    // SAFETY: as `geteuid`.
    #[allow(unsafe_code)]
    let own_group = unsafe { libc::getegid() };
    if mode & 0o020 != 0 && meta.gid() != own_group {
        return refuse(format!(
            "is writable by group {} (mode {mode:o})",
            meta.gid()
        ));
    }
    Ok(meta.gid())
}

#[cfg(not(unix))]
fn root_trust(_root: &Path, _meta: &fs::Metadata, _shared: bool) -> io::Result<u32> {
    Ok(0)
}

fn to_storage_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn temp_name(file: &Path) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    format!(".{name}.{}.{n}.tmp", std::process::id())
}

fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

fn err(e: io::Error) -> Error {
    Error::storage("local", e)
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        self.read_file(path, u64::MAX)
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        self.read_file(path, max)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        self.write_file(path, &bytes, None).map_err(err)
    }

    async fn write_copy(&self, path: &str, bytes: Bytes, modified: SystemTime) -> Result<bool> {
        self.write_file(path, &bytes, Some(modified))
            .map_err(err)
            .map(|()| true)
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.delete_file(path).map_err(err)
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        self.lease_file(path, ttl).map_err(err)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.list_files(prefix).map_err(err)
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        self.head_file(path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        pollster::block_on(f)
    }

    /// An entry's path in the layout (only those count against a limit).
    fn entry(n: usize) -> String {
        format!("app.f/0123456789abcdef/{n:032x}.bin")
    }

    /// A new entry, then the same entry replaced: nothing but the entry is
    /// left in its folder, with the storage's mode and the given
    /// modification time, whichever way this system writes.
    fn check_writes(storage: &LocalStorage, root: &Path) {
        #[cfg(unix)]
        use std::os::unix::fs::PermissionsExt;
        let yesterday = SystemTime::now() - Duration::from_secs(86_400);
        assert!(
            block(storage.write_copy("f/c/k.bin", Bytes::from_static(b"one"), yesterday))
                .expect("written")
        );
        block(storage.write("f/c/k.bin", Bytes::from_static(b"two"))).expect("replaced");
        let folder = root.join("f/c");
        let names: Vec<_> = fs::read_dir(&folder)
            .expect("folder")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["k.bin"]);
        let blob = block(storage.read("f/c/k.bin"))
            .expect("read")
            .expect("present");
        assert_eq!(&blob.bytes[..], b"two");
        block(storage.write_copy("f/c/k.bin", Bytes::from_static(b"old"), yesterday))
            .expect("replaced by a copy");
        let meta = fs::metadata(folder.join("k.bin")).expect("metadata");
        #[cfg(unix)]
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.modified().expect("mtime"), yesterday);
    }

    #[test]
    fn writes_leave_whole_entries_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = LocalStorage::new(dir.path());
        check_writes(&storage, dir.path());
        // Where the file system makes unnamed files, the writes above made
        // them (else they fell back, and the test of that path is below).
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{openat, Mode, OFlags, CWD};
            let unnamed = openat(
                CWD,
                dir.path(),
                OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            );
            assert_eq!(
                storage.no_unnamed_files.load(Ordering::Relaxed),
                unnamed.is_err(),
                "unnamed files are used exactly where they can be made"
            );
        }
    }

    /// Where unnamed files cannot be made, writes go through named ones.
    #[cfg(target_os = "linux")]
    #[test]
    fn writes_without_unnamed_files_leave_whole_entries_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = LocalStorage::new(dir.path());
        storage.no_unnamed_files.store(true, Ordering::Relaxed);
        check_writes(&storage, dir.path());
    }

    #[test]
    fn eviction_keeps_recently_used_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = crate::SizeLimited::new(LocalStorage::new(dir.path()), 1000);
        let keep = entry(999);
        block(storage.write(&keep, Bytes::from(vec![1u8; 100]))).expect("write");
        for i in 0..50 {
            // A hit before every write keeps `keep` the most recently used.
            assert!(
                block(storage.read(&keep)).expect("read").is_some(),
                "evicted at {i}"
            );
            block(storage.write(&entry(i), Bytes::from(vec![2u8; 100]))).expect("write");
            let on_disk: u64 = block(storage.list(""))
                .expect("list")
                .iter()
                .map(|e| e.size)
                .sum();
            assert!(on_disk <= 1000, "{on_disk} bytes on disk after write {i}");
        }
        assert_eq!(block(storage.indexed_size()).expect("size"), 1000);
    }

    #[test]
    fn hits_record_use_without_kernel_atime() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = LocalStorage::new(dir.path());
        block(storage.write("f/h/a.bin", Bytes::from_static(b"a"))).expect("write");
        let file = dir.path().join("f/h/a.bin");
        // As on a `noatime` mount: the access time stays an hour old.
        let old = SystemTime::now() - Duration::from_secs(3600);
        filetime::set_file_atime(&file, filetime::FileTime::from_system_time(old)).expect("atime");
        block(storage.read("f/h/a.bin"))
            .expect("read")
            .expect("present");
        let atime = fs::metadata(&file)
            .expect("meta")
            .accessed()
            .expect("atime");
        assert!(
            atime > old + Duration::from_secs(3000),
            "the hit did not record its use"
        );
    }

    #[test]
    fn another_process_use_saves_an_entry_from_eviction() {
        let dir = tempfile::tempdir().expect("tempdir");
        let writer = crate::SizeLimited::new(LocalStorage::new(dir.path()), 1000);
        // Another process: its own instance, recording every hit on disk.
        let reader = LocalStorage::builder(dir.path())
            .access_granularity(Duration::ZERO)
            .build();
        for i in 0..10 {
            block(writer.write(&entry(i), Bytes::from(vec![0u8; 100]))).expect("write");
        }
        std::thread::sleep(Duration::from_millis(20));
        block(reader.read(&entry(0)))
            .expect("read")
            .expect("present");
        // Entry 0 is the oldest in the writer's index, but used since: 1 goes.
        block(writer.write(&entry(10), Bytes::from(vec![0u8; 100]))).expect("write");
        assert!(
            dir.path().join(entry(0)).exists(),
            "a recently used entry was evicted"
        );
        assert!(!dir.path().join(entry(1)).exists());
    }

    #[test]
    fn a_users_files_are_never_evicted() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, bytes) in [
            ("notes/thesis.txt", &b"years of work"[..]),
            (".git/HEAD", b"ref: refs/heads/main"),
            ("app.f/_stats.json", b"{}"),
            ("app.f/0123456789abcdef/readme.md", b"mine"),
        ] {
            let file = dir.path().join(path);
            fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            fs::write(&file, bytes).expect("write");
        }
        let storage = crate::SizeLimited::new(LocalStorage::new(dir.path()), 10);
        for i in 0..5 {
            block(storage.write(&entry(i), Bytes::from(vec![0u8; 8]))).expect("write");
        }
        for kept in [
            "notes/thesis.txt",
            ".git/HEAD",
            "app.f/_stats.json",
            "app.f/0123456789abcdef/readme.md",
        ] {
            assert!(dir.path().join(kept).exists(), "{kept} was deleted");
        }
        assert!(dir.path().join(entry(4)).exists());
        assert!(!dir.path().join(entry(3)).exists());
    }

    #[test]
    fn stale_temp_files_are_removed_on_first_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("f/h");
        fs::create_dir_all(&sub).expect("mkdir");
        fs::write(sub.join(".x.bin.1.0.tmp"), b"partial").expect("write");
        let storage = LocalStorage::builder(dir.path())
            .stale_temp_age(Duration::ZERO)
            .build();
        block(storage.write("f/h/y.bin", Bytes::from_static(b"y"))).expect("write");
        let names: Vec<_> = fs::read_dir(&sub)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["y.bin"]);
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_could_leave_the_root_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = LocalStorage::new(dir.path().join("cache"));
        for bad in [
            "",
            "/etc/passwd",
            "../x.bin",
            "f/../../x.bin",
            "f//x.bin",
            "./x.bin",
            "f/.",
            "f/",
        ] {
            let err = block(storage.write(bad, Bytes::from_static(b"x"))).expect_err(bad);
            assert!(err.to_string().contains("must be relative"), "{bad}: {err}");
            assert!(block(storage.read(bad)).is_err(), "{bad}");
        }
        assert!(!dir.path().join("x.bin").exists());
        block(storage.write("f/h/x.bin", Bytes::from_static(b"x"))).expect("a plain path");
        assert!(dir.path().join("cache/f/h/x.bin").exists());
    }

    /// A link above the root (a home folder on another disk, say) is the
    /// user's choice: entries under it are read, and links below the root
    /// are still refused afterwards.
    #[cfg(unix)]
    #[test]
    fn links_above_the_root_are_allowed() {
        let real = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        fs::write(outside.path().join("secret.bin"), b"secret").expect("write");
        let links = tempfile::tempdir().expect("tempdir");
        let linked = links.path().join("cache");
        std::os::unix::fs::symlink(real.path(), &linked).expect("symlink");
        let storage = LocalStorage::new(&linked);
        assert!(block(storage.read("f/h/e.bin")).expect("read").is_none());
        block(storage.write("f/h/e.bin", Bytes::from_static(b"entry"))).expect("write");
        let blob = block(storage.read("f/h/e.bin")).expect("read");
        assert_eq!(&blob.expect("hit").bytes[..], b"entry");
        std::os::unix::fs::symlink(outside.path(), real.path().join("f/l")).expect("symlink");
        assert!(block(storage.read("f/l/secret.bin")).is_err());
    }

    #[test]
    fn links_are_not_followed() {
        let outside = tempfile::tempdir().expect("tempdir");
        fs::write(outside.path().join("secret.bin"), b"secret").expect("write");
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("f")).expect("mkdir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("f/h")).expect("symlink");
        std::os::unix::fs::symlink(
            outside.path().join("secret.bin"),
            dir.path().join("f/e.bin"),
        )
        .expect("symlink");
        let storage = LocalStorage::new(dir.path());
        assert!(block(storage.read("f/h/secret.bin")).is_err());
        assert!(block(storage.read("f/e.bin")).is_err());
        assert!(block(storage.write("f/h/new.bin", Bytes::from_static(b"x"))).is_err());
        assert!(block(storage.delete("f/h/secret.bin")).is_err());
        assert!(outside.path().join("secret.bin").exists());
        assert!(!outside.path().join("new.bin").exists());
        assert!(block(storage.list("")).expect("list").is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_unless_shared() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let private = LocalStorage::new(dir.path().join("p"));
        block(private.write("f/h/a.bin", Bytes::from_static(b"a"))).expect("write");
        let mode = |p: &str| {
            fs::metadata(dir.path().join(p))
                .expect("meta")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("p/f/h/a.bin"), 0o600);
        assert_eq!(mode("p/f/h"), 0o700);
        let shared = LocalStorage::builder(dir.path().join("s"))
            .shared(true)
            .build();
        block(shared.write("f/h/a.bin", Bytes::from_static(b"a"))).expect("write");
        assert_eq!(mode("s/f/h/a.bin"), 0o660);
        assert_eq!(mode("s/f/h"), 0o770);
        // A group-writable entry is refused in private mode only.
        fs::set_permissions(
            dir.path().join("p/f/h/a.bin"),
            fs::Permissions::from_mode(0o660),
        )
        .expect("chmod");
        assert!(block(private.read("f/h/a.bin")).is_err());
        assert!(block(shared.read("f/h/a.bin")).expect("read").is_some());
    }

    #[test]
    fn folder_deleted_mid_run_is_recreated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("cache");
        let storage = LocalStorage::new(&root);
        block(storage.write("f/h/a.bin", Bytes::from_static(b"a"))).expect("write");
        fs::remove_dir_all(&root).expect("rm");
        assert!(block(storage.read("f/h/a.bin")).expect("read").is_none());
        block(storage.write("f/h/a.bin", Bytes::from_static(b"b"))).expect("write after delete");
        let blob = block(storage.read("f/h/a.bin"))
            .expect("read")
            .expect("present");
        assert_eq!(&blob.bytes[..], b"b");
    }
}
