//! The compatibility table of docs/formats.md: a fixed set of types through
//! every format. The test writes the table and fails if the docs differ, so
//! the docs cannot drift from the code; `PERSCACHE_BLESS=1` rewrites them.
//!
//! Every cell is also a guarantee checked here: where a format reads back a
//! different value, `Codec::check` (what the cache runs on a function's first
//! write) must say so, so that the cache turns itself off for that function
//! instead of ever returning the different value.
#![cfg(all(
    feature = "yaml",
    feature = "msgpack",
    feature = "cbor",
    feature = "csv",
    feature = "parquet",
    feature = "zstd"
))]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use perscache::arrow_array::{
    self, ArrayRef, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use perscache::{Binary, Cbor, Codec, Csv, Json, MessagePack, Parquet, Yaml};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// What happened to one type in one format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    Yes,
    /// Reads back different; `check` catches it at the first write.
    Lossy,
    /// Cannot read back what it wrote.
    ReadError,
    /// Refuses at encode.
    WriteError,
    /// `Codec` is not implemented: a compile error.
    NoImpl,
}

impl Cell {
    fn text(self) -> &'static str {
        match self {
            Cell::Yes => "yes",
            Cell::Lossy => "no¹",
            Cell::ReadError => "no²",
            Cell::WriteError => "no³",
            Cell::NoImpl => "—",
        }
    }
}

/// Every sample of a type through one format; the worst outcome wins.
fn cell<T: PartialEq + Debug, C: Codec<T>>(codec: &C, samples: &[T]) -> Cell {
    samples
        .iter()
        .map(|value| {
            let mut buf = Vec::new();
            if codec.encode(value, &mut buf).is_err() {
                return Cell::WriteError;
            }
            match codec.decode(&buf) {
                Err(_) => {
                    assert!(
                        codec.check(value, &buf).is_err(),
                        "{} check missed a read error",
                        codec.name()
                    );
                    Cell::ReadError
                }
                Ok(back) if back == *value => {
                    if let Err(e) = codec.check(value, &buf) {
                        panic!(
                            "{}: check rejects a faithful round trip of {value:?}: {e}",
                            codec.name()
                        );
                    }
                    Cell::Yes
                }
                Ok(back) => {
                    assert!(
                        codec.check(value, &buf).is_err(),
                        "{}: {value:?} reads back as {back:?} and check does not notice",
                        codec.name()
                    );
                    Cell::Lossy
                }
            }
        })
        .max()
        .unwrap_or(Cell::Yes)
}

const FORMATS: [&str; 7] = [
    "binary", "json", "yaml", "msgpack", "cbor", "csv", "parquet",
];

/// The serde formats, for any type.
fn serde_cells<T>(samples: &[T]) -> Vec<Cell>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let cells = vec![
        cell(&Binary, samples),
        cell(&Json, samples),
        cell(&Yaml, samples),
        cell(&MessagePack, samples),
        cell(&Cbor, samples),
    ];
    // Compression never changes what a format holds.
    assert_eq!(cell(&Json.compressed(), samples), cells[1]);
    assert_eq!(cell(&Binary.compressed(), samples), cells[0]);
    cells
}

/// A type that is not a table: CSV and Parquet do not implement `Codec` for it.
fn value_row<T>(samples: Vec<T>) -> Vec<Cell>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let mut cells = serde_cells(&samples);
    cells.extend([Cell::NoImpl, Cell::NoImpl]);
    cells
}

/// A table: every format.
fn table_row<R>(tables: Vec<Vec<R>>) -> Vec<Cell>
where
    R: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let mut cells = serde_cells(&tables);
    cells.push(cell(&Csv, &tables));
    cells.push(cell(&Parquet, &tables));
    cells
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Point {
    x: f64,
    y: f64,
    label: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: u32, h: u32 },
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Kind {
    Small,
    Large,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Nested {
    id: u64,
    tags: Vec<String>,
    origin: Option<Point>,
    scores: BTreeMap<String, i32>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Flat {
    name: String,
    count: i64,
    ratio: f64,
    ok: bool,
    kind: Kind,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Dated {
    day: NaiveDate,
    at: DateTime<Utc>,
    local: NaiveDateTime,
    value: f64,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Zoned {
    at: DateTime<FixedOffset>,
    precise: DateTime<Utc>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Nullable {
    a: Option<i64>,
    b: Option<String>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Deep {
    id: u32,
    tags: Vec<String>,
    point: Point,
}

fn utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .expect("valid timestamp")
}

fn zoned() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-03-01T12:30:45.5+05:30").expect("valid timestamp")
}

fn naive() -> NaiveDateTime {
    utc(1_709_296_245_123).naive_utc()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid date")
}

fn rows() -> Vec<(&'static str, Vec<Cell>)> {
    let point = Point {
        x: 1.5,
        y: -2.0,
        label: "a, \"quoted\"\nlabel".into(),
    };
    vec![
        (
            "`String`",
            value_row(vec![String::new(), "héllo, \"wörld\"\n".into()]),
        ),
        ("`i64`, `u64`", value_row(vec![(i64::MIN, u64::MAX)])),
        ("`i128`", value_row(vec![i128::MIN])),
        (
            "`f64`",
            value_row(vec![0.1, -0.0, 1e300, f64::MIN_POSITIVE]),
        ),
        ("`f64` NaN, infinity", value_row(vec![f64::INFINITY])),
        ("`bool`, `char`", value_row(vec![(true, 'ß')])),
        ("`DateTime<Utc>`", value_row(vec![utc(1_709_296_245_123)])),
        ("`DateTime<FixedOffset>`", value_row(vec![zoned()])),
        (
            "`NaiveDateTime`, `NaiveDate`",
            value_row(vec![(naive(), day())]),
        ),
        ("`Vec<i32>`", value_row(vec![vec![], vec![1, -2, 3]])),
        (
            "`HashSet<String>`",
            value_row(vec![HashSet::from(["a".to_string(), "b".into()])]),
        ),
        (
            "`BTreeSet<i32>`",
            value_row(vec![BTreeSet::from([3, 1, 2])]),
        ),
        (
            "`HashMap<String, f64>`",
            value_row(vec![HashMap::from([("k".to_string(), 0.5)])]),
        ),
        (
            "`BTreeMap<u32, String>` (non-string keys)",
            value_row(vec![BTreeMap::from([(7u32, "seven".to_string())])]),
        ),
        (
            "`(i32, String, bool)`",
            value_row(vec![(1, "one".to_string(), true)]),
        ),
        ("struct", value_row(vec![point.clone()])),
        (
            "enum (unit, newtype, struct variants)",
            value_row(vec![
                Shape::Empty,
                Shape::Circle(1.0),
                Shape::Rect { w: 2, h: 3 },
            ]),
        ),
        ("`Option<i32>`", value_row(vec![None, Some(3)])),
        ("`Option<Option<i32>>`", value_row(vec![Some(None::<i32>)])),
        ("`()`", value_row(vec![()])),
        (
            "nested record",
            value_row(vec![Nested {
                id: 1,
                tags: vec!["x".into()],
                origin: Some(point.clone()),
                scores: BTreeMap::from([("a".into(), 1)]),
            }]),
        ),
        (
            "`serde_json::Value`",
            value_row(vec![serde_json::json!({"a": [1, "two", null]})]),
        ),
        (
            "table: `Vec<flat record>`",
            table_row(vec![
                vec![],
                vec![
                    Flat {
                        name: "a".into(),
                        count: -1,
                        ratio: 0.25,
                        ok: true,
                        kind: Kind::Small,
                    },
                    Flat {
                        name: "b, c".into(),
                        count: 2,
                        ratio: 1e-9,
                        ok: false,
                        kind: Kind::Large,
                    },
                ],
            ]),
        ),
        (
            "table with dates (UTC ms, naive, date)",
            table_row(vec![vec![
                Dated {
                    day: day(),
                    at: utc(1_709_296_245_123),
                    local: naive(),
                    value: 1.0,
                },
                Dated {
                    day: day(),
                    at: utc(0),
                    local: naive(),
                    value: 2.0,
                },
            ]]),
        ),
        (
            "table with zoned and ns timestamps",
            table_row(vec![vec![Zoned {
                at: zoned(),
                precise: DateTime::parse_from_rfc3339("2024-03-01T12:30:45.123456789Z")
                    .expect("valid")
                    .with_timezone(&Utc),
            }]]),
        ),
        (
            "table with nulls",
            table_row(vec![vec![
                Nullable {
                    a: Some(1),
                    b: None,
                },
                Nullable {
                    a: None,
                    b: Some("x".into()),
                },
            ]]),
        ),
        (
            "table with `Some(\"\")`",
            table_row(vec![vec![Nullable {
                a: None,
                b: Some(String::new()),
            }]]),
        ),
        (
            "table of tuples (no field names)",
            table_row(vec![vec![(1u8, "a".to_string())]]),
        ),
        (
            "table with nested fields",
            table_row(vec![vec![Deep {
                id: 1,
                tags: vec!["t".into()],
                point,
            }]]),
        ),
        ("Arrow `RecordBatch` (timestamps with zone, nulls)", {
            let mut cells = vec![Cell::NoImpl; 5];
            cells.push(Cell::NoImpl);
            cells.push(cell(&Parquet, &[record_batch()]));
            cells
        }),
    ]
}

/// A batch with a zoned timestamp column and nulls in every column.
pub fn record_batch() -> RecordBatch {
    let at = TimestampMicrosecondArray::from(vec![Some(1_709_296_245_123_456), None])
        .with_timezone("Europe/Oslo");
    let name = StringArray::from(vec![None, Some("b")]);
    let value = Float64Array::from(vec![Some(0.5), None]);
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("at", Arc::new(at)),
        ("name", Arc::new(name)),
        ("value", Arc::new(value)),
    ];
    arrow_array::RecordBatch::try_from_iter_with_nullable(
        columns.into_iter().map(|(n, a)| (n, a, true)),
    )
    .expect("valid batch")
}

fn table() -> String {
    let mut out = String::new();
    out.push_str("| type |");
    for f in FORMATS {
        out.push_str(&format!(" {f} |"));
    }
    out.push_str("\n|---|");
    for _ in FORMATS {
        out.push_str("---|");
    }
    out.push('\n');
    for (label, cells) in rows() {
        assert_eq!(cells.len(), FORMATS.len(), "{label}");
        out.push_str(&format!("| {label} |"));
        for c in cells {
            out.push_str(&format!(" {} |", c.text()));
        }
        out.push('\n');
    }
    out
}

const BEGIN: &str =
    "<!-- compatibility table: generated by perscache-runtime/tests/formats_compat.rs -->\n";
const END: &str = "<!-- end of compatibility table -->";

#[test]
fn compatibility_table_matches_the_docs() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/formats.md");
    let docs = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = table();
    let (before, after) = match (docs.find(BEGIN), docs.find(END)) {
        (Some(b), Some(e)) if b < e => (&docs[..b + BEGIN.len()], &docs[e..]),
        _ => ("", ""),
    };
    let current = docs
        .get(before.len()..docs.len() - after.len())
        .unwrap_or_default();
    if current == generated && !before.is_empty() {
        return;
    }
    if std::env::var_os("PERSCACHE_BLESS").is_some() && !before.is_empty() {
        std::fs::write(&path, format!("{before}{generated}{after}"))
            .expect("write docs/formats.md");
        return;
    }
    panic!(
        "docs/formats.md's compatibility table is out of date; run \
         `PERSCACHE_BLESS=1 cargo test -p perscache-runtime --all-features --test formats_compat` \
         and commit the result. The table is now:\n\n{generated}"
    );
}
