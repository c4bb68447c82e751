//! `cargo perscache`: see the library for the commands.

use clap::Parser;

/// See the dependency's note in `Cargo.toml`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cargo_perscache::Cli::Perscache(opt) = cargo_perscache::Cli::parse();
    let code = match cargo_perscache::run(opt) {
        Ok(code) => code,
        Err(e) => {
            cargo_perscache::report_error(&e);
            1
        }
    };
    std::process::exit(code);
}
