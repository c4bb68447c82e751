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

/// What the macro needs to know about a marked function's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The code hash that goes into every key of the function (hex).
    pub hash: String,
    /// Files whose change must make rustc expand the macro again (the
    /// manifest, say). The expansion `include_bytes!`s each one so that
    /// cargo's dep-info tracks it.
    pub track: Vec<PathBuf>,
}

/// Where a marked function sits, as the macro sees it.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    /// The function's name.
    pub name: &'a str,
    /// The source file, when the compiler says (`Span::local_file`).
    pub file: Option<&'a std::path::Path>,
    /// The 1-based line of the `#[persist]` attribute (the manifest records
    /// both that line and the `fn` keyword's, and matches either).
    pub line: usize,
}

/// The code hash of a marked function whose whole item (attributes, signature,
/// body) is `item`.
///
/// With a current manifest (written by `cargo perscache build`), the hash is
/// the function's transitive code hash, and the manifest is tracked so that
/// rustc expands the macro again when it changes. Without one, or when any
/// source it was computed from has changed since, the hash is widened over
/// every source of the crate and its path dependencies (and `Cargo.lock`):
/// sound, never the function's own tokens alone. Both are computed once per
/// rustc process (see `perscache_analysis::macro_side`).
pub fn resolve(item: &TokenStream, at: Location<'_>) -> Resolved {
    let found = perscache_analysis::macro_side::code_hash(item, at.name, at.file, at.line);
    Resolved {
        hash: found.hash,
        track: found.track,
    }
}
