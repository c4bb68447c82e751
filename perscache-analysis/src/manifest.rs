//! The manifest: the code hash of every marked function, and the digest of
//! every file those hashes were computed from, so that the macro can tell
//! whether it is still current.
//!
//! It lives at `PERSCACHE_MANIFEST` when set, else
//! `<target dir>/perscache/manifest.json`. Its bytes depend only on the
//! sources (sorted, no timestamps), and it is written atomically (temp file +
//! rename) and only when its bytes change, so that the crates that track it
//! rebuild only when a hash really moved.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// The format version; a manifest of another version is not read.
pub const MANIFEST_VERSION: u32 = 1;

/// The environment variable that overrides the manifest's location.
pub const MANIFEST_ENV: &str = "PERSCACHE_MANIFEST";

/// One file the hashes were computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Relative to the workspace root when inside it, else absolute.
    pub path: String,
    /// The hex BLAKE3 digest of its bytes.
    pub blake3: String,
}

/// One marked function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionEntry {
    /// Its full path as the runtime names it (`app::reports::daily`,
    /// `app::client::Client::profile`).
    pub function: String,
    /// Its file (relative to the workspace root when inside it).
    pub file: String,
    /// The 1-based line of its `fn` keyword.
    pub line: u32,
    /// The line of its `#[persist]` attribute (the macro's call site).
    pub attr_line: u32,
    /// Its name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// The transitive code hash (hex BLAKE3).
    pub code_hash: String,
    /// External crates reached, `name@version`.
    pub external: Vec<String>,
    /// Where the analysis widened toward invalidating, and why.
    pub notes: Vec<String>,
}

/// The manifest file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_VERSION`].
    pub version: u32,
    /// The workspace root (absolute).
    pub root: PathBuf,
    /// The sources the hashes depend on, sorted by path.
    pub files: Vec<FileDigest>,
    /// The marked functions, sorted by function path, file and line.
    pub functions: Vec<FunctionEntry>,
    /// Workspace-wide findings (module files not found, ...).
    pub notes: Vec<String>,
}

impl Manifest {
    /// The manifest's location for a workspace whose target folder is `target_dir`.
    pub fn default_path(target_dir: &Path) -> PathBuf {
        match std::env::var_os(MANIFEST_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => target_dir.join("perscache").join("manifest.json"),
        }
    }

    /// The manifest's bytes: pretty JSON, always the same for the same content.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut v = serde_json::to_vec_pretty(self).map_err(|e| Error::Manifest {
            path: PathBuf::new(),
            reason: e.to_string(),
        })?;
        v.push(b'\n');
        Ok(v)
    }

    /// Reads a manifest.
    pub fn read(path: &Path) -> Result<Manifest, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if m.version != MANIFEST_VERSION {
            return Err(Error::Manifest {
                path: path.to_path_buf(),
                reason: format!("version {} (expected {MANIFEST_VERSION})", m.version),
            });
        }
        Ok(m)
    }

    /// Writes the manifest atomically; returns `false` when the file already
    /// held these bytes (and was left alone, so nothing rebuilds).
    pub fn write(&self, path: &Path) -> Result<bool, Error> {
        let bytes = self.to_bytes()?;
        write_atomic(path, &bytes)
    }

    /// The absolute path of a file named in the manifest.
    pub fn absolute(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.root.join(p)
        }
    }

    /// Whether every file still has the digest recorded; the first one that
    /// differs (or is gone) otherwise.
    pub fn stale_file(&self) -> Option<String> {
        self.files
            .iter()
            .find(|f| match std::fs::read(self.absolute(&f.path)) {
                Ok(bytes) => blake3::hash(&bytes).to_hex().as_str() != f.blake3,
                Err(_) => true,
            })
            .map(|f| f.path.clone())
    }

    /// Functions by function path (several when names repeat across targets).
    pub fn by_function(&self) -> BTreeMap<&str, Vec<&FunctionEntry>> {
        let mut map: BTreeMap<&str, Vec<&FunctionEntry>> = BTreeMap::new();
        for f in &self.functions {
            map.entry(f.function.as_str()).or_default().push(f);
        }
        map
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, unless the file already holds exactly these bytes.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("manifest"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    Ok(true)
}

/// A path relative to `root` when inside it, else absolute; `/`-separated.
pub fn display_path(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}
