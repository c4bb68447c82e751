//! What every command needs, built once: the workspace, its analysis, and
//! the storage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use perscache_analysis::{analyze, Analysis, Options, Progress, Workspace};
use perscache_runtime::Storage;

use crate::opt::{Global, StorageArgs};
use crate::shell::Shell;

/// The workspace and, once asked, its analysis.
pub struct Context {
    /// The workspace model.
    pub workspace: Workspace,
    /// Crate names whose functions the command is about (`-p`), all members by default.
    pub crates: BTreeSet<String>,
}

impl Context {
    /// Reads the workspace (`cargo metadata`).
    pub fn load(g: &Global) -> Result<Context> {
        let workspace = Workspace::load(g.manifest_path.as_deref())?;
        let mut crates = BTreeSet::new();
        for p in &g.packages {
            let found: Vec<_> = workspace
                .crates
                .iter()
                .filter(|c| &c.package == p)
                .collect();
            if found.is_empty() {
                bail!("package `{p}` is not in this workspace or its path dependencies");
            }
            crates.extend(found.iter().map(|c| c.name.clone()));
        }
        if g.packages.is_empty() {
            crates.extend(
                workspace
                    .crates
                    .iter()
                    .filter(|c| c.member)
                    .map(|c| c.name.clone()),
            );
        }
        Ok(Context { workspace, crates })
    }

    /// Where the manifest goes.
    pub fn manifest_path(&self) -> PathBuf {
        perscache_analysis::Manifest::default_path(&self.workspace.target_dir)
    }

    /// Runs the analysis, with progress on a terminal.
    pub fn analyze(&self, shell: &Shell) -> Result<Analysis> {
        let started = Instant::now();
        let progress = |p: Progress| {
            // Only worth a line when the run is long enough to notice.
            if started.elapsed().as_millis() < 200 {
                return;
            }
            match p {
                Progress::Parsed { done, total } => {
                    shell.progress(&format!("{done}/{total} files"))
                }
                Progress::Resolved { items } => shell.progress(&format!("resolving {items} items")),
                _ => {}
            }
        };
        let opts = Options {
            cache: Some(
                self.workspace
                    .target_dir
                    .join("perscache")
                    .join("parse-cache.bin"),
            ),
            progress: Some(&progress),
            ..Default::default()
        };
        let result = analyze(&self.workspace, &opts);
        shell.clear_progress();
        let analysis = result?;
        shell.status(
            "Analysed",
            &format!(
                "{} files ({} lines, {} re-parsed), {} marked functions in {:.2}s",
                analysis.files,
                analysis.lines,
                analysis.parsed,
                analysis.manifest.functions.len(),
                analysis.elapsed.as_secs_f64()
            ),
        );
        for n in &analysis.manifest.notes {
            shell.verbose_status("Note", n);
        }
        Ok(analysis)
    }

    /// Whether a function path belongs to the selected crates.
    pub fn selected(&self, function: &str) -> bool {
        // `<app::Money as app::Tr>::m` belongs to `app`.
        let krate = function
            .trim_start_matches('<')
            .split("::")
            .next()
            .unwrap_or_default();
        self.crates.contains(krate)
    }

    /// Whether a storage folder (`app.reports.daily`) belongs to the selected crates.
    pub fn selected_dir(&self, dir: &str) -> bool {
        let krate = dir.split('.').next().unwrap_or_default();
        self.crates.contains(krate)
    }
}

/// The storage: `--url`, `--dir`, else `perscache.toml` / `PERSCACHE_*` as
/// the runtime reads them. A local folder that does not exist is an error.
pub fn open_storage(args: &StorageArgs) -> Result<(String, Arc<dyn Storage>)> {
    let url = match (&args.url, &args.dir) {
        (Some(u), _) => u.clone(),
        (None, Some(d)) => file_url(d)?,
        (None, None) => perscache_runtime::Config::load()
            .context("reading the perscache configuration")?
            .storage_url(),
    };
    if let Some(rest) = url.strip_prefix("file://") {
        let path = PathBuf::from(percent_decode(rest));
        if !path.is_dir() {
            bail!(
                "cache folder {} does not exist (nothing cached yet? set it with --dir, PERSCACHE_DIR or perscache.toml)",
                path.display()
            );
        }
    }
    let storage = perscache_runtime::open_url(&url, None)
        .with_context(|| format!("opening storage {url}"))?;
    Ok((url, storage))
}

fn file_url(dir: &std::path::Path) -> Result<String> {
    let abs = std::path::absolute(dir).with_context(|| format!("{}", dir.display()))?;
    Ok(format!("file://{}", abs.display()))
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Stored entries grouped by function folder: `(code hash folder, entry)`.
pub type Listing = BTreeMap<String, Vec<(String, perscache_runtime::EntryInfo)>>;

/// Lists every entry, grouped by function folder (`_stats.json` left out).
pub fn list_entries(storage: &dyn Storage) -> Result<Listing> {
    let entries = pollster::block_on(storage.list("")).context("listing the storage")?;
    let mut out: Listing = BTreeMap::new();
    for e in entries {
        let mut parts = e.path.splitn(3, '/');
        let (Some(dir), Some(second)) = (parts.next(), parts.next()) else {
            continue;
        };
        if second == perscache_runtime::STATS_FILE {
            continue;
        }
        if parts.next().is_none() {
            continue;
        }
        out.entry(dir.to_owned())
            .or_default()
            .push((second.to_owned(), e));
    }
    Ok(out)
}

/// The code-hash folder name the runtime uses for a code hash.
pub fn hash_folder(code_hash: &str) -> String {
    let s: String = code_hash
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    if s.is_empty() {
        "nohash".to_owned()
    } else {
        s
    }
}
