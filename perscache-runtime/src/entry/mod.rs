//! The entry layer: between a call and the storage, the one place that knows
//! what an entry is.
//!
//! - **Where** ([`layout`]): the function's folder, the code version's
//!   folder, the key's file, the statistics file and the folder's record,
//!   and reading any storage path back into those ([`classify`]).
//! - **How** (`frame.rs`): binary entries are framed with a checksum; text
//!   entries are stored bare (`Framing`).
//! - **Whether still fresh** (`ttl.rs`): the time-to-live decision
//!   (`Deadline`), made here and nowhere else.
//! - **What is there** ([`Inventory`]): a storage's listing grouped as the
//!   layout groups it, which the statistics and `cargo perscache` read.
//!
//! Below it, a [`Storage`] is a plain blob store: bytes under paths, with
//! their write times. Above it, `call/` computes keys, decodes payloads and
//! reports failures.

mod frame;
mod inventory;
pub mod layout;
mod ttl;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use bytes::Bytes;

pub use inventory::{CodeFolder, FunctionFolder, Inventory, RecordFile};
pub use layout::{
    classify, code_folder, function_dir, stats_path, workspace_id, Record, Stored, LAYOUT_VERSION,
    STATS_FILE,
};
pub(crate) use ttl::Deadline;

use crate::error::{Error, Result};
use crate::format::{Compression, Format};
use crate::key::Key;
use crate::storage::Storage;

/// Where one function's entries go in a storage: `<function dir>/<code
/// folder>/`, and the record that says who writes there. Made once per
/// marked function (and kept in its `Site`).
#[derive(Debug)]
pub(crate) struct Folder {
    function_dir: String,
    /// `<function dir>/<code folder>/`: every entry path starts with it.
    prefix: String,
    record_path: String,
    record: Bytes,
    /// The storage (its address) this process last wrote the record to, so
    /// the record costs one write per function and storage, not per miss.
    recorded_in: AtomicUsize,
}

impl Folder {
    /// The folder of `function` (its full path) at code hash `code_hash`,
    /// written from the workspace whose root is `workspace_root`, if known.
    pub(crate) fn new(
        function: &str,
        code_hash: &str,
        workspace_root: Option<&str>,
        fallback: bool,
    ) -> Folder {
        let function_dir = function_dir(function);
        let prefix = layout::code_prefix(&function_dir, &code_folder(code_hash));
        let workspace = workspace_root.map(workspace_id);
        let record = Record::new(function, workspace.as_deref(), fallback);
        Folder {
            record_path: layout::record_path(&prefix, workspace.as_deref()),
            // A record is a handful of strings: it always serializes.
            record: serde_json::to_vec_pretty(&record)
                .map(Bytes::from)
                .unwrap_or_default(),
            function_dir,
            prefix,
            recorded_in: AtomicUsize::new(0),
        }
    }

    /// The function's folder, where its statistics go.
    pub(crate) fn function_dir(&self) -> &str {
        &self.function_dir
    }

    /// `<function dir>/<code folder>/<key>.<ext>`.
    pub(crate) fn entry_path(&self, key: &Key, extension: &str) -> String {
        let mut path =
            String::with_capacity(self.prefix.len() + layout::KEY_DIGITS + 1 + extension.len());
        path.push_str(&self.prefix);
        layout::push_entry_name(&mut path, |out| key.push_hex(out), extension);
        path
    }

    /// `<function dir>/<code folder>/_lease.<key>`.
    pub(crate) fn lease_path(&self, key: &Key) -> String {
        layout::lease_path(&self.prefix, |out| key.push_hex(out))
    }

    /// Writes an entry at `path` (from [`entry_path`](Self::entry_path)),
    /// after this folder's record on the first write to `storage`: a folder
    /// `cargo perscache clear` may remove always says whose it is.
    pub(crate) async fn write(
        &self,
        storage: &dyn Storage,
        path: &str,
        bytes: Bytes,
    ) -> Result<()> {
        let address = std::ptr::from_ref(storage).cast::<()>() as usize;
        if self.recorded_in.load(Ordering::Relaxed) != address {
            storage
                .write(&self.record_path, self.record.clone())
                .await?;
            self.recorded_in.store(address, Ordering::Relaxed);
        }
        storage.write(path, bytes).await
    }
}

/// How a format's entries are stored: framed with a checksum (recording
/// the payload's compression), or bare.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Framing {
    framed: bool,
    compression: Compression,
}

impl Framing {
    /// What `format` asks for ([`Format::framed`], [`Format::compression`]).
    pub(crate) fn of<F: Format + ?Sized>(format: &F) -> Framing {
        Framing {
            framed: format.framed(),
            compression: format.compression(),
        }
    }

    /// A buffer for the format to append its payload to.
    pub(crate) fn buffer(self) -> Vec<u8> {
        if self.framed {
            frame::begin()
        } else {
            Vec::new()
        }
    }

    /// The bytes to store and, within them, the payload, from a
    /// [`buffer`](Self::buffer) the format wrote.
    pub(crate) fn seal(self, mut buf: Vec<u8>) -> (Bytes, Bytes) {
        if self.framed {
            frame::seal(&mut buf, self.compression);
        }
        let stored = Bytes::from(buf);
        let payload = if self.framed {
            stored.slice(frame::HEADER_LEN..)
        } else {
            stored.clone()
        };
        (stored, payload)
    }

    /// The payload inside stored bytes, or what is wrong with them.
    fn open(self, stored: Bytes) -> std::result::Result<Bytes, String> {
        if self.framed {
            frame::open(&stored, self.compression).map(|p| stored.slice_ref(p))
        } else {
            Ok(stored)
        }
    }
}

/// An entry read back: the format's payload and when it was written.
#[derive(Debug, Clone)]
pub(crate) struct Fresh {
    pub(crate) payload: Bytes,
    pub(crate) written: SystemTime,
}

/// Reads the entry at `path` if it holds at most `max` bytes: `Ok(None)`
/// when there is none or it is past `deadline`; an error when the storage
/// fails, the entry is larger (its bytes are not read) or it is damaged.
pub(crate) async fn read(
    storage: &dyn Storage,
    path: &str,
    max: u64,
    deadline: Deadline,
    framing: Framing,
) -> Result<Option<Fresh>> {
    let Some(blob) = storage.read_at_most(path, max).await? else {
        return Ok(None);
    };
    if !deadline.admits(blob.modified) {
        return Ok(None);
    }
    match framing.open(blob.bytes) {
        Ok(payload) => Ok(Some(Fresh {
            payload,
            written: blob.modified,
        })),
        Err(reason) => Err(Error::Corrupt {
            path: path.to_owned(),
            reason,
        }),
    }
}

/// The frame's pieces, for the fuzz targets (`testing::fuzz`).
#[cfg(feature = "testing")]
pub(crate) mod fuzzing {
    pub(crate) use super::frame::{begin, open, seal};
}
