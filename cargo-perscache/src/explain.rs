//! `cargo perscache explain FUNCTION`: what its code hash covers, and why
//! each item is there.

use anyhow::{bail, Result};

use crate::context::Context;
use crate::opt::{ExplainArgs, Global};
use crate::shell::Shell;

pub(crate) fn run(shell: &Shell, g: &Global, args: &ExplainArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    let analysis = ctx.analyze(shell)?;
    // The functions `list` shows: a path dependency's marked functions (its
    // own tests') do not make a workspace function's short name ambiguous.
    let found: Vec<usize> = analysis
        .find(&args.function)
        .into_iter()
        .filter(|&i| ctx.selected(&analysis.manifest.functions[i].function))
        .collect();
    let i = match found.as_slice() {
        [i] => *i,
        [] => bail!(
            "no marked function is named `{}` (`cargo perscache list` shows them all)",
            args.function
        ),
        many => {
            let names: Vec<&str> = many
                .iter()
                .map(|&i| analysis.manifest.functions[i].function.as_str())
                .collect();
            bail!(
                "`{}` names {} functions; give the full path: {}",
                args.function,
                many.len(),
                names.join(", ")
            )
        }
    };
    let e = analysis.explain(i);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&e)?);
        return Ok(());
    }
    println!("{}  (code hash {})", e.function, &e.code_hash[..16]);
    println!("\nItems ({}):", e.items.len());
    for it in &e.items {
        let via = it
            .via
            .as_deref()
            .map(|v| format!(" from {v}"))
            .unwrap_or_default();
        println!(
            "  {} {}  {}:{}  {}{via}",
            it.kind, it.item, it.file, it.line, it.why
        );
    }
    let section = |title: &str, lines: &[String]| {
        if !lines.is_empty() {
            println!("\n{title}:");
            for l in lines {
                println!("  {l}");
            }
        }
    };
    section("External crates", &e.external);
    section("Files read at compile time", &e.files);
    section("Environment variables read at compile time", &e.env);
    section("Also in every key, from the build", &e.build_inputs);
    section("Notes (where the analysis widened)", &e.notes);
    Ok(())
}
