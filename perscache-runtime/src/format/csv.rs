use serde::{de::DeserializeOwned, Serialize};

use super::guard::{CsvRules, State};
use super::{Codec, Format};
use crate::error::FormatError;

/// CSV through the [`csv`](https://docs.rs/csv) crate, for a `Vec` of flat
/// records: one row per element under a header row of field names, a file
/// any spreadsheet opens.
///
/// `Csv` implements [`Codec`] for `Vec<R>` only, so a function returning
/// anything else does not compile with `serializer = perscache::Csv`. Within
/// that, each field of `R` must be a scalar: numbers, strings, bools, unit
/// enum variants, `Option`s of these, or types serializing as a string (such
/// as timestamps). A nested struct, a list or a map in a field is an error at
/// the first write, naming the type, and the cache stops caching the function.
///
/// CSV writes `None` and `""` alike, as an empty field, and matches fields
/// to columns by position. So a table whose `Option<String>` holds
/// `Some("")`, or whose rows leave out different fields
/// (`skip_serializing_if`), is refused while it is written (the cache then
/// does not store that result) rather than read back as another table.
///
/// ```
/// use perscache::{Codec, Csv};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Row { city: String, people: u32 }
///
/// let rows = vec![Row { city: "Oslo".into(), people: 700_000 }];
/// let mut buf = Vec::new();
/// Csv.encode(&rows, &mut buf)?;
/// assert_eq!(buf, b"city,people\nOslo,700000\n");
/// let back: Vec<Row> = Csv.decode(&buf)?;
/// assert_eq!(back, rows);
///
/// #[derive(Serialize, Deserialize)]
/// struct Nested { row: Row }
/// let err = Csv.encode(&vec![Nested { row: Row { city: "Oslo".into(), people: 1 } }], &mut Vec::new());
/// assert!(err.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Anything but a `Vec` is a compile error:
///
/// ```compile_fail
/// #[perscache::persist(serializer = perscache::Csv)]
/// fn counts() -> std::collections::HashMap<String, u32> {
///     Default::default()
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub struct Csv;

impl Format for Csv {
    fn name(&self) -> &str {
        "csv"
    }
    fn extension(&self) -> &str {
        "csv"
    }
    fn is_binary(&self) -> bool {
        false
    }
}

impl<R: Serialize + DeserializeOwned> Codec<Vec<R>> for Csv {
    fn encode(&self, rows: &Vec<R>, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let start = out.len();
        // Whether a table survives CSV depends on its values (an empty
        // string in an `Option`, rows with different fields), so the guard
        // watches every row as it is written.
        let state = State::<CsvRules>::new();
        let written = (|| {
            let mut writer = csv::WriterBuilder::new()
                .has_headers(true)
                .from_writer(&mut *out);
            for row in rows {
                writer.serialize(state.row(row))?;
            }
            writer.flush()?;
            Ok::<(), csv::Error>(())
        })();
        let result = state.finish(written);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<R>, FormatError> {
        csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes)
            .deserialize()
            .collect::<Result<_, _>>()
            .map_err(FormatError::new)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}
