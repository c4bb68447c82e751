//! Every diagnostic of `#[persist]`, one case each, with the compiler's output
//! pinned in `tests/ui/*.stderr` (the toolchain is pinned in
//! rust-toolchain.toml so they stay stable). Regenerate with
//! `TRYBUILD=overwrite cargo test --test compile_errors` and review the diff.

#[test]
fn diagnostics() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
