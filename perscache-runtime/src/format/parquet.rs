use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{FieldRef, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{de::DeserializeOwned, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};

use super::{check, Codec, Format};
use crate::error::FormatError;

/// Apache Parquet, for a `Vec` of records (through Arrow, with
/// [`serde_arrow`]) and for an Arrow [`RecordBatch`]: entries are standard
/// `.parquet` files that pandas, polars, DuckDB or Spark open as they are.
///
/// `Parquet` implements [`Codec`] for `Vec<R>` and `RecordBatch` only, so a
/// function returning anything else does not compile with
/// `serializer = perscache::Parquet`. Records may nest (structs, lists,
/// `Option`s, enums); `None` is stored as a Parquet null. Timestamps in a
/// record (`chrono` types, which serialize as RFC 3339 text) are stored as
/// Parquet timestamps (millisecond precision, UTC or naive) when every value
/// survives that; otherwise as text, so the value read back is always the
/// value written: every write of a `Vec` is read back and compared. A
/// `RecordBatch` keeps its Arrow schema exactly, time zones included.
///
/// Unlike the binary formats, Parquet entries are not wrapped in
/// perscache's checksummed frame, so that other tools can read them; Parquet's
/// own magic bytes and footer still turn a truncated or foreign file into a
/// miss.
///
/// ```
/// use perscache::{Codec, Parquet};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Reading { sensor: String, value: Option<f64> }
///
/// let rows = vec![
///     Reading { sensor: "a".into(), value: Some(1.5) },
///     Reading { sensor: "b".into(), value: None },
/// ];
/// let mut buf = Vec::new();
/// Parquet.encode(&rows, &mut buf).unwrap();
/// assert_eq!(&buf[..4], b"PAR1");
/// let back: Vec<Reading> = Parquet.decode(&buf).unwrap();
/// assert_eq!(back, rows);
/// ```
///
/// Anything but a `Vec` or a `RecordBatch` is a compile error:
///
/// ```compile_fail
/// #[perscache::persist(serializer = perscache::Parquet)]
/// fn total() -> f64 {
///     1.0
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parquet;

impl Format for Parquet {
    fn name(&self) -> &str {
        "parquet"
    }
    fn extension(&self) -> &str {
        "parquet"
    }
    fn framed(&self) -> bool {
        // Standard files first: Parquet checks its own magic and footer.
        false
    }
}

fn options() -> TracingOptions {
    TracingOptions::default()
        // A column whose values are all `None` is a null column, not an error.
        .allow_null_fields(true)
        // Plain (not 64-bit offset) strings and lists, which every reader knows,
        // and unit enum variants as strings rather than unions of nulls.
        .strings_as_large_utf8(false)
        .sequence_as_large_list(false)
        .enums_without_data_as_strings(true)
}

impl<R: Serialize + DeserializeOwned> Codec<Vec<R>> for Parquet {
    fn encode(&self, rows: &Vec<R>, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if rows.is_empty() {
            return write_empty::<R>(out);
        }
        let start = out.len();
        // First try real timestamp columns; if some value would not survive
        // them (sub-millisecond precision, a string that only looks like a
        // date), fall back to the schema the types alone give.
        let mut last = None;
        for guess_dates in [true, false] {
            out.truncate(start);
            let attempt = schema_of(rows, options().guess_dates(guess_dates))
                .and_then(|fields| {
                    serde_arrow::to_record_batch(&fields, rows).map_err(FormatError::new)
                })
                .and_then(|batch| write_batch(&batch, out))
                .and_then(|()| check::same_after_decode(self, rows, &out[start..]));
            match attempt {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        out.truncate(start);
        Err(last.unwrap_or_else(|| FormatError::new("no schema fits these records")))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<R>, FormatError> {
        let batch = read_batch(bytes)?;
        serde_arrow::from_record_batch(&batch).map_err(FormatError::new)
    }
}

/// The Arrow fields traced from the values.
fn schema_of<R: Serialize>(
    rows: &[R],
    options: TracingOptions,
) -> Result<Vec<FieldRef>, FormatError> {
    Vec::<FieldRef>::from_samples(rows, options).map_err(FormatError::new)
}

/// An empty table keeps its columns when the type alone gives them; types
/// that only describe themselves through values (timestamps as text) give an
/// empty file with no columns, which reads back as an empty table all the same.
fn write_empty<R: DeserializeOwned>(out: &mut Vec<u8>) -> Result<(), FormatError> {
    let schema = match Vec::<FieldRef>::from_type::<R>(options()) {
        Ok(fields) => Schema::new(fields),
        Err(_) => Schema::empty(),
    };
    write_batch(&RecordBatch::new_empty(Arc::new(schema)), out)
}

impl Codec<RecordBatch> for Parquet {
    fn encode(&self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        write_batch(batch, out)
    }

    fn decode(&self, bytes: &[u8]) -> Result<RecordBatch, FormatError> {
        read_batch(bytes)
    }

    fn check(&self, batch: &RecordBatch, bytes: &[u8]) -> Result<(), FormatError> {
        if read_batch(bytes)? == *batch {
            Ok(())
        } else {
            Err(FormatError::new(
                "the record batch reads back different from what was written \
                 (a column type Parquet cannot store exactly)",
            ))
        }
    }
}

fn write_batch(batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(&mut *out, batch.schema(), Some(props)).map_err(FormatError::new)?;
    writer.write(batch).map_err(FormatError::new)?;
    writer.close().map_err(FormatError::new)?;
    Ok(())
}

/// The whole file as one batch, whatever its row groups.
fn read_batch(bytes: &[u8]) -> Result<RecordBatch, FormatError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::copy_from_slice(bytes))
        .map_err(FormatError::new)?;
    let rows =
        usize::try_from(builder.metadata().file_metadata().num_rows()).map_err(FormatError::new)?;
    let schema: Arc<Schema> = builder.schema().clone();
    let reader = builder
        .with_batch_size(rows.max(1))
        .build()
        .map_err(FormatError::new)?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(FormatError::new)?;
    match batches.len() {
        0 => Ok(RecordBatch::new_empty(schema)),
        1 => Ok(batches
            .into_iter()
            .next()
            .unwrap_or_else(|| RecordBatch::new_empty(schema))),
        _ => arrow_select::concat::concat_batches(&schema, &batches).map_err(FormatError::new),
    }
}
