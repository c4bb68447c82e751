//! The compatibility table of docs/formats.md: a fixed set of types through
//! every format. The test writes the table and fails if the docs differ, so
//! the docs cannot drift from the code; `PERSCACHE_BLESS=1` rewrites them.
//!
//! Every cell is also a guarantee checked here: a value a format writes
//! reads back equal, or the format says so (it refuses to write it, or
//! cannot read it at all). The only exceptions are the rows marked as known
//! gaps (`#[serde(untagged)]` enums whose variants look alike), which the
//! docs explain.
#![cfg(all(
    feature = "yaml",
    feature = "msgpack",
    feature = "cbor",
    feature = "csv",
    feature = "parquet",
    feature = "zstd"
))]

use std::cell::Cell as Flag;
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

/// What happened to one type in one format, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    Yes,
    /// Some values are refused while they are written: they would read
    /// back as other values. Those calls are not cached; others are.
    Refused,
    /// Writes, but cannot read back.
    ReadError,
    /// Refuses at encode, whatever the value.
    WriteError,
    /// Reads back as another value and nothing notices: a known gap.
    Undetected,
    /// `Codec` is not implemented: a compile error.
    NoImpl,
}

impl Cell {
    fn text(self) -> &'static str {
        match self {
            Cell::Yes => "yes",
            Cell::Refused => "some¹",
            Cell::ReadError => "no²",
            Cell::WriteError => "no³",
            Cell::Undetected => "no⁴",
            Cell::NoImpl => "—",
        }
    }
}

thread_local! {
    /// Whether the row being made is a known gap, where a value may read
    /// back different unnoticed.
    static KNOWN_GAP: Flag<bool> = const { Flag::new(false) };
}

/// Every sample of a type through one format; the worst outcome wins.
fn cell<T: PartialEq + Debug, C: Codec<T>>(codec: &C, samples: &[T]) -> Cell {
    samples
        .iter()
        .map(|value| {
            let mut buf = Vec::new();
            if let Err(e) = codec.encode(value, &mut buf) {
                return if e
                    .to_string()
                    .contains("would read this value back as another")
                {
                    Cell::Refused
                } else {
                    Cell::WriteError
                };
            }
            match codec.decode(&buf) {
                Err(_) => Cell::ReadError,
                Ok(back) if back == *value => Cell::Yes,
                Ok(back) => {
                    assert!(
                        KNOWN_GAP.with(Flag::get),
                        "{}: {value:?} was written and reads back as {back:?}",
                        codec.name()
                    );
                    Cell::Undetected
                }
            }
        })
        .max()
        .unwrap_or(Cell::Yes)
}

/// The cells of a row whose values may read back different unnoticed.
fn known_gap(row: impl FnOnce() -> Vec<Cell>) -> Vec<Cell> {
    KNOWN_GAP.with(|gap| gap.set(true));
    let cells = row();
    KNOWN_GAP.with(|gap| gap.set(false));
    assert!(cells.contains(&Cell::Undetected), "not a gap any more");
    cells
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

/// A float compared bit for bit, so that NaN equals itself.
#[derive(Serialize, Deserialize, Debug, Clone)]
struct Bits(f64);

impl PartialEq for Bits {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Marker;

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct NewUnit(());

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Empty {}

/// A byte string: `serialize_bytes`, as `serde_bytes` writes one.
#[derive(PartialEq, Debug, Clone)]
struct ByteString(Vec<u8>);

impl Serialize for ByteString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ByteString;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<ByteString, E> {
                Ok(ByteString(v.to_vec()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ByteString, A::Error> {
                let mut bytes = Vec::new();
                while let Some(b) = seq.next_element()? {
                    bytes.push(b);
                }
                Ok(ByteString(bytes))
            }
        }
        d.deserialize_bytes(Visitor)
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Tag {
    Plain,
    Wrap(Box<Tag>),
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Chain {
    next: Option<Box<Chain>>,
}

fn chain(depth: usize) -> Chain {
    (1..depth).fold(Chain { next: None }, |c, _| Chain {
        next: Some(Box::new(c)),
    })
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Sparse {
    id: u8,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    extra: Option<u8>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
#[serde(untagged)]
enum Overlapping {
    Small(u8),
    Large(u16),
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
#[serde(untagged)]
enum Loose {
    Number(u32),
    Text(String),
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
#[serde(tag = "type")]
enum Internal {
    Circle { r: f64 },
    Square { side: f64, label: Option<String> },
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Flattened {
    id: u32,
    #[serde(flatten)]
    point: Point,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct LooseRow {
    id: u32,
    value: Loose,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Size {
    Small(u8),
    Large { size: u64 },
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct SizedRow {
    id: u32,
    size: Size,
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
        ("`u128`", value_row(vec![u128::MAX])),
        (
            "`f64`",
            value_row(vec![0.1, -0.0, 1e300, f64::MIN_POSITIVE]),
        ),
        (
            "`f64` NaN, infinity",
            value_row(vec![
                Bits(f64::NAN),
                Bits(f64::INFINITY),
                Bits(f64::NEG_INFINITY),
            ]),
        ),
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
        (
            "`Option<Option<i32>>`",
            value_row(vec![None, Some(None::<i32>), Some(Some(1))]),
        ),
        ("`Option<()>`", value_row(vec![None, Some(())])),
        ("`Option<unit struct>`", value_row(vec![None, Some(Marker)])),
        (
            "`Option<newtype of ()>`",
            value_row(vec![None, Some(NewUnit(()))]),
        ),
        (
            "`Option<serde_json::Value>`",
            value_row(vec![
                None,
                Some(serde_json::json!(1)),
                Some(serde_json::Value::Null),
            ]),
        ),
        ("`()`", value_row(vec![()])),
        ("empty struct", value_row(vec![Some(Empty {})])),
        (
            "byte string (`serialize_bytes`)",
            value_row(vec![ByteString(vec![0, 255]), ByteString(Vec::new())]),
        ),
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
            "`BTreeMap<(u8, u8), u8>` (tuple keys)",
            value_row(vec![BTreeMap::from([((1u8, 2u8), 3u8)])]),
        ),
        (
            "enum variant holding another (`Wrap(Wrap(Plain))`)",
            value_row(vec![
                Tag::Wrap(Box::new(Tag::Plain)),
                Tag::Wrap(Box::new(Tag::Wrap(Box::new(Tag::Plain)))),
            ]),
        ),
        (
            "nesting 100 / 300 / 600 levels deep",
            value_row(vec![chain(100), chain(300), chain(600)]),
        ),
        (
            "`skip_serializing_if` field",
            value_row(vec![
                Sparse {
                    id: 1,
                    extra: Some(2),
                },
                Sparse { id: 1, extra: None },
            ]),
        ),
        (
            "`#[serde(untagged)]` enum",
            value_row(vec![Loose::Number(5), Loose::Text("5".into())]),
        ),
        (
            "`#[serde(untagged)]` enum, variants alike (`Large(5)`)",
            known_gap(|| value_row(vec![Overlapping::Large(5)])),
        ),
        (
            "`#[serde(tag = \"type\")]` enum",
            value_row(vec![
                Internal::Circle { r: 1.5 },
                Internal::Square {
                    side: 2.0,
                    label: None,
                },
            ]),
        ),
        (
            "`#[serde(flatten)]` field",
            value_row(vec![Flattened {
                id: 1,
                point: point.clone(),
            }]),
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
        (
            "table with a field left out in some rows",
            table_row(vec![vec![
                Sparse {
                    id: 1,
                    extra: Some(2),
                },
                Sparse { id: 2, extra: None },
            ]]),
        ),
        (
            "table with an enum with data",
            table_row(vec![vec![SizedRow {
                id: 1,
                size: Size::Large { size: 7 },
            }]]),
        ),
        (
            "table of `serde_json::Value` objects, keys differ by row",
            table_row(vec![vec![
                serde_json::json!({"id": 1, "a": 1}),
                serde_json::json!({"id": 2, "b": 2}),
            ]]),
        ),
        (
            "table with an untagged enum (`Text(\"5\")`)",
            known_gap(|| {
                table_row(vec![vec![LooseRow {
                    id: 1,
                    value: Loose::Text("5".into()),
                }]])
            }),
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
