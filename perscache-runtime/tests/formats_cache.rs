//! The formats inside the cache: `#[persist(serializer = ...)]` and a
//! Cache's default format, the files they leave, and readers other than the
//! ones that wrote them (Python's json, yaml and csv modules; the `parquet`
//! crate's row reader, and pyarrow where installed).
#![cfg(all(
    feature = "yaml",
    feature = "msgpack",
    feature = "cbor",
    feature = "csv",
    feature = "parquet",
    feature = "zstd"
))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use perscache::arrow_array::RecordBatch;
use perscache::{persist, Cache, Cbor, Zstd};
use serde::{Deserialize, Serialize};
use serde_json::json;

fn temp_dir() -> PathBuf {
    // Under Cargo's scratch folder (`target/tmp`): statics keep caches built
    // on it, so it is never removed, and must not pile up in `/tmp`.
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep()
}

/// A cache on a fresh folder, strict so that any cache failure panics.
fn cache_in(dir: &Path) -> Cache {
    Cache::builder().dir(dir).strict(true).build()
}

/// The one entry with `extension` under `dir`.
fn entry(dir: &Path, extension: &str) -> PathBuf {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(&format!(".{extension}")) {
                found.push(p);
            }
        }
    }
    assert_eq!(
        found.len(),
        1,
        "entries .{extension} under {}: {found:?}",
        dir.display()
    );
    found.remove(0)
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Settings {
    name: String,
    retries: u32,
    ratio: f64,
    verbose: bool,
    tags: Vec<String>,
    limits: std::collections::BTreeMap<String, i64>,
    parent: Option<String>,
    mode: Mode,
    modes: Vec<Mode>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Mode {
    Off,
    Fixed(f64),
    Range { low: i32, high: i32 },
}

fn settings() -> Settings {
    Settings {
        name: "ünïcode: \"quoted\", yes".into(),
        retries: 3,
        ratio: 0.25,
        verbose: true,
        tags: vec![
            "a".into(),
            "no".into(),
            "1.0".into(),
            "1:20".into(),
            "2024-03-01".into(),
            "~".into(),
            String::new(),
            " lead".into(),
            "two\nlines".into(),
            "On".into(),
        ],
        limits: [("cpu".to_string(), 4), ("memory".to_string(), -1)].into(),
        parent: None,
        mode: Mode::Range { low: -1, high: 1 },
        modes: vec![
            Mode::Off,
            Mode::Fixed(1e300),
            Mode::Range { low: 0, high: 2 },
        ],
    }
}

fn settings_json() -> serde_json::Value {
    json!({
        "name": "ünïcode: \"quoted\", yes",
        "retries": 3,
        "ratio": 0.25,
        "verbose": true,
        "tags": ["a", "no", "1.0", "1:20", "2024-03-01", "~", "", " lead", "two\nlines", "On"],
        "limits": {"cpu": 4, "memory": -1},
        "parent": null,
        "mode": {"Range": {"low": -1, "high": 1}},
        "modes": ["Off", {"Fixed": 1e300}, {"Range": {"low": 0, "high": 2}}],
    })
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Reading {
    sensor: String,
    day: NaiveDate,
    at: DateTime<Utc>,
    local: NaiveDateTime,
    value: Option<f64>,
}

fn readings() -> Vec<Reading> {
    let at = |ms| Utc.timestamp_millis_opt(ms).single().expect("valid");
    vec![
        Reading {
            sensor: "north, roof".into(),
            day: NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid"),
            at: at(1_709_296_245_123),
            local: at(1_709_296_245_123).naive_utc(),
            value: Some(1.5),
        },
        Reading {
            sensor: "south".into(),
            day: NaiveDate::from_ymd_opt(2024, 3, 1).expect("valid"),
            at: at(1_709_300_000_000),
            local: at(1_709_300_000_000).naive_utc(),
            value: None,
        },
    ]
}

/// Runs a Python script with `args`; `None` (after saying why) when Python
/// or a module it imports is missing, so the test skips instead of failing.
fn python(script: &str, args: &[&Path]) -> Option<serde_json::Value> {
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("SKIPPED: python3 is not available ({e}); install it to check entries with a second reader");
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ModuleNotFoundError") {
        eprintln!(
            "SKIPPED: {} (pip install pyyaml pyarrow)",
            stderr.trim().lines().last().unwrap_or_default()
        );
        return None;
    }
    assert!(out.status.success(), "python failed: {stderr}");
    Some(serde_json::from_slice(&out.stdout).expect("python prints JSON"))
}

#[test]
fn yaml_json_and_csv_entries_are_read_by_pythons_own_modules() {
    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&DIR));
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = perscache::Yaml)]
    fn as_yaml() -> Settings {
        CALLS.fetch_add(1, SeqCst);
        settings()
    }

    #[persist(cache = CACHE, serializer = perscache::Json::pretty())]
    fn as_json() -> Settings {
        CALLS.fetch_add(1, SeqCst);
        settings()
    }

    #[persist(cache = CACHE, serializer = perscache::Csv)]
    fn as_csv() -> Vec<Reading> {
        CALLS.fetch_add(1, SeqCst);
        readings()
    }

    for _ in 0..2 {
        assert_eq!(as_yaml(), settings());
        assert_eq!(as_json(), settings());
        assert_eq!(as_csv(), readings());
    }
    assert_eq!(
        CALLS.load(SeqCst),
        3,
        "each function ran once, then was served"
    );

    let yaml = entry(&DIR, "yaml");
    let text = std::fs::read_to_string(&yaml).expect("yaml is text");
    assert!(text.starts_with("name: "), "{text}");
    let json_file = entry(&DIR, "json");
    let csv_file = entry(&DIR, "csv");
    let csv_text = std::fs::read_to_string(&csv_file).expect("csv is text");
    assert!(
        csv_text.starts_with("sensor,day,at,local,value\n"),
        "{csv_text}"
    );

    let Some(read) = python(
        r#"
import csv, json, sys
import yaml
# Enum variants with data are tagged (`!Fixed 1.5`); read them as one-key maps.
def variant(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return {suffix: loader.construct_mapping(node, deep=True)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: yaml.safe_load(node.value)}
yaml.SafeLoader.add_multi_constructor("!", variant)
with open(sys.argv[1], encoding="utf-8") as f:
    from_yaml = yaml.safe_load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    from_json = json.load(f)
with open(sys.argv[3], newline="", encoding="utf-8") as f:
    from_csv = list(csv.DictReader(f))
print(json.dumps({"yaml": from_yaml, "json": from_json, "csv": from_csv}))
"#,
        &[&yaml, &json_file, &csv_file],
    ) else {
        return;
    };
    assert_eq!(read["yaml"], settings_json(), "PyYAML reads the YAML entry");
    assert_eq!(
        read["json"],
        settings_json(),
        "Python's json reads the JSON entry"
    );
    assert_eq!(
        read["csv"],
        json!([
            {"sensor": "north, roof", "day": "2024-02-29", "at": "2024-03-01T12:30:45.123Z",
             "local": "2024-03-01T12:30:45.123", "value": "1.5"},
            {"sensor": "south", "day": "2024-03-01", "at": "2024-03-01T13:33:20Z",
             "local": "2024-03-01T13:33:20", "value": ""},
        ]),
        "Python's csv reads the CSV entry"
    );
}

#[test]
fn parquet_entries_are_read_by_a_second_reader() {
    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&DIR));
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = perscache::Parquet)]
    fn table() -> Vec<Reading> {
        CALLS.fetch_add(1, SeqCst);
        readings()
    }

    assert_eq!(table(), readings());
    assert_eq!(table(), readings());
    assert_eq!(CALLS.load(SeqCst), 1);

    let path = entry(&DIR, "parquet");
    let bytes = std::fs::read(&path).expect("readable");
    assert_eq!(&bytes[..4], b"PAR1", "a bare Parquet file, not framed");

    // The parquet crate's row API: a reader that does not go through Arrow
    // or serde_arrow.
    let reader = SerializedFileReader::new(std::fs::File::open(&path).expect("open"))
        .expect("a Parquet file");
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("readable rows");
    assert_eq!(rows.len(), 2);
    let expected = readings();
    for (row, want) in rows.iter().zip(&expected) {
        for (name, field) in row.get_column_iter() {
            match (name.as_str(), field) {
                ("sensor", Field::Str(s)) => assert_eq!(*s, want.sensor),
                ("day", Field::Date(days)) => {
                    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid");
                    assert_eq!(i64::from(*days), (want.day - epoch).num_days())
                }
                ("at", Field::TimestampMillis(ms)) => assert_eq!(*ms, want.at.timestamp_millis()),
                ("local", Field::TimestampMillis(ms)) => {
                    assert_eq!(*ms, want.local.and_utc().timestamp_millis())
                }
                ("value", Field::Double(v)) => assert_eq!(Some(*v), want.value),
                ("value", Field::Null) => assert_eq!(None, want.value),
                (name, field) => panic!("unexpected column {name}: {field:?}"),
            }
        }
    }

    let Some(read) = python(
        r#"
import json, sys
import pyarrow.parquet as pq
table = pq.read_table(sys.argv[1])
rows = table.to_pylist()
for r in rows:
    r["day"] = r["day"].isoformat()
    r["at"] = r["at"].isoformat()
    r["local"] = r["local"].isoformat()
print(json.dumps({"types": {f.name: str(f.type) for f in table.schema}, "rows": rows}))
"#,
        &[&path],
    ) else {
        return;
    };
    assert_eq!(read["types"]["day"], "date32[day]");
    assert_eq!(read["rows"][0]["day"], "2024-02-29");
    assert_eq!(read["types"]["at"], "timestamp[ms, tz=UTC]");
    assert_eq!(read["types"]["local"], "timestamp[ms]");
    assert_eq!(read["rows"][0]["at"], "2024-03-01T12:30:45.123000+00:00");
    assert_eq!(read["rows"][1]["value"], serde_json::Value::Null);
    assert_eq!(read["rows"][0]["sensor"], "north, roof");
}

#[test]
fn record_batches_keep_zones_and_nulls() {
    use perscache::arrow_array::{ArrayRef, StringArray, TimestampNanosecondArray};
    use std::sync::Arc;

    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&DIR));
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn batch() -> RecordBatch {
        let at: ArrayRef = Arc::new(
            TimestampNanosecondArray::from(vec![Some(1_709_296_245_123_456_789), None])
                .with_timezone("+05:30"),
        );
        let name: ArrayRef = Arc::new(StringArray::from(vec![None, Some("b")]));
        RecordBatch::try_from_iter(vec![("at", at), ("name", name)]).expect("valid batch")
    }

    #[persist(cache = CACHE, serializer = perscache::Parquet)]
    fn frame() -> RecordBatch {
        CALLS.fetch_add(1, SeqCst);
        batch()
    }

    assert_eq!(frame(), batch());
    assert_eq!(frame(), batch());
    assert_eq!(CALLS.load(SeqCst), 1);
}

#[test]
fn compressed_entries_record_it_in_their_header() {
    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&DIR));
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = perscache::Json.compressed())]
    fn big() -> Vec<String> {
        CALLS.fetch_add(1, SeqCst);
        vec!["the same words again".to_string(); 500]
    }

    assert_eq!(big().len(), 500);
    assert_eq!(big().len(), 500);
    assert_eq!(CALLS.load(SeqCst), 1);

    let bytes = std::fs::read(entry(&DIR, "json.zst")).expect("readable");
    assert_eq!(&bytes[..4], b"PCS\x01");
    assert_eq!(bytes[5], 1, "the zstd flag");
    assert!(bytes.len() < 200, "{} bytes", bytes.len());
    let json =
        zstd::stream::decode_all(&bytes[32..]).expect("a standard zstd stream after the header");
    let back: Vec<String> = serde_json::from_slice(&json).expect("JSON inside");
    assert_eq!(back.len(), 500);
}

macro_rules! default_format {
    ($test:ident, $format:expr, $extension:literal) => {
        #[test]
        fn $test() {
            static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
            static CACHE: LazyLock<Cache> = LazyLock::new(|| {
                Cache::builder()
                    .dir(&*DIR)
                    .format($format)
                    .strict(true)
                    .build()
            });
            static CALLS: AtomicUsize = AtomicUsize::new(0);

            #[persist(cache = CACHE)]
            fn data() -> Settings {
                CALLS.fetch_add(1, SeqCst);
                settings()
            }

            assert_eq!(data(), settings());
            assert_eq!(data(), settings());
            assert_eq!(CALLS.load(SeqCst), 1);
            entry(&DIR, $extension);
        }
    };
}

default_format!(default_yaml, perscache::Yaml, "yaml");
default_format!(default_msgpack, perscache::MessagePack, "msgpack");
default_format!(default_cbor_zstd, Zstd::new(Cbor), "cbor.zst");
default_format!(
    default_from_configuration,
    "yaml+zstd"
        .parse::<perscache::AnyFormat>()
        .expect("a format"),
    "yaml.zst"
);

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Deep {
    id: u32,
    inner: Settings,
}

#[test]
fn a_table_csv_cannot_hold_fails_the_first_write_naming_format_and_type() {
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&temp_dir()));

    #[persist(cache = CACHE, serializer = perscache::Csv)]
    fn nested() -> Vec<Deep> {
        vec![Deep {
            id: 1,
            inner: settings(),
        }]
    }

    let panic = std::panic::catch_unwind(nested).expect_err("strict mode panics on the failure");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("format `csv` cannot handle `alloc::vec::Vec<formats_cache::Deep>`"),
        "{message}"
    );
}

#[test]
fn a_value_a_format_would_change_turns_caching_off_and_is_never_served_changed() {
    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    // Not strict: the failure is a warning, and the function keeps running.
    static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(&*DIR).build());
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = perscache::Json)]
    fn maybe() -> Option<Option<u8>> {
        CALLS.fetch_add(1, SeqCst);
        Some(None)
    }

    assert_eq!(maybe(), Some(None));
    assert_eq!(maybe(), Some(None), "JSON would have read back `None`");
    assert_eq!(CALLS.load(SeqCst), 2, "caching is off for this function");
    assert!(
        std::fs::read_dir(&*DIR).map(|d| d.count()).unwrap_or(0) <= 1,
        "no entry written"
    );
}

/// Python perscache's `make_serializer`: two closures, a name, an extension.
const LINES: perscache::FnCustom<Vec<String>> = perscache::Custom::new_text(
    "lines-v1",
    "txt",
    |v: &Vec<String>| Ok(v.join("\n").into_bytes()),
    |b: &[u8]| Ok(std::str::from_utf8(b)?.lines().map(String::from).collect()),
);

#[test]
fn a_custom_format_from_two_closures() {
    static DIR: LazyLock<PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| cache_in(&DIR));
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = LINES)]
    fn names(n: usize) -> Vec<String> {
        CALLS.fetch_add(1, SeqCst);
        (0..n).map(|i| format!("name {i}")).collect()
    }

    assert_eq!(names(3), ["name 0", "name 1", "name 2"]);
    assert_eq!(names(3).len(), 3);
    assert_eq!(CALLS.load(SeqCst), 1);
    let text = std::fs::read_to_string(entry(&DIR, "txt")).expect("a bare text entry");
    assert_eq!(text, "name 0\nname 1\nname 2");
}
