//! `cargo perscache clear`: remove entries, by staleness, function or age.
//!
//! Only what this workspace's programs wrote is ever removed: code folders
//! that carry this workspace's record (see `perscache_runtime::entry`). The
//! default cache folder and a shared bucket hold every project's entries,
//! another checkout's among them; a folder another workspace also recorded
//! (the same code, so the same entries) keeps its entries, and only this
//! workspace's record leaves it. `--dry-run` prints the plan the real run
//! carries out, path by path.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use anyhow::{Context as _, Result};
use perscache_runtime::entry::{code_folder, function_dir, CodeFolder, Inventory, Record};

use crate::context::{inventory, open_storage, Context};
use crate::opt::{ClearArgs, Global};
use crate::shell::Shell;
use crate::stats::human_bytes;

/// The current code folders of this workspace's functions, by full name.
type Current = BTreeMap<String, BTreeSet<String>>;

pub(crate) fn run(shell: &Shell, g: &Global, args: &ClearArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    let current: Option<Current> = if args.stale {
        let analysis = ctx.analyze(shell)?;
        let mut map = Current::new();
        for f in &analysis.manifest.functions {
            map.entry(f.function.clone())
                .or_default()
                .insert(code_folder(&f.code_hash));
        }
        Some(map)
    } else {
        None
    };
    let (url, storage) = open_storage(&args.storage)?;
    shell.verbose_status("Reading", &url);
    let found = inventory(&*storage)?;
    let plan = Plan::make(&ctx, args, current.as_ref(), &found);

    for (function, n, bytes) in &plan.per_function {
        shell.status(
            if args.dry_run {
                "Would remove"
            } else {
                "Removing"
            },
            &format!("{n} entries ({}) of {function}", human_bytes(*bytes)),
        );
    }
    for function in &plan.shared {
        shell.verbose_status(
            "Keeping",
            &format!(
                "entries of {function} that another workspace also wrote (same code); only this workspace's record goes"
            ),
        );
    }
    if args.dry_run {
        for path in &plan.paths {
            println!("{path}");
        }
    } else {
        for path in &plan.paths {
            pollster::block_on(storage.delete(path)).with_context(|| format!("removing {path}"))?;
            shell.verbose_status("Removed", path);
        }
    }
    shell.status(
        if args.dry_run {
            "Would remove"
        } else {
            "Removed"
        },
        &format!(
            "{} entries ({}) of {} functions",
            plan.entries,
            human_bytes(plan.bytes),
            plan.per_function.len()
        ),
    );
    Ok(())
}

/// What a run removes: every path, in the order it goes, and a summary.
#[derive(Debug, Default)]
struct Plan {
    /// Entries first, then the records of folders left empty.
    paths: Vec<String>,
    entries: u64,
    bytes: u64,
    /// (function, entries, bytes) for each function losing entries.
    per_function: Vec<(String, u64, u64)>,
    /// Functions whose folders another workspace also recorded.
    shared: BTreeSet<String>,
}

impl Plan {
    fn make(ctx: &Context, args: &ClearArgs, current: Option<&Current>, found: &Inventory) -> Plan {
        let workspace = ctx.workspace_id();
        let wanted: BTreeSet<String> = args.functions.iter().map(|f| function_dir(f)).collect();
        let cutoff = args.older_than.map(|d| {
            SystemTime::now()
                .checked_sub(d)
                .unwrap_or(SystemTime::UNIX_EPOCH)
        });
        let mut plan = Plan::default();
        let mut records = Vec::new();
        for (dir, function) in &found.functions {
            let mut n = 0;
            let mut bytes = 0;
            let mut name = None;
            for (code, folder) in &function.code {
                // Never anything this workspace did not record.
                let Some(ours) = folder.record_of(&workspace) else {
                    continue;
                };
                let chosen = if wanted.is_empty() {
                    ctx.selected(&ours.function)
                } else {
                    wanted.contains(dir)
                };
                if !chosen {
                    continue;
                }
                if let Some(current) = current {
                    if !stale(ours, code, current) {
                        continue;
                    }
                }
                let doomed: Vec<_> = folder
                    .entries
                    .iter()
                    .filter(|e| cutoff.is_none_or(|c| e.modified < c))
                    .collect();
                let whole = doomed.len() == folder.entries.len();
                if shared(folder, &workspace) {
                    // The other workspace's entries too: only our claim goes.
                    plan.shared.insert(ours.function.clone());
                    if whole {
                        records.extend(our_records(folder, &workspace));
                    }
                    continue;
                }
                for e in doomed {
                    n += 1;
                    bytes += e.size;
                    plan.paths.push(e.path.clone());
                }
                if whole {
                    records.extend(our_records(folder, &workspace));
                }
                name.get_or_insert_with(|| ours.function.clone());
            }
            if let Some(name) = name.filter(|_| n > 0) {
                plan.entries += n;
                plan.bytes += bytes;
                plan.per_function.push((name, n, bytes));
            }
        }
        // Records last: a run stopped halfway leaves folders still claimed.
        plan.paths.extend(records);
        plan
    }
}

/// Whether a code folder this workspace recorded is provably stale: its
/// function is gone, or has another code hash now. A folder written under
/// the macro's widened fallback hash (which cannot be recomputed here) is
/// stale only once its function is gone.
fn stale(ours: &Record, code: &str, current: &Current) -> bool {
    match current.get(&ours.function) {
        Some(folders) => !ours.fallback && !folders.contains(code),
        None => !(ours.fallback && fallback_name_exists(&ours.function, current)),
    }
}

/// Whether a function named by the fallback (which may spell a method's
/// type or trait as written in its module, not as the analysis does) still
/// exists: some current function of the same crate has the same last name.
/// Errs toward "exists": a kept folder costs space, a removed one a result.
fn fallback_name_exists(function: &str, current: &Current) -> bool {
    let krate = |f: &str| {
        f.trim_start_matches('<')
            .split("::")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let last = |f: &str| f.rsplit("::").next().unwrap_or_default().to_owned();
    let (k, l) = (krate(function), last(function));
    current.keys().any(|f| krate(f) == k && last(f) == l)
}

/// Whether a workspace other than `workspace` also recorded this folder (a
/// record that cannot be read counts as another's).
fn shared(folder: &CodeFolder, workspace: &str) -> bool {
    folder.others(workspace).next().is_some()
}

fn our_records<'a>(
    folder: &'a CodeFolder,
    workspace: &'a str,
) -> impl Iterator<Item = String> + 'a {
    folder
        .records
        .iter()
        .filter(move |r| r.workspace.as_deref() == Some(workspace))
        .map(|r| r.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current(pairs: &[(&str, &str)]) -> Current {
        let mut map = Current::new();
        for (f, code) in pairs {
            map.entry((*f).to_owned())
                .or_default()
                .insert((*code).to_owned());
        }
        map
    }

    #[test]
    fn staleness() {
        let now = current(&[
            ("app::f", "aaaa"),
            ("<app::Money as app::Show>::show", "bbbb"),
        ]);
        let rec = |f: &str, fallback| Record::new(f, Some("0123456789abcdef"), fallback);
        assert!(!stale(&rec("app::f", false), "aaaa", &now), "current");
        assert!(stale(&rec("app::f", false), "old0", &now), "old code");
        assert!(stale(&rec("app::gone", false), "aaaa", &now), "gone");
        assert!(
            !stale(&rec("app::f", true), "wide", &now),
            "the fallback of a function that exists"
        );
        assert!(
            !stale(
                &rec("app::money::<Money as Show>::show", true),
                "wide",
                &now
            ),
            "the fallback's spelling of a method that exists"
        );
        assert!(
            stale(&rec("app::gone", true), "wide", &now),
            "the fallback of a function that is gone"
        );
    }
}
