//! Property tests: any value of the supported types round-trips through every
//! format that claims it (docs/formats.md), and a format that does not claim
//! a value either refuses it or reads it back equal: never a different value.
#![cfg(all(
    feature = "yaml",
    feature = "msgpack",
    feature = "cbor",
    feature = "csv",
    feature = "parquet",
    feature = "zstd"
))]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Debug;

use chrono::{DateTime, NaiveDate, Utc};
use perscache::{AnyFormat, Binary, Cbor, Codec, Csv, Json, MessagePack, Parquet, Yaml, Zstd};
use proptest::prelude::*;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: u32, h: u32 },
}

/// Everything the serde formats claim, in one value.
#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Value {
    text: String,
    int: i64,
    unsigned: u64,
    small: i8,
    float: f64,
    flag: bool,
    letter: char,
    at: DateTime<Utc>,
    day: NaiveDate,
    list: Vec<i32>,
    set: HashSet<String>,
    map: HashMap<String, u16>,
    keyed: BTreeMap<u32, bool>,
    pair: (u8, String),
    shape: Shape,
    maybe: Option<i32>,
    nested: Option<Box<Leaf>>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Leaf {
    name: String,
    values: Vec<f64>,
}

/// A flat record: what CSV and Parquet claim.
#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Row {
    name: String,
    count: i64,
    ratio: f64,
    ok: bool,
    day: NaiveDate,
    at: DateTime<Utc>,
    maybe: Option<i32>,
    note: Option<String>,
}

fn finite() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO
}

fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 1900 to 2200, with nanoseconds.
    (-2_208_988_800i64..7_258_118_400, 0u32..1_000_000_000)
        .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap_or_default())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (-100_000i32..100_000)
        .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(730_000 + d).unwrap_or_default())
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Empty),
        finite().prop_map(Shape::Circle),
        (any::<u32>(), any::<u32>()).prop_map(|(w, h)| Shape::Rect { w, h }),
    ]
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (any::<String>(), prop::collection::vec(finite(), 0..4))
        .prop_map(|(name, values)| Leaf { name, values })
}

prop_compose! {
    fn value()(
        (text, int, unsigned, small, float, flag, letter) in
            (any::<String>(), any::<i64>(), any::<u64>(), any::<i8>(), finite(), any::<bool>(), any::<char>()),
        (at, day) in (timestamp(), date()),
        list in prop::collection::vec(any::<i32>(), 0..8),
        set in prop::collection::hash_set(any::<String>(), 0..4),
        map in prop::collection::hash_map(any::<String>(), any::<u16>(), 0..4),
        keyed in prop::collection::btree_map(any::<u32>(), any::<bool>(), 0..4),
        pair in (any::<u8>(), any::<String>()),
        shape in shape(),
        maybe in any::<Option<i32>>(),
        nested in prop::option::of(leaf().prop_map(Box::new)),
    ) -> Value {
        Value { text, int, unsigned, small, float, flag, letter, at, day, list, set, map, keyed, pair, shape, maybe, nested }
    }
}

prop_compose! {
    fn row()(
        (name, count, ratio, ok) in (any::<String>(), any::<i64>(), finite(), any::<bool>()),
        (day, at) in (date(), timestamp()),
        maybe in any::<Option<i32>>(),
        note in prop::option::of(any::<String>()),
    ) -> Row {
        Row { name, count, ratio, ok, day, at, maybe, note }
    }
}

/// Encodes, decodes, compares, and runs the check the cache runs after a
/// failed read.
fn round_trip<T: PartialEq + Debug, C: Codec<T>>(
    codec: &C,
    value: &T,
) -> Result<(), TestCaseError> {
    let mut buf = Vec::new();
    codec
        .encode(value, &mut buf)
        .map_err(|e| TestCaseError::fail(format!("{}: encode: {e}", codec.name())))?;
    let back = codec
        .decode(&buf)
        .map_err(|e| TestCaseError::fail(format!("{}: decode: {e}", codec.name())))?;
    prop_assert_eq!(&back, value, "{}", codec.name());
    codec
        .check(value, &buf)
        .map_err(|e| TestCaseError::fail(format!("{}: check: {e}", codec.name())))?;
    Ok(())
}

/// Refuses while it writes, or reads back equal: what a format writes
/// never reads back as another value.
fn never_different<T: PartialEq + Debug, C: Codec<T>>(
    codec: &C,
    value: &T,
) -> Result<(), TestCaseError> {
    prop_assert!(
        codec.checks_on_encode(),
        "{} checks while it encodes",
        codec.name()
    );
    let mut buf = Vec::new();
    if codec.encode(value, &mut buf).is_err() {
        return Ok(());
    }
    if let Ok(back) = codec.decode(&buf) {
        prop_assert_eq!(
            &back,
            value,
            "{}: written, and read back different",
            codec.name()
        );
    }
    Ok(())
}

fn every_serde_format<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    round_trip(&Binary, value)?;
    round_trip(&Json, value)?;
    round_trip(&Json::pretty(), value)?;
    round_trip(&Yaml, value)?;
    round_trip(&MessagePack, value)?;
    round_trip(&Cbor, value)?;
    round_trip(&Zstd::new(Json), value)?;
    round_trip(&Zstd::with_level(Binary, 1), value)?;
    for name in AnyFormat::names() {
        let any: AnyFormat = name
            .parse()
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        round_trip(&any, value)?;
        let zstd: AnyFormat = format!("{name}+zstd")
            .parse()
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        round_trip(&zstd, value)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip_through_every_serde_format(v in value()) {
        every_serde_format(&v)?;
    }

    #[test]
    fn tables_round_trip_through_every_format(rows in prop::collection::vec(row(), 0..12)) {
        every_serde_format(&rows)?;
        round_trip(&Parquet, &rows)?;
        round_trip(&Parquet.compressed(), &rows)?;
        // CSV cannot tell `Some("")` from `None`: such a table is refused.
        if rows.iter().any(|r| r.note.as_deref() == Some("")) {
            never_different(&Csv, &rows)?;
        } else {
            round_trip(&Csv, &rows)?;
        }
    }

    #[test]
    fn unsupported_values_are_never_read_back_different(
        nested in any::<Option<Option<i32>>>(),
        units in prop::collection::vec(prop::option::of(Just(())), 0..4),
        floats in prop::collection::vec(prop::option::of(prop_oneof![
            Just(f64::INFINITY), Just(f64::NEG_INFINITY), finite()
        ]), 0..4),
        notes in prop::collection::vec(prop::option::of("[a-c]{0,2}"), 0..6),
        skip in prop::collection::vec(prop::option::of(any::<u8>()), 0..6),
    ) {
        for codec in [AnyFormat::Binary, AnyFormat::Json, AnyFormat::Yaml, AnyFormat::MessagePack, AnyFormat::Cbor] {
            never_different(&codec, &nested)?;
            never_different(&codec, &units)?;
            never_different(&codec, &floats)?;
        }
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Note { note: Option<String>, #[serde(skip_serializing_if = "Option::is_none", default)] extra: Option<u8> }
        let table: Vec<Note> = notes.into_iter().zip(skip).map(|(note, extra)| Note { note, extra }).collect();
        never_different(&Csv, &table)?;
        never_different(&Parquet, &table)?;
        never_different(&Binary, &table)?;
    }
}
