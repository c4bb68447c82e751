//! The analysis of a large workspace, cold and warm.

use std::path::Path;

use anyhow::Result;

use super::report::Section;
use super::Scale;

pub fn run(_scale: &Scale, _dir: &Path) -> Result<Section> {
    Ok(Section {
        title: "Analysis of a large workspace".into(),
        rows: Vec::new(),
        notes: vec!["Not measured yet.".into()],
    })
}
