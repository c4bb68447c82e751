//! `cargo perscache clear`: remove entries, by staleness, function or age.
//!
//! Only the folders of this workspace's functions (or `-p`'s) are touched:
//! the default cache folder is shared by every project of the user.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use anyhow::{Context as _, Result};
use perscache_runtime::function_dir;

use crate::context::{hash_folder, list_entries, open_storage, Context};
use crate::opt::{ClearArgs, Global};
use crate::shell::Shell;
use crate::stats::human_bytes;

pub(crate) fn run(shell: &Shell, g: &Global, args: &ClearArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    // Current code-hash folders per function folder (only needed for --stale).
    let current: Option<BTreeMap<String, BTreeSet<String>>> = if args.stale {
        let analysis = ctx.analyze(shell)?;
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in &analysis.manifest.functions {
            map.entry(function_dir(&f.function))
                .or_default()
                .insert(hash_folder(&f.code_hash));
        }
        Some(map)
    } else {
        None
    };
    let wanted: BTreeSet<String> = args.functions.iter().map(|f| function_dir(f)).collect();
    let cutoff = args.older_than.map(|d| {
        SystemTime::now()
            .checked_sub(d)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    });

    let (url, storage) = open_storage(&args.storage)?;
    shell.verbose_status("Reading", &url);
    let listing = list_entries(&*storage)?;
    let mut doomed = Vec::new();
    let mut per_function: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (dir, entries) in &listing {
        if !ctx.selected_dir(dir) && !wanted.contains(dir) {
            continue;
        }
        if !wanted.is_empty() && !wanted.contains(dir) {
            continue;
        }
        for (hash, e) in entries {
            if let Some(cur) = &current {
                // A function that no longer exists has no current hash.
                if cur.get(dir).is_some_and(|c| c.contains(hash)) {
                    continue;
                }
            }
            if let Some(cutoff) = cutoff {
                if e.modified >= cutoff {
                    continue;
                }
            }
            let slot = per_function.entry(dir).or_default();
            slot.0 += 1;
            slot.1 += e.size;
            doomed.push(e.path.clone());
        }
    }
    // Say what goes, function by function.
    for (dir, (n, bytes)) in &per_function {
        shell.status(
            if args.dry_run {
                "Would remove"
            } else {
                "Removing"
            },
            &format!(
                "{n} entries ({}) of {}",
                human_bytes(*bytes),
                dir.replace('.', "::")
            ),
        );
    }
    if !args.dry_run {
        for path in &doomed {
            pollster::block_on(storage.delete(path)).with_context(|| format!("removing {path}"))?;
        }
        prune_empty_folders(&url, &doomed);
    }
    let bytes: u64 = per_function.values().map(|v| v.1).sum();
    shell.status(
        if args.dry_run {
            "Would remove"
        } else {
            "Removed"
        },
        &format!(
            "{} entries ({}) of {} functions",
            doomed.len(),
            human_bytes(bytes),
            per_function.len()
        ),
    );
    Ok(())
}

/// Local storage keeps a folder per code hash; once its last entry is gone,
/// the folder is only clutter (`remove_dir` fails on non-empty ones, which is
/// the point).
fn prune_empty_folders(url: &str, removed: &[String]) {
    let Some(root) = url
        .strip_prefix("file://")
        .map(crate::context::percent_decode)
    else {
        return;
    };
    let root = std::path::Path::new(&root);
    let folders: BTreeSet<&str> = removed
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for f in folders {
        let mut dir = root.join(f);
        while dir.starts_with(root) && dir != root && std::fs::remove_dir(&dir).is_ok() {
            if !dir.pop() {
                break;
            }
        }
    }
}
