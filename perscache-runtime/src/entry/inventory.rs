//! A storage's listing, grouped as the layout groups it: what the statistics
//! and `cargo perscache stats` / `clear` read, so that none of them parses a
//! path itself.

use std::collections::BTreeMap;

use super::layout::{classify, Record, Stored};
use crate::error::Result;
use crate::storage::{EntryInfo, Storage};

/// Everything perscache keeps in a storage, by function folder. Paths that
/// are not perscache's ([`Stored::Other`]) are left out.
///
/// ```
/// # pollster::block_on(async {
/// let storage = perscache::MemoryStorage::new();
/// let found = perscache::entry::Inventory::read(&storage).await?;
/// assert!(found.functions.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Inventory {
    /// Function folders ([`function_dir`](super::function_dir)), sorted.
    pub functions: BTreeMap<String, FunctionFolder>,
}

/// One function's folder.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct FunctionFolder {
    /// Its statistics file, if any.
    pub stats: Option<EntryInfo>,
    /// Its code folders, by name.
    pub code: BTreeMap<String, CodeFolder>,
}

/// One code version's folder: its entries and its records.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CodeFolder {
    /// The entries (`<key>.<ext>`).
    pub entries: Vec<EntryInfo>,
    /// The records, one per workspace that wrote here.
    pub records: Vec<RecordFile>,
}

/// A record file and what it says.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordFile {
    /// Its path in the storage.
    pub path: String,
    /// The workspace its name says wrote it (`None`: a writer that did not
    /// say).
    pub workspace: Option<String>,
    /// Its content, `None` when it cannot be read or does not agree with its
    /// name: a folder with such a record is nobody's to remove.
    pub record: Option<Record>,
}

impl Inventory {
    /// Lists `storage` and reads the records.
    pub async fn read(storage: &dyn Storage) -> Result<Inventory> {
        let mut out = Inventory::default();
        for info in storage.list("").await? {
            let path = info.path.clone();
            match classify(&path) {
                Stored::Entry {
                    function_dir,
                    code_folder,
                } => out
                    .code_folder(function_dir, code_folder)
                    .entries
                    .push(info),
                Stored::Stats { function_dir } => {
                    out.functions
                        .entry(function_dir.to_owned())
                        .or_default()
                        .stats = Some(info);
                }
                Stored::Record {
                    function_dir,
                    code_folder,
                    workspace,
                } => {
                    let workspace = workspace.map(str::to_owned);
                    let record = match storage.read(&path).await {
                        Ok(Some(blob)) => serde_json::from_slice::<Record>(&blob.bytes)
                            .ok()
                            .filter(|r| r.workspace == workspace),
                        _ => None,
                    };
                    out.code_folder(function_dir, code_folder)
                        .records
                        .push(RecordFile {
                            path: info.path,
                            workspace,
                            record,
                        });
                }
                Stored::Other => {}
            }
        }
        Ok(out)
    }

    fn code_folder(&mut self, function_dir: &str, code_folder: &str) -> &mut CodeFolder {
        self.functions
            .entry(function_dir.to_owned())
            .or_default()
            .code
            .entry(code_folder.to_owned())
            .or_default()
    }
}

impl FunctionFolder {
    /// The function's full path, as its records say (`None` without a
    /// readable record).
    pub fn function(&self) -> Option<&str> {
        self.code
            .values()
            .flat_map(|c| &c.records)
            .find_map(|r| r.record.as_ref())
            .map(|r| r.function.as_str())
    }

    /// Entries in all its code folders.
    pub fn entries(&self) -> impl Iterator<Item = &EntryInfo> {
        self.code.values().flat_map(|c| &c.entries)
    }
}

impl CodeFolder {
    /// The record `workspace` (a [`workspace_id`](super::workspace_id))
    /// left here, if readable.
    pub fn record_of(&self, workspace: &str) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.workspace.as_deref() == Some(workspace))
            .and_then(|r| r.record.as_ref())
    }

    /// The record files of every writer but `workspace`.
    pub fn others<'a>(&'a self, workspace: &'a str) -> impl Iterator<Item = &'a RecordFile> {
        self.records
            .iter()
            .filter(move |r| r.workspace.as_deref() != Some(workspace))
    }
}
