//! The code hash of a marked function: what decides whether its old entries
//! may still be served.
//!
//! This is the one replaceable piece between the macro and the analysis: the
//! hash comes from the manifest `cargo perscache build` writes, or from a sound
//! fallback widened over the crate's sources (`perscache_analysis::macro_side`).
//! Token trees are hashed by `perscache_analysis::tokens`, never through
//! `TokenStream::to_string()`, whose spacing is not stable across compilers.

use std::path::PathBuf;

use proc_macro2::TokenStream;

pub use perscache_analysis::macro_side::{FnContext, FunctionName};

/// What the macro needs to know about a marked function's code and build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The function's name, as the runtime and `cargo perscache` name it.
    pub function: FunctionName,
    /// The code hash (hex): names the folder of the function's entries.
    pub hash: String,
    /// The code hash with every build input of this compilation (hex): goes
    /// into every key.
    pub key_salt: String,
    /// Files whose change must make rustc expand the macro again. The
    /// expansion `include_bytes!`s each one so that cargo's dep-info tracks it.
    pub track: Vec<PathBuf>,
    /// The impl or trait around the function: its generic parameters and
    /// `Self` enter the key.
    pub context: FnContext,
    /// The hash is the widened fallback (the analysis could not run):
    /// `cargo perscache clear --stale` keeps its entries while the function
    /// exists.
    pub fallback: bool,
    /// The root folder of the workspace, recorded with the entries so that
    /// `cargo perscache clear` removes only its own workspace's.
    pub workspace: Option<String>,
}

/// Where a marked function sits, as the macro sees it.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    /// The function's name.
    pub name: &'a str,
    /// The source file, when the compiler says (`Span::local_file`).
    pub file: Option<&'a std::path::Path>,
    /// The 1-based line of the `#[persist]` attribute (the analysis records
    /// both that line and the `fn` keyword's, and matches either).
    pub line: usize,
}

/// The code hash and key salt of a marked function whose whole item
/// (attributes, signature, body) is `item`.
///
/// The analysis runs inside rustc, once per crate being compiled, so the
/// hash is the function's transitive one whatever command built the program;
/// the salt adds the build configuration (features, `--cfg`, profile, target,
/// compiler, dependencies' versions and features, `env!` values, files read
/// at compile time). When the analysis cannot run, the hash is widened over
/// every source of the crate and its path dependencies: sound, never the
/// function's own tokens alone.
pub fn resolve(item: &TokenStream, at: Location<'_>) -> Resolved {
    let found = perscache_analysis::macro_side::code_hash(item, at.name, at.file, at.line);
    Resolved {
        function: found.function,
        hash: found.hash,
        key_salt: found.key_salt,
        track: found.track,
        context: found.context,
        fallback: !found.from_analysis,
        workspace: found.workspace,
    }
}
