//! A marked function's `static`: what the macro knows of it, and what its
//! calls learn and keep.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::control::{self, Mode};
use crate::entry::Folder;
use crate::stats::Counters;

/// A marked function, as `#[persist]` describes it in a `static`.
#[derive(Debug)]
pub struct Site {
    function: &'static str,
    code_hash: &'static str,
    key_salt: &'static str,
    workspace_root: Option<&'static str>,
    fallback: bool,
    folder: OnceLock<Folder>,
    /// Whether `PERSCACHE_REFRESH` names it, matched on its first call.
    refreshed_by_env: OnceLock<bool>,
    pub(super) counters: Counters,
    /// Set when the format cannot read back what it wrote for this function.
    pub(super) uncacheable: AtomicBool,
    /// Set once a write has been checked to read back.
    pub(super) verified: AtomicBool,
    /// Set when an entry of this function failed to decode: the next write
    /// is read back once, whatever the format checks while it encodes.
    pub(super) recheck: AtomicBool,
    /// Its slowest computation in this process, in nanoseconds (0: none yet).
    pub(super) slowest_compute: AtomicU64,
    /// The format named on its first call, and its keys' identity key for
    /// it (derived once: every call's key is hashed with it).
    identity: OnceLock<(Box<str>, [u8; 32])>,
}

impl Site {
    /// Describes function `function` (its full path, as `cargo perscache`
    /// names it), whose code hashes to `code_hash`, built with the inputs
    /// `key_salt` stands for (the code hash and the build configuration).
    pub const fn new(
        function: &'static str,
        code_hash: &'static str,
        key_salt: &'static str,
    ) -> Self {
        Site {
            function,
            code_hash,
            key_salt,
            workspace_root: None,
            fallback: false,
            folder: OnceLock::new(),
            refreshed_by_env: OnceLock::new(),
            counters: Counters::new(),
            uncacheable: AtomicBool::new(false),
            verified: AtomicBool::new(false),
            recheck: AtomicBool::new(false),
            slowest_compute: AtomicU64::new(0),
            identity: OnceLock::new(),
        }
    }

    /// Says the workspace the function was built in: its root folder, as
    /// `cargo metadata` gives it. Recorded with the entries (as a
    /// [`workspace_id`](crate::entry::workspace_id)), so that
    /// `cargo perscache clear` removes only its own workspace's.
    pub const fn workspace(mut self, root: &'static str) -> Self {
        self.workspace_root = Some(root);
        self
    }

    /// Says whether the code hash is the macro's widened fallback (the
    /// analysis could not run), which `cargo perscache clear --stale` cannot
    /// recompute: entries under it are kept while the function exists.
    pub const fn from_fallback(mut self, fallback: bool) -> Self {
        self.fallback = fallback;
        self
    }

    /// Whether the code hash is the macro's widened fallback.
    pub const fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// The function's full path: `module::name`, `module::Type::name`,
    /// `<module::Type as module::Trait>::name`.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// Whether the cache may still be used (the format can round-trip the type).
    pub fn is_cacheable(&self) -> bool {
        !self.uncacheable.load(Ordering::Relaxed)
    }

    /// The code hash: it names the folder of the function's entries.
    pub fn code_hash(&self) -> &'static str {
        self.code_hash
    }

    /// The code hash with the build inputs: it goes into every key.
    pub fn key_salt(&self) -> &'static str {
        self.key_salt
    }

    /// The identity key of this function's keys in `format` (with the key
    /// salt as the code hash), kept for the format of its first call.
    pub(crate) fn identity_key(&self, format: &str) -> [u8; 32] {
        let derive = || crate::key::identity_key(self.function, self.key_salt, format);
        let (kept_for, key) = self.identity.get_or_init(|| (format.into(), derive()));
        if **kept_for == *format {
            *key
        } else {
            derive()
        }
    }

    /// What this call does with the cache (see `control.rs`).
    pub(super) fn mode(&self) -> Mode {
        control::mode(|| {
            *self
                .refreshed_by_env
                .get_or_init(|| control::refreshed_by_env(self.function))
        })
    }

    /// Where its entries go: made on its first call, kept for the others.
    pub(super) fn folder(&self) -> &Folder {
        self.folder.get_or_init(|| {
            Folder::new(
                self.function,
                self.code_hash,
                self.workspace_root,
                self.fallback,
            )
        })
    }
}
