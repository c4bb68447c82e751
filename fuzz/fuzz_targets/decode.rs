//! Every format's decoder (and CSV, Parquet) on raw bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perscache_runtime::testing::fuzz::decode(data);
});
