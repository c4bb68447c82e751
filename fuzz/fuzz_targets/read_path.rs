//! The whole read path through the cache: a stored entry of any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perscache_runtime::testing::fuzz::read_path(data);
});
