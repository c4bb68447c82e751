//! Every write, not only a function's first: a result that a built-in format
//! would read back as another value is never stored. The caller always gets
//! the function's own value, a second call and a fresh `Cache` over the same
//! folder never see anything else, and the function's other results are
//! still cached.
//!
//! Each format's test calls one `#[persist]` function with a list of values,
//! lossy ones first (so the function's first write is one of them) and
//! between cached ones, and says which of them the format refuses.
#![cfg(all(
    feature = "yaml",
    feature = "msgpack",
    feature = "cbor",
    feature = "csv",
    feature = "parquet",
    feature = "zstd"
))]

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use perscache::{persist, Cache, Codec};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::json;

fn temp_dir() -> PathBuf {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep()
}

/// Not strict: a refused value is a warning, and the function keeps running.
fn cache_in(dir: &Path) -> Cache {
    Cache::builder().dir(dir).build()
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Marker;

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct NewUnit(());

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Empty {}

/// A float compared bit for bit, so that NaN equals itself.
#[derive(Serialize, Deserialize, Debug, Clone)]
struct Float(f64);

impl PartialEq for Float {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Chain {
    next: Option<Box<Chain>>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Tag {
    Plain,
    Wrap(Box<Tag>),
}

/// Bytes whose `Serialize` declares one element too many when `lie` is set:
/// a format that writes lengths first would read the next field's bytes as
/// the missing element.
#[derive(Deserialize, Debug, Clone)]
#[serde(from = "Vec<u8>")]
struct Counted {
    items: Vec<u8>,
    lie: bool,
}

impl From<Vec<u8>> for Counted {
    fn from(items: Vec<u8>) -> Self {
        Counted { items, lie: false }
    }
}

impl PartialEq for Counted {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl Serialize for Counted {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len() + usize::from(self.lie)))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

/// Everything at once: the shapes some format cannot keep apart, and the
/// ones every format holds (`u128`, `char`, bytes, an empty struct,
/// non-string map keys).
#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Sample {
    id: u32,
    nested: Option<Option<u32>>,
    unit: Option<()>,
    marker: Option<Marker>,
    newtype: Option<NewUnit>,
    float: Float,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    skippable: Option<u8>,
    counted: Counted,
    chain: Option<Box<Chain>>,
    tag: Tag,
    wide: u128,
    letter: char,
    bytes: Vec<u8>,
    empty: Empty,
    keyed: BTreeMap<u32, String>,
}

fn chain(depth: usize) -> Option<Box<Chain>> {
    (0..depth).fold(None, |next, _| Some(Box::new(Chain { next })))
}

/// A value every serde format holds.
fn plain(id: u32) -> Sample {
    Sample {
        id,
        nested: Some(Some(id)),
        unit: None,
        marker: None,
        newtype: None,
        float: Float(f64::from(id) + 0.1),
        skippable: Some(1),
        counted: Counted {
            items: vec![1, 2],
            lie: false,
        },
        chain: chain(3),
        tag: Tag::Wrap(Box::new(Tag::Plain)),
        wide: u128::MAX - u128::from(id),
        letter: 'ß',
        bytes: vec![0, 255],
        empty: Empty {},
        keyed: BTreeMap::from([(id, "x".to_string())]),
    }
}

/// The samples by name, lossy ones first.
fn samples() -> Vec<(&'static str, Sample)> {
    let with = |id, f: fn(&mut Sample)| {
        let mut s = plain(id);
        f(&mut s);
        s
    };
    vec![
        ("Some(None)", with(100, |s| s.nested = Some(None))),
        ("plain", plain(1)),
        ("Some(())", with(101, |s| s.unit = Some(()))),
        ("Some(unit struct)", with(102, |s| s.marker = Some(Marker))),
        (
            "Some(newtype of ())",
            with(103, |s| s.newtype = Some(NewUnit(()))),
        ),
        ("NaN", with(104, |s| s.float = Float(f64::NAN))),
        (
            "-infinity",
            with(105, |s| s.float = Float(f64::NEG_INFINITY)),
        ),
        ("skipped field", with(106, |s| s.skippable = None)),
        ("length lie", with(107, |s| s.counted.lie = true)),
        ("300 levels", with(108, |s| s.chain = chain(300))),
        (
            "variant in variant",
            with(109, |s| {
                s.tag = Tag::Wrap(Box::new(Tag::Wrap(Box::new(Tag::Plain))));
            }),
        ),
        ("plain again", plain(2)),
    ]
}

/// Calls `call(cache, i)` for every sample `i`, twice, then once more on a
/// fresh `Cache` over the same folder (each made by `cache_in`); checks every
/// value returned and that exactly the samples named in `refused` were not
/// cached. `encodes` says whether the format writes a value, to check
/// `refused` against.
fn exercise<T: PartialEq + Debug>(
    samples: &[(&'static str, T)],
    refused: &[&str],
    calls: &AtomicUsize,
    encodes: impl Fn(&T) -> bool,
    cache_in: impl Fn(&Path) -> Cache,
    call: impl Fn(&Cache, usize) -> T,
) {
    let names: Vec<&str> = samples.iter().map(|(name, _)| *name).collect();
    for name in refused {
        assert!(names.contains(name), "no sample named {name}");
    }
    let dir = temp_dir();
    let cache = cache_in(&dir);
    for (i, (name, value)) in samples.iter().enumerate() {
        let lossy = refused.contains(name);
        let before = calls.load(SeqCst);
        assert_eq!(call(&cache, i), *value, "{name}: first call");
        assert_eq!(call(&cache, i), *value, "{name}: second call");
        let computed = calls.load(SeqCst) - before;
        assert_eq!(computed, if lossy { 2 } else { 1 }, "{name}: computations");
        assert_eq!(encodes(value), !lossy, "{name}: refused by encode?");
    }
    let fresh = cache_in(&dir);
    for (i, (name, value)) in samples.iter().enumerate() {
        let before = calls.load(SeqCst);
        assert_eq!(call(&fresh, i), *value, "{name}: fresh cache");
        let computed = calls.load(SeqCst) - before;
        let lossy = refused.contains(name);
        assert_eq!(
            computed,
            usize::from(lossy),
            "{name}: fresh cache computations"
        );
    }
}

fn encodes<T, C: Codec<T>>(codec: &C) -> impl Fn(&T) -> bool + '_ {
    move |value| codec.encode(value, &mut Vec::new()).is_ok()
}

/// A test of one serde format: `#[persist(serializer = $format)]` over [`samples`].
macro_rules! serde_format {
    ($test:ident, $format:expr, $refused:expr) => {
        #[test]
        fn $test() {
            static CALLS: AtomicUsize = AtomicUsize::new(0);

            #[persist(cache = cache, ignore = [cache], serializer = $format)]
            fn sample(cache: &Cache, i: usize) -> Sample {
                CALLS.fetch_add(1, SeqCst);
                samples().swap_remove(i).1
            }

            let format = $format;
            exercise(
                &samples(),
                &$refused,
                &CALLS,
                encodes(&format),
                cache_in,
                sample,
            );
        }
    };
}

/// postcard has no null, so `Option`s nest; it stores fields by position and
/// lengths before elements.
const BINARY_REFUSES: [&str; 2] = ["skipped field", "length lie"];

/// JSON writes `null` for `None`, `()`, a unit struct, NaN and the
/// infinities; its reader stops at 128 levels.
const JSON_REFUSES: [&str; 7] = [
    "Some(None)",
    "Some(())",
    "Some(unit struct)",
    "Some(newtype of ())",
    "NaN",
    "-infinity",
    "300 levels",
];

/// YAML as JSON for nulls (it keeps NaN); one tag per node; fewer levels.
const YAML_REFUSES: [&str; 6] = [
    "Some(None)",
    "Some(())",
    "Some(unit struct)",
    "Some(newtype of ())",
    "300 levels",
    "variant in variant",
];

/// MessagePack writes a unit struct as an empty array, not as `nil`; it
/// writes lengths first. Its reader accepts 1024 levels but overflows a
/// debug build's stack before that, so 256 it is.
const MSGPACK_REFUSES: [&str; 5] = [
    "Some(None)",
    "Some(())",
    "Some(newtype of ())",
    "length lie",
    "300 levels",
];

/// CBOR: `null` for unit structs too; lengths first; 256 levels.
const CBOR_REFUSES: [&str; 6] = [
    "Some(None)",
    "Some(())",
    "Some(unit struct)",
    "Some(newtype of ())",
    "length lie",
    "300 levels",
];

serde_format!(
    binary_never_stores_what_it_would_read_back_different,
    perscache::Binary,
    BINARY_REFUSES
);
serde_format!(
    json_never_stores_what_it_would_read_back_different,
    perscache::Json,
    JSON_REFUSES
);
serde_format!(
    pretty_json_never_stores_what_it_would_read_back_different,
    perscache::Json::pretty(),
    JSON_REFUSES
);
serde_format!(
    yaml_never_stores_what_it_would_read_back_different,
    perscache::Yaml,
    YAML_REFUSES
);
serde_format!(
    msgpack_never_stores_what_it_would_read_back_different,
    perscache::MessagePack,
    MSGPACK_REFUSES
);
serde_format!(
    cbor_never_stores_what_it_would_read_back_different,
    perscache::Cbor,
    CBOR_REFUSES
);
serde_format!(
    compressed_binary_never_stores_what_it_would_read_back_different,
    perscache::Binary.compressed(),
    BINARY_REFUSES
);
serde_format!(
    compressed_json_never_stores_what_it_would_read_back_different,
    perscache::Json.compressed(),
    JSON_REFUSES
);
serde_format!(
    compressed_yaml_never_stores_what_it_would_read_back_different,
    perscache::Yaml.compressed(),
    YAML_REFUSES
);
serde_format!(
    compressed_msgpack_never_stores_what_it_would_read_back_different,
    perscache::MessagePack.compressed(),
    MSGPACK_REFUSES
);
serde_format!(
    compressed_cbor_never_stores_what_it_would_read_back_different,
    perscache::Cbor.compressed(),
    CBOR_REFUSES
);

/// A function naming no format gets the cache's: the same rules apply.
#[test]
fn a_cache_default_format_refuses_the_same_values() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = cache, ignore = [cache])]
    fn sample(cache: &Cache, i: usize) -> Sample {
        CALLS.fetch_add(1, SeqCst);
        samples().swap_remove(i).1
    }

    let format: perscache::AnyFormat = "yaml+zstd".parse().expect("a format");
    let with_memory_tier = |dir: &Path| {
        Cache::builder()
            .dir(dir)
            .format(format)
            .memory_tier(1 << 20)
            .build()
    };
    exercise(
        &samples(),
        &YAML_REFUSES,
        &CALLS,
        encodes(&format),
        with_memory_tier,
        sample,
    );
}

/// A flat record, with the shapes CSV or Parquet cannot keep apart.
#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Row {
    id: u32,
    note: Option<String>,
    nested: Option<Option<u8>>,
    unit: Option<()>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    extra: Option<u8>,
    /// RFC 3339 text, as `chrono` writes it; Parquet stores a column of it
    /// as timestamps when every value survives that.
    at: String,
    kind: Kind,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Kind {
    Small,
    Large,
}

fn row(id: u32) -> Row {
    Row {
        id,
        note: Some(format!("note {id}")),
        nested: Some(Some(1)),
        unit: None,
        extra: Some(1),
        at: "2024-03-01T12:30:45.123Z".into(),
        kind: Kind::Small,
    }
}

fn tables() -> Vec<(&'static str, Vec<Row>)> {
    let with = |f: fn(&mut Row)| {
        let mut second = row(2);
        f(&mut second);
        vec![row(1), second]
    };
    vec![
        ("Some(\"\")", with(|r| r.note = Some(String::new()))),
        ("plain", vec![row(1), row(2)]),
        ("Some(None)", with(|r| r.nested = Some(None))),
        ("Some(())", with(|r| r.unit = Some(()))),
        ("field left out in one row", with(|r| r.extra = None)),
        (
            "nanoseconds",
            with(|r| r.at = "2024-03-01T12:30:45.123456789Z".into()),
        ),
        (
            "offset",
            with(|r| r.at = "2024-03-01T12:30:45+05:30".into()),
        ),
        ("empty", vec![]),
        ("plain again", vec![row(3), row(4)]),
    ]
}

macro_rules! table_format {
    ($test:ident, $format:expr, $refused:expr) => {
        #[test]
        fn $test() {
            static CALLS: AtomicUsize = AtomicUsize::new(0);

            #[persist(cache = cache, ignore = [cache], serializer = $format)]
            fn table(cache: &Cache, i: usize) -> Vec<Row> {
                CALLS.fetch_add(1, SeqCst);
                tables().swap_remove(i).1
            }

            let format = $format;
            exercise(
                &tables(),
                &$refused,
                &CALLS,
                encodes(&format),
                cache_in,
                table,
            );
        }
    };
}

/// CSV writes `None`, `()` and `""` as an empty field, and matches fields to
/// columns by position.
const CSV_REFUSES: [&str; 4] = [
    "Some(\"\")",
    "Some(None)",
    "Some(())",
    "field left out in one row",
];

/// Parquet (through Arrow) stores `None` and `()` as a null.
const PARQUET_REFUSES: [&str; 2] = ["Some(None)", "Some(())"];

table_format!(
    csv_never_stores_a_table_it_would_read_back_different,
    perscache::Csv,
    CSV_REFUSES
);
table_format!(
    compressed_csv_never_stores_a_table_it_would_read_back_different,
    perscache::Csv.compressed(),
    CSV_REFUSES
);
table_format!(
    parquet_never_stores_a_table_it_would_read_back_different,
    perscache::Parquet,
    PARQUET_REFUSES
);
table_format!(
    compressed_parquet_never_stores_a_table_it_would_read_back_different,
    perscache::Parquet.compressed(),
    PARQUET_REFUSES
);

/// The column types of a Parquet entry of `rows`, after checking that it
/// reads back as `rows`.
fn parquet_columns<R>(rows: &Vec<R>) -> Vec<String>
where
    R: Serialize + serde::de::DeserializeOwned + PartialEq + Debug,
{
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let mut bytes = Vec::new();
    perscache::Parquet
        .encode(rows, &mut bytes)
        .expect("a table Parquet holds");
    let back: Vec<R> = perscache::Parquet.decode(&bytes).expect("reads back");
    assert_eq!(back, *rows);
    let reader =
        ParquetRecordBatchReaderBuilder::try_new(perscache::Bytes::from(bytes)).expect("parquet");
    reader
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}: {}", f.name(), f.data_type()))
        .collect()
}

/// Parquet (through serde_arrow) stores maps and `serde_json::Value` objects as
/// structs, a column per key: maps in one place with different keys would
/// read back with the missing keys present and empty.
#[test]
fn parquet_never_stores_maps_whose_keys_differ() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn documents() -> Vec<(&'static str, Vec<serde_json::Value>)> {
        vec![
            (
                "keys differ",
                vec![json!({"id": 1, "a": 1}), json!({"id": 2, "b": 2})],
            ),
            (
                "same keys",
                vec![json!({"id": 1, "a": 1}), json!({"a": 2, "id": 2})],
            ),
            (
                "null and absent",
                vec![json!({"id": 1, "a": null}), json!({"id": 2})],
            ),
            (
                "nested keys differ",
                vec![
                    json!({"id": 1, "m": {"x": 1}}),
                    json!({"id": 2, "m": {"y": 1}}),
                ],
            ),
            (
                "each field its own keys",
                vec![
                    json!({"id": 1, "m": {"x": 1}, "n": {"y": 1}}),
                    json!({"id": 2, "m": {"x": 2}, "n": {"y": 2}}),
                ],
            ),
        ]
    }

    #[persist(cache = cache, ignore = [cache], serializer = perscache::Parquet)]
    fn table(cache: &Cache, i: usize) -> Vec<serde_json::Value> {
        CALLS.fetch_add(1, SeqCst);
        documents().swap_remove(i).1
    }

    exercise(
        &documents(),
        &["keys differ", "null and absent", "nested keys differ"],
        &CALLS,
        encodes(&perscache::Parquet),
        cache_in,
        table,
    );
}

/// Parquet keeps a column of timestamps as timestamps only where every value
/// reads back as the same text; the other columns keep their text.
#[test]
fn parquet_stores_dates_as_dates_only_where_they_read_back_exactly() {
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Times {
        exact: String,
        precise: String,
        zoned: String,
        day: String,
    }
    let rows = vec![
        Times {
            exact: "2024-03-01T12:30:45.123Z".into(),
            precise: "2024-03-01T12:30:45.123Z".into(),
            zoned: "2024-03-01T12:30:45Z".into(),
            day: "2024-02-29".into(),
        },
        Times {
            exact: "2024-03-01T00:00:00Z".into(),
            precise: "2024-03-01T12:30:45.123456Z".into(),
            zoned: "2024-03-01T12:30:45+01:00".into(),
            day: "2024-03-01".into(),
        },
    ];
    assert_eq!(
        parquet_columns(&rows),
        [
            "exact: Timestamp(ms, \"UTC\")",
            "precise: Utf8",
            "zoned: Utf8",
            "day: Date32",
        ]
    );

    // A column where only some values look like dates: all text.
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Mixed {
        day: String,
    }
    let rows = vec![
        Mixed {
            day: "2024-02-29".into(),
        },
        Mixed {
            day: "tomorrow".into(),
        },
    ];
    assert_eq!(parquet_columns(&rows), ["day: Utf8"]);
}

/// An enum with data makes a union column, which the Parquet writer does not
/// implement (it panics): the caller gets its value, and caching turns off.
#[test]
fn a_table_the_parquet_writer_cannot_store_never_costs_the_call() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    enum Size {
        Small(u8),
        Large { size: u64 },
    }
    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Item {
        id: u8,
        size: Size,
    }

    #[persist(cache = cache, ignore = [cache], serializer = perscache::Parquet)]
    fn items(cache: &Cache) -> Vec<Item> {
        CALLS.fetch_add(1, SeqCst);
        vec![Item {
            id: 1,
            size: Size::Large { size: 7 },
        }]
    }

    let cache = cache_in(&temp_dir());
    for _ in 0..3 {
        assert_eq!(items(&cache)[0].size, Size::Large { size: 7 });
    }
    assert_eq!(CALLS.load(SeqCst), 3);
}

/// JSON object keys are text: a map keyed by numbers is held, one keyed by
/// tuples cannot be written (caching turns off, the caller gets its value).
#[test]
fn json_maps_with_keys_that_are_not_text() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = cache, ignore = [cache], serializer = perscache::Json)]
    fn numbered(cache: &Cache, n: u32) -> BTreeMap<u32, Option<u32>> {
        CALLS.fetch_add(1, SeqCst);
        BTreeMap::from([(n, Some(n)), (n + 1, None)])
    }

    #[persist(cache = cache, ignore = [cache], serializer = perscache::Json)]
    fn paired(cache: &Cache, n: u8) -> BTreeMap<(u8, u8), u8> {
        CALLS.fetch_add(1, SeqCst);
        (0..n).map(|i| ((i, i), i)).collect()
    }

    let cache = cache_in(&temp_dir());
    for n in [1, 2, 1, 2] {
        assert_eq!(
            numbered(&cache, n),
            BTreeMap::from([(n, Some(n)), (n + 1, None)])
        );
    }
    assert_eq!(CALLS.swap(0, SeqCst), 2, "number keys are cached");
    for n in [0, 2, 2, 0] {
        assert_eq!(paired(&cache, n).len(), usize::from(n));
    }
    assert_eq!(CALLS.load(SeqCst), 4, "tuple keys turn caching off");
}

/// The binary format writes a `serde_json::Value` but cannot read it (it is
/// not self-describing). The first entry that fails to read has the next
/// write read back, which turns caching off for the function.
#[test]
fn a_type_the_binary_format_cannot_read_back_turns_caching_off() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = cache, ignore = [cache])]
    fn document(cache: &Cache) -> serde_json::Value {
        CALLS.fetch_add(1, SeqCst);
        json!({"a": [1, "two", null]})
    }

    let dir = temp_dir();
    let cache = cache_in(&dir);
    for _ in 0..4 {
        assert_eq!(document(&cache), json!({"a": [1, "two", null]}));
    }
    assert_eq!(
        CALLS.load(SeqCst),
        4,
        "never served from an entry it cannot read"
    );
    // Caching is off now: nothing is written any more.
    std::fs::remove_dir_all(&dir).expect("remove the entries");
    assert_eq!(document(&cache_in(&dir)), json!({"a": [1, "two", null]}));
    let entries = walk(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .count();
    assert_eq!(entries, 0, "an entry written after caching turned off");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                found.push(p);
            }
        }
    }
    found
}

/// A format of one's own that does not check while it encodes still has
/// each function's first write read back through `Codec::check`.
#[test]
fn a_format_of_ones_own_is_read_back_at_the_first_write() {
    use perscache::{Format, FormatError};

    /// Writes `None` and `Some("")` alike, and knows it: `check` compares.
    struct Lines;
    impl Format for Lines {
        fn name(&self) -> &str {
            "lines-test"
        }
        fn extension(&self) -> &str {
            "txt"
        }
        fn is_binary(&self) -> bool {
            false
        }
    }
    impl Codec<Vec<Option<String>>> for Lines {
        fn encode(
            &self,
            value: &Vec<Option<String>>,
            out: &mut Vec<u8>,
        ) -> Result<(), FormatError> {
            let lines: Vec<&str> = value.iter().map(|l| l.as_deref().unwrap_or("")).collect();
            out.extend_from_slice(lines.join("\n").as_bytes());
            Ok(())
        }
        fn decode(&self, bytes: &[u8]) -> Result<Vec<Option<String>>, FormatError> {
            let text = std::str::from_utf8(bytes).map_err(FormatError::new)?;
            Ok(text
                .split('\n')
                .map(|l| (!l.is_empty()).then(|| l.to_owned()))
                .collect())
        }
        fn check(&self, value: &Vec<Option<String>>, bytes: &[u8]) -> Result<(), FormatError> {
            if self.decode(bytes)? == *value {
                Ok(())
            } else {
                Err(FormatError::new("reads back different"))
            }
        }
    }

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = cache, ignore = [cache], serializer = Lines)]
    fn lines(cache: &Cache) -> Vec<Option<String>> {
        CALLS.fetch_add(1, SeqCst);
        vec![Some("a".into()), Some(String::new())]
    }

    let cache = cache_in(&temp_dir());
    for _ in 0..3 {
        assert_eq!(lines(&cache), [Some("a".to_string()), Some(String::new())]);
    }
    assert_eq!(CALLS.load(SeqCst), 3);
}
