//! A table stored as Parquet and read back by another tool:
//! `cargo run --example parquet_table --features parquet`, twice.
//!
//! A function returning `Vec<Record>` of flat (or nested) serde records can
//! store its result as a standard `.parquet` file
//! (`serializer = perscache::Parquet`). The entry is the file itself, so
//! pandas, polars, DuckDB, Spark or the `parquet` crate open it as it is: this
//! example reads it back with the `parquet` crate, and prints a `pyarrow`
//! command that does the same.
//!
//! It prints `computed: …` each time the body runs, `result: …` for what it
//! got, and `parquet file: <path>` for the entry.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use perscache::{persist, Cache};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sale {
    day: String,
    store: String,
    units: u32,
    revenue: f64,
    discount: Option<f64>,
}

static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(cache_dir()).build());

fn cache_dir() -> PathBuf {
    perscache::default_dir().join("parquet-example")
}

/// Stands in for a slow query over a warehouse.
#[persist(cache = CACHE, serializer = perscache::Parquet)]
fn monthly_sales(month: &str) -> Vec<Sale> {
    println!("computed: the sales of {month}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let stores = ["Lisbon", "Porto", "Braga"];
    (0..300u32)
        .map(|i| Sale {
            day: format!("{month}-{:02}", i % 30 + 1),
            store: stores[(i % 3) as usize].to_owned(),
            units: i % 17 + 1,
            revenue: f64::from(i % 17 + 1) * 2.5,
            discount: i.is_multiple_of(5).then_some(0.1),
        })
        .collect()
}

/// The `.parquet` files under `dir`, at any depth.
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(parquet_files(&path));
        } else if path.extension().is_some_and(|e| e == "parquet") {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sales = monthly_sales("2026-11");
    let revenue: f64 = sales.iter().map(|s| s.revenue).sum();
    println!("result: {} sales, revenue {revenue:.2}", sales.len());

    // Another reader: the `parquet` crate, straight from the entry's file.
    for file in parquet_files(&cache_dir()) {
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file)?)?;
        let columns: Vec<String> = reader
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let mut rows = 0;
        for batch in reader.build()? {
            rows += batch?.num_rows();
        }
        println!("parquet file: {}", file.display());
        println!("result: the parquet crate reads {rows} rows, columns {columns:?}");
        println!(
            "  with pyarrow: python3 -c \"import pyarrow.parquet as pq; print(pq.read_table('{}'))\"",
            file.display()
        );
    }
    Ok(())
}
