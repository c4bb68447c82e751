//! `cargo perscache list`: each marked function, its file, line and code hash.

use anyhow::Result;
use serde::Serialize;

use crate::context::Context;
use crate::opt::{Global, ListArgs};
use crate::shell::Shell;

#[derive(Serialize)]
struct Row<'a> {
    function: &'a str,
    code_hash: &'a str,
    file: &'a str,
    line: u32,
    package: &'a str,
    external: &'a [String],
    notes: &'a [String],
}

pub(crate) fn run(shell: &Shell, g: &Global, args: &ListArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    let analysis = ctx.analyze(shell)?;
    let rows: Vec<Row<'_>> = analysis
        .manifest
        .functions
        .iter()
        .filter(|f| ctx.selected(&f.function))
        .map(|f| Row {
            function: &f.function,
            code_hash: &f.code_hash,
            file: &f.file,
            line: f.line,
            package: &f.package,
            external: &f.external,
            notes: &f.notes,
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|r| r.function.len())
        .max()
        .unwrap_or(8)
        .max(8);
    println!("{:<width$}  {:<16}  LOCATION", "FUNCTION", "CODE HASH");
    for r in &rows {
        println!(
            "{:<width$}  {:<16}  {}:{}",
            r.function,
            &r.code_hash[..16.min(r.code_hash.len())],
            r.file,
            r.line
        );
        if shell.verbose() > 0 {
            for n in r.notes {
                println!("{:<width$}  note: {n}", "");
            }
        }
    }
    Ok(())
}
