//! What every command needs, built once: the workspace, its analysis, and
//! the storage.
//!
//! Where entries sit in a storage is the runtime's entry layer
//! (`perscache_runtime::entry`): nothing here names or parses a path.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context as _, Result};
use perscache_analysis::{analyze, Analysis, Options, Progress, Workspace};
use perscache_runtime::entry::Inventory;
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

    /// Whether a function path belongs to the selected crates: one of the
    /// paths in its name starts with one (`<u32 as app::Show>::show` belongs
    /// to `app`).
    pub fn selected(&self, function: &str) -> bool {
        function
            .split(['<', '>', ' ', ','])
            .filter_map(|part| part.split("::").next())
            .any(|krate| self.crates.contains(krate))
    }

    /// This workspace's identity, as its programs record it with their
    /// entries ([`workspace_id`](perscache_runtime::entry::workspace_id) of
    /// the root `cargo metadata` gives).
    pub fn workspace_id(&self) -> String {
        perscache_runtime::entry::workspace_id(&self.workspace.root.to_string_lossy())
    }
}

/// The storage: `--url`, `--dir`, else `perscache.toml` / `PERSCACHE_*` as
/// the runtime reads them, and its URL as it may be shown (without a
/// password or a signature: [`redact_url`](perscache_runtime::redact_url)).
/// A local folder that does not exist is an error.
pub fn open_storage(args: &StorageArgs) -> Result<(String, Arc<dyn Storage>)> {
    let url = match (&args.url, &args.dir) {
        (Some(u), _) => u.clone(),
        (None, Some(d)) => {
            // The URL the runtime would make of this folder.
            let mut config = perscache_runtime::Config::default();
            config.dir = Some(d.clone());
            config.storage_url()
        }
        (None, None) => perscache_runtime::Config::load()
            .context("reading the perscache configuration")?
            .storage_url(),
    };
    if let Some(path) = perscache_runtime::local_folder(&url) {
        if !path.is_dir() {
            bail!(
                "cache folder {} does not exist (nothing cached yet? set it with --dir, PERSCACHE_DIR or perscache.toml)",
                path.display()
            );
        }
    }
    let shown = perscache_runtime::redact_url(&url);
    let mut storage = perscache_runtime::open_url(&url, None)
        .with_context(|| format!("opening storage {shown}"))?;
    // A signed store (`PERSCACHE_SECRET` in the programs that wrote it) is
    // read as they read it: statistics and records are signed like entries.
    let secret = args
        .secret
        .clone()
        .or_else(|| std::env::var("PERSCACHE_SECRET").ok())
        .filter(|s| !s.is_empty());
    if let Some(secret) = secret {
        storage = Arc::new(perscache_runtime::SignedStorage::from_arc(storage, secret));
    }
    Ok((shown, storage))
}

/// What the storage holds, grouped by function and code folder.
pub fn inventory(storage: &dyn Storage) -> Result<Inventory> {
    pollster::block_on(Inventory::read(storage)).context("listing the storage")
}
