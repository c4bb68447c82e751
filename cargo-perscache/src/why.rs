//! `cargo perscache why FUNCTION`: why a function's stored results are no
//! longer served. Its entries written under an older code hash are compared
//! with the current one through the records the macro and `build` keep in
//! the target folder (`perscache_analysis::why`): the items added, removed
//! and edited, the external crates and files that changed; and the last
//! two build configurations its key salt was made from.

use anyhow::{bail, Result};
use perscache_analysis::why::{self, BuildRecord, Changes, CodeRecord};
use perscache_runtime::entry::code_folder;
use perscache_runtime::function_dir;
use serde::Serialize;

use crate::context::{inventory, open_storage, Context};
use crate::opt::{Global, WhyArgs};
use crate::shell::Shell;

/// The answer, as `--json` prints it.
#[derive(Serialize)]
struct Answer {
    function: String,
    code_hash: String,
    /// The newest code folder of older entries, if any.
    older_code: Option<String>,
    /// Whether the older code hash has a record to compare with.
    older_recorded: bool,
    code_changes: Option<Changes>,
    /// Build inputs of the newest configuration that the one before lacked,
    /// and the reverse.
    build_added: Vec<String>,
    build_removed: Vec<String>,
}

pub(crate) fn run(shell: &Shell, g: &Global, args: &WhyArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    let analysis = ctx.analyze(shell)?;
    let i = match analysis.find(&args.function).as_slice() {
        [i] => *i,
        [] => bail!(
            "no marked function is named `{}` (`cargo perscache list` shows them all)",
            args.function
        ),
        many => bail!(
            "`{}` names {} functions; give the full path",
            args.function,
            many.len()
        ),
    };
    let entry = &analysis.manifest.functions[i];
    let target = &ctx.workspace.target_dir;
    let current: CodeRecord = analysis.code_record(i);
    analysis.write_code_record(target, i);

    let (url, storage) = open_storage(&args.storage)?;
    shell.verbose_status("Reading", &url);
    let found = inventory(&*storage)?;
    let here = code_folder(&entry.code_hash);
    // The newest code folder other than the current one that holds entries.
    let older = found
        .functions
        .get(&function_dir(&entry.function))
        .and_then(|f| {
            f.code
                .iter()
                .filter(|(name, c)| **name != here && !c.entries.is_empty())
                .max_by_key(|(_, c)| c.entries.iter().map(|e| e.modified).max())
                .map(|(name, _)| name.clone())
        });
    let old_record = older
        .as_deref()
        .and_then(|code| why::read_code_record(target, &entry.function, code));
    let builds: Vec<BuildRecord> = why::read_build_records(target, &entry.function);
    let (build_added, build_removed) = last_build_change(&builds);
    let answer = Answer {
        function: entry.function.clone(),
        code_hash: entry.code_hash.clone(),
        older_recorded: old_record.is_some(),
        code_changes: old_record.map(|old| why::code_changes(&old, &current)),
        older_code: older,
        build_added,
        build_removed,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print_text(&answer);
    }
    Ok(())
}

/// How the newest build configuration differs from the newest one before
/// it with other inputs (records differ by code hash too).
fn last_build_change(builds: &[BuildRecord]) -> (Vec<String>, Vec<String>) {
    let Some(newest) = builds.last() else {
        return (Vec::new(), Vec::new());
    };
    builds
        .iter()
        .rev()
        .find(|b| b.inputs != newest.inputs)
        .map(|before| why::build_changes(before, newest))
        .unwrap_or_default()
}

fn print_text(a: &Answer) {
    println!(
        "{}  (code hash {})",
        a.function,
        &a.code_hash[..16.min(a.code_hash.len())]
    );
    match (&a.older_code, &a.code_changes) {
        (None, _) => println!(
            "\nNo stored entries under another code hash: results are recomputed only for new \
             arguments or another build configuration."
        ),
        (Some(code), None) => println!(
            "\nEntries under code hash {code} have no record to compare with (written before \
             this target folder recorded closures)."
        ),
        (Some(code), Some(c)) if c.is_empty() => println!(
            "\nEntries under code hash {code}: the items they covered are unchanged (the hash \
             rules changed with perscache's version)."
        ),
        (Some(code), Some(c)) => {
            println!("\nSince code hash {code}:");
            for (what, items) in [
                ("edited", &c.edited),
                ("added", &c.added),
                ("removed", &c.removed),
            ] {
                for (item, at) in items {
                    println!("  {what:<8} {item}  {}:{}", at.file, at.line);
                }
            }
            for e in &c.external_added {
                println!("  crate    {e}");
            }
            for e in &c.external_removed {
                println!("  no more  {e}");
            }
            for f in &c.files {
                println!("  file     {f}");
            }
        }
    }
    if !a.build_added.is_empty() || !a.build_removed.is_empty() {
        println!("\nThe last build changed (its key salt, so every key):");
        for l in &a.build_added {
            println!("  + {l}");
        }
        for l in &a.build_removed {
            println!("  - {l}");
        }
    }
}
