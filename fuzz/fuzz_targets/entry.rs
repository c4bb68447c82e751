//! The entry frame: accepted only when exactly what sealing produces.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perscache_runtime::testing::fuzz::entry(data);
});
