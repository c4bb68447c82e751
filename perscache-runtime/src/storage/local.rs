//! Entries as files under one folder: the default storage.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// Files under a root folder, one per entry: `ROOT/<function>/<code hash>/<key>.<ext>`.
///
/// Writes go to a temporary file in the same folder, then are renamed over the
/// entry, so a reader (another thread, another process, the next run after a
/// crash) sees a whole old entry or a whole new one. Folders are created
/// readable by their owner only.
///
/// ```
/// use perscache::LocalStorage;
///
/// let dir = tempfile::tempdir().unwrap();
/// let storage = LocalStorage::new(dir.path());
/// assert_eq!(storage.root(), dir.path());
/// ```
#[derive(Debug)]
pub struct LocalStorage {
    root: PathBuf,
    max_size: Option<u64>,
}

/// Configures a [`LocalStorage`].
#[derive(Debug)]
pub struct LocalStorageBuilder {
    root: PathBuf,
    max_size: Option<u64>,
}

impl LocalStorageBuilder {
    /// Keeps the total size of entries under `bytes`, removing the least
    /// recently used entries first.
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = Some(bytes);
        self
    }

    /// The storage.
    pub fn build(self) -> LocalStorage {
        LocalStorage {
            root: self.root,
            max_size: self.max_size,
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
            max_size: None,
        }
    }

    /// The folder that holds the entries.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The size limit, if any.
    pub fn max_size(&self) -> Option<u64> {
        self.max_size
    }

    /// Maps a storage path to a file under the root, refusing anything that
    /// could leave it.
    fn file(&self, path: &str) -> io::Result<PathBuf> {
        let rel = Path::new(path);
        let safe = !path.is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("entry path `{path}` must be relative and stay inside the cache folder"),
            ));
        }
        Ok(self.root.join(rel))
    }

    fn read_file(&self, path: &str, written_after: Option<SystemTime>) -> io::Result<Option<Blob>> {
        let file = self.file(path)?;
        let mut f = match File::open(&file) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let meta = f.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::other(format!("{} is not a file", file.display())));
        }
        let modified = meta.modified()?;
        if written_after.is_some_and(|deadline| modified <= deadline) {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        f.read_to_end(&mut bytes)?;
        Ok(Some(Blob::new(bytes, modified)))
    }

    fn write_file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.file(path)?;
        let dir = file.parent().unwrap_or(&self.root);
        create_private_dir_all(dir)?;
        let tmp = dir.join(temp_name(&file));
        let result = (|| {
            let mut f = private_file(&tmp)?;
            f.write_all(bytes)?;
            drop(f);
            fs::rename(&tmp, &file)
        })();
        if result.is_err() {
            // Leave no partial temp file behind; the original error matters more.
            let _ = fs::remove_file(&tmp);
        }
        result
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
                let ty = entry.file_type()?;
                if ty.is_dir() {
                    stack.push(entry.path());
                } else if ty.is_file() {
                    let name = entry.file_name();
                    if name.to_string_lossy().starts_with('.') {
                        continue; // temp files
                    }
                    let Ok(rel) = entry.path().strip_prefix(&self.root).map(to_storage_path) else {
                        continue;
                    };
                    if !rel.starts_with(prefix) {
                        continue;
                    }
                    let meta = entry.metadata()?;
                    out.push(EntryInfo::new(rel, meta.len(), meta.modified()?, meta.accessed().ok()));
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
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
    let name = file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    format!(".{name}.{}.{n}.tmp", std::process::id())
}

#[cfg(unix)]
fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn err(e: io::Error) -> Error {
    Error::storage("local", e)
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn read(&self, path: &str, written_after: Option<SystemTime>) -> Result<Option<Blob>> {
        self.read_file(path, written_after).map_err(err)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        self.write_file(path, &bytes).map_err(err)
    }

    async fn delete(&self, path: &str) -> Result<()> {
        match fs::remove_file(self.file(path).map_err(err)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(err(e)),
            _ => Ok(()),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.list_files(prefix).map_err(err)
    }
}
