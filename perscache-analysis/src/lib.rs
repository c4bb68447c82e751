//! Transitive code hashes of perscache's `#[persist]` functions, and the
//! manifest that carries them from `cargo perscache build` to the macro.
//!
//! A function's code hash covers its own tokens and every item it may reach
//! inside the workspace and its path dependencies (callees, methods and the
//! impls a call may reach, constants, statics, types and their impls,
//! `macro_rules!` bodies, included files), plus the locked versions of the
//! external crates it names. Where syntax cannot tell, the analysis widens
//! toward invalidating, and the manifest says why.
//!
//! ```no_run
//! let ws = perscache_analysis::Workspace::load(None)?;
//! let analysis = perscache_analysis::analyze(&ws, &perscache_analysis::Options::default())?;
//! for f in &analysis.manifest.functions {
//!     println!("{} {}", f.function, f.code_hash);
//! }
//! # Ok::<(), perscache_analysis::Error>(())
//! ```
//!
//! The `analysis` feature (default) brings the analysis itself; without it the
//! crate only reads manifests and computes the macro's fallback, which is all
//! `#[persist]` needs at compile time.

#[cfg(feature = "analysis")]
pub mod macro_side;
pub mod manifest;
pub mod tokens;

#[cfg(feature = "analysis")]
mod analyze;
#[cfg(feature = "analysis")]
mod call_sites;
#[cfg(feature = "analysis")]
mod explain;
#[cfg(feature = "analysis")]
mod graph;
#[cfg(feature = "analysis")]
pub mod model;
#[cfg(feature = "analysis")]
pub mod parse;
#[cfg(feature = "analysis")]
pub mod why;

#[cfg(feature = "analysis")]
pub use analyze::{analyze, Analysis, Options, Progress};

/// The bytes of `path` when it is a regular file. Source text names the
/// files read (`#[path = ".."]`, `include_str!("..")`, even under a `#[cfg]`
/// that compiles them out): a device (`/dev/zero`) or a FIFO there must not
/// be read to the end of memory or forever.
pub(crate) fn read_file(path: &std::path::Path) -> Option<Vec<u8>> {
    std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|_| std::fs::read(path).ok())
}
#[cfg(feature = "analysis")]
pub use explain::{ExplainedItem, Explanation};
pub use manifest::{FileDigest, FunctionEntry, Manifest};
#[cfg(feature = "analysis")]
pub use model::Workspace;

use std::path::PathBuf;

/// What can go wrong in the analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `cargo metadata` failed: not a workspace, a broken `Cargo.toml`, ...
    #[error("cannot read the workspace: {0}")]
    Metadata(String),
    /// A source file does not parse.
    #[error("{}:{line}:{column}: syntax error: {message}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser says.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A manifest could not be read.
    #[error("{}: not a perscache manifest: {reason}", path.display())]
    Manifest {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// The threads the analysis runs on could not be started.
    #[error("cannot start the analysis threads: {0}")]
    Threads(String),
}
