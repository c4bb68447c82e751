use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, FieldRef, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use parquet::file::properties::WriterProperties;
use serde::{de::DeserializeOwned, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};
use xxhash_rust::xxh3::xxh3_128;

use super::guard::{ParquetRules, State};
use super::{Codec, Format};
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
/// of the column reads back as the same text; otherwise as text, so the value
/// read back is always the value written. `Some(())` and the like, which
/// Parquet would store as a null, are refused while the table is written. A
/// `RecordBatch` keeps its Arrow schema exactly, time zones included.
///
/// Unlike the binary formats, Parquet entries are not wrapped in
/// perscache's checksummed frame, so that other tools can read them. Parquet's
/// own magic bytes and footer turn a truncated or foreign file into a miss,
/// and an XXH3 checksum of the whole file, kept in its key-value metadata
/// (`perscache.xxh3`, which other readers ignore), does the same for a
/// flipped bit.
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
/// Parquet.encode(&rows, &mut buf)?;
/// assert_eq!(&buf[..4], b"PAR1");
/// let back: Vec<Reading> = Parquet.decode(&buf)?;
/// assert_eq!(back, rows);
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
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
        let batch = contained(|| batch_of(rows))?;
        let start = out.len();
        contained(|| write_batch(&batch, out)).inspect_err(|_| out.truncate(start))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<R>, FormatError> {
        let batch = read_batch(bytes)?;
        serde_arrow::from_record_batch(&batch).map_err(FormatError::new)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}

/// Runs `f`, turning a panic into an error: the Parquet writer panics on
/// Arrow types it does not implement (unions, from enums with data), and a
/// result that cannot be stored must not cost the caller its call.
fn contained<T>(f: impl FnOnce() -> Result<T, FormatError>) -> Result<T, FormatError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(FormatError::new(format!(
            "the Parquet writer cannot store this table ({message})"
        )))
    })
}

/// The rows as one Arrow batch, through the guard. Strings that look like
/// dates become date, time or timestamp columns where every value of the
/// column reads back as the same text; other columns keep them as text.
fn batch_of<R: Serialize>(rows: &[R]) -> Result<RecordBatch, FormatError> {
    let guessed = match schema_of(rows, options().guess_dates(true)) {
        Ok(fields) => fields,
        // Values that look like dates in some rows and not in others.
        Err(_) => return to_batch(&schema_of(rows, options())?, rows),
    };
    if !guessed.iter().any(|f| has_guessed_type(f.data_type())) {
        return to_batch(&guessed, rows);
    }
    let plain_fields = schema_of(rows, options())?;
    let plain = to_batch(&plain_fields, rows)?;
    let Ok(dated) = to_batch(&guessed, rows) else {
        return Ok(plain);
    };
    let mut fields = Vec::with_capacity(plain_fields.len());
    let mut columns = Vec::with_capacity(plain_fields.len());
    for (i, (field, text)) in plain_fields.iter().zip(plain.columns()).enumerate() {
        let exact = guessed
            .get(i)
            .filter(|g| g.name() == field.name() && is_date_type(g.data_type()))
            .and_then(|g| Some((g, dated.columns().get(i)?)))
            .filter(|(g, column)| reads_back_as(g, column, text));
        match exact {
            Some((g, column)) => {
                fields.push(Arc::clone(g));
                columns.push(Arc::clone(column));
            }
            None => {
                fields.push(Arc::clone(field));
                columns.push(Arc::clone(text));
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(FormatError::new)
}

/// `rows` in the batch of `fields`, through the guard.
fn to_batch<R: Serialize>(fields: &[FieldRef], rows: &[R]) -> Result<RecordBatch, FormatError> {
    let state = State::<ParquetRules>::new();
    let batch = serde_arrow::to_record_batch(fields, &state.value(rows));
    let mut out = None;
    state
        .finish(batch.map(|b| out = Some(b)))
        .and_then(|()| out.ok_or_else(|| FormatError::new("no batch")))
}

/// The types `guess_dates` gives to text that looks like a date.
fn is_date_type(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) | DataType::Time64(_)
    )
}

/// Whether a guessed date type is anywhere in `t`.
fn has_guessed_type(t: &DataType) -> bool {
    match t {
        DataType::Struct(fields) => fields.iter().any(|f| has_guessed_type(f.data_type())),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::Map(f, _) => has_guessed_type(f.data_type()),
        t => is_date_type(t),
    }
}

/// Whether the date column `column` (of field `field`) reads back as the
/// text column `text`, value by value, through serde_arrow as `decode` does.
fn reads_back_as(field: &FieldRef, column: &ArrayRef, text: &ArrayRef) -> bool {
    #[derive(serde::Deserialize)]
    struct Cell {
        v: Option<String>,
    }
    let Some(text) = text.as_any().downcast_ref::<StringArray>() else {
        return false;
    };
    let field: FieldRef = Arc::new(Field::new("v", field.data_type().clone(), true));
    let Ok(back) = serde_arrow::from_arrow::<Vec<Cell>, _>(&[field], &[Arc::clone(column)]) else {
        return false;
    };
    back.len() == text.len()
        && back.iter().enumerate().all(|(i, cell)| match &cell.v {
            None => text.is_null(i),
            Some(v) => text.is_valid(i) && text.value(i) == v,
        })
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
        let start = out.len();
        contained(|| write_batch(batch, out)).inspect_err(|_| out.truncate(start))
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

/// The file-metadata key holding the XXH3-128 of the whole file, computed
/// with this value itself as 32 zeros.
const CHECKSUM_KEY: &str = "perscache.xxh3";
const PLACEHOLDER: &[u8; 32] = &[b'0'; 32];

fn write_batch(batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
    let start = out.len();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(&mut *out, batch.schema(), Some(props)).map_err(FormatError::new)?;
    writer.write(batch).map_err(FormatError::new)?;
    // Parquet (as arrow-rs writes it) has no page checksums, and a flipped
    // bit in a page or in the footer could read back as a different value.
    // So the footer's key-value metadata, which other readers ignore, gets a
    // checksum of the whole file: written as zeros, then patched in place.
    let placeholder = String::from_utf8_lossy(PLACEHOLDER).into_owned();
    writer.append_key_value_metadata(KeyValue::new(CHECKSUM_KEY.to_owned(), placeholder));
    writer.close().map_err(FormatError::new)?;
    let file = &mut out[start..];
    let at = checksum_position(file, PLACEHOLDER)
        .ok_or_else(|| FormatError::new("the checksum placeholder is missing from the footer"))?;
    let sum = format!("{:032x}", xxh3_128(file));
    file[at..at + 32].copy_from_slice(sum.as_bytes());
    Ok(())
}

/// Where `value` sits in the footer (the last occurrence: the footer is last).
fn checksum_position(file: &[u8], value: &[u8]) -> Option<usize> {
    let n = file.len();
    let tail = file.get(n.checked_sub(8)?..)?;
    let footer_len = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) as usize;
    let footer_start = n.checked_sub(8)?.checked_sub(footer_len)?;
    file[footer_start..]
        .windows(value.len())
        .rposition(|w| w == value)
        .map(|i| footer_start + i)
}

/// Fails if the file carries a checksum that does not match.
fn verify(bytes: &[u8], metadata: &ParquetMetaData) -> Result<(), FormatError> {
    let Some(recorded) = metadata
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == CHECKSUM_KEY))
        .and_then(|kv| kv.value.as_deref())
    else {
        // Written by another tool: Parquet's own checks are all there are.
        return Ok(());
    };
    let bad = || {
        FormatError::new(format!(
            "the file does not match its checksum ({CHECKSUM_KEY})"
        ))
    };
    let at = checksum_position(bytes, recorded.as_bytes())
        .filter(|_| recorded.len() == 32)
        .ok_or_else(bad)?;
    let mut copy = bytes.to_vec();
    copy[at..at + 32].copy_from_slice(PLACEHOLDER);
    if format!("{:032x}", xxh3_128(&copy)) == recorded {
        Ok(())
    } else {
        Err(bad())
    }
}

/// The whole file as one batch, whatever its row groups.
fn read_batch(bytes: &[u8]) -> Result<RecordBatch, FormatError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::copy_from_slice(bytes))
        .map_err(FormatError::new)?;
    verify(bytes, builder.metadata())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Row {
        name: String,
        value: f64,
    }

    #[test]
    fn a_flipped_bit_or_a_truncation_is_never_a_different_value() {
        let rows: Vec<Row> = (0..20)
            .map(|i| Row {
                name: format!("row {i}"),
                value: f64::from(i) * 0.5,
            })
            .collect();
        let mut good = Vec::new();
        Parquet.encode(&rows, &mut good).expect("encodes");
        let mut caught = 0;
        for bit in 0..good.len() * 8 {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            // A panic in the parquet reader is a miss to the cache, too.
            let decoded = std::panic::catch_unwind(|| Codec::<Vec<Row>>::decode(&Parquet, &bad));
            match decoded {
                Ok(Ok(back)) => assert_eq!(back, rows, "bit {bit} flipped reads back different"),
                _ => caught += 1,
            }
        }
        for len in 0..good.len() {
            let decoded =
                std::panic::catch_unwind(|| Codec::<Vec<Row>>::decode(&Parquet, &good[..len]));
            assert!(!matches!(decoded, Ok(Ok(_))), "truncated to {len} accepted");
        }
        // Only a flip in the checksum's own key can go unnoticed, harmlessly.
        let flips = good.len() * 8;
        assert!(
            caught + 8 * CHECKSUM_KEY.len() >= flips,
            "{caught} of {flips} flips caught"
        );
    }
}
