#!/usr/bin/env bash
# The reliability checks of RELIABILITY.md.
#
#   scripts/reliability.sh          short versions (what CI runs, about a minute)
#   scripts/reliability.sh --long   long versions: 3000 SIGKILLs, 60 s of hammering,
#                                   100,000 mutated inputs per fuzz target, and
#                                   coverage-guided `cargo fuzz` runs
#
# FUZZ_TARGET_DIR sets cargo-fuzz's build folder. FUZZ_SECONDS overrides the time of each cargo-fuzz target (default: 0 short,
# 600 long). cargo-fuzz needs a nightly toolchain and `cargo install cargo-fuzz`;
# without them the coverage-guided runs are skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."

long=0
for arg in "$@"; do
    case "$arg" in
        --long) long=1 ;;
        -h | --help)
            sed -n '2,12p' "$0"
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (expected --long)" >&2
            exit 2
            ;;
    esac
done

if [ "$long" = 1 ]; then
    export PERSCACHE_RELIABILITY_LONG=1
    fuzz_seconds="${FUZZ_SECONDS:-600}"
else
    unset PERSCACHE_RELIABILITY_LONG
    fuzz_seconds="${FUZZ_SECONDS:-0}"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== storage unit tests and conformance (LocalStorage, MemoryStorage, SignedStorage)"
cargo test -p perscache-runtime --features testing --lib -- storage:: testing:: 2>&1 | tee -a "$log"

echo "== reliability tests ($([ "$long" = 1 ] && echo long || echo short))"
tests=()
for t in crash concurrency corruption environment security fuzz; do
    tests+=(--test "reliability_$t")
done
cargo test -p perscache-runtime --features testing,all-formats "${tests[@]}" -- --nocapture 2>&1 | tee -a "$log"

if [ "$fuzz_seconds" -gt 0 ]; then
    if cargo +nightly fuzz --version >/dev/null 2>&1; then
        for target in entry decode read_path; do
            echo "== cargo fuzz: $target for ${fuzz_seconds}s"
            fuzz_log="$(mktemp)"
            status=0
            # -malloc_limit_mb: a single allocation above it is a failure,
            # so a decoder that believes a hostile length is caught.
            (cd fuzz && cargo +nightly fuzz run -O ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} "$target" -- \
                -max_total_time="$fuzz_seconds" -malloc_limit_mb=256 -rss_limit_mb=4096 \
                -print_final_stats=1) >"$fuzz_log" 2>&1 || status=$?
            cat "$fuzz_log" >>"$log"
            grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)" "$fuzz_log" || true
            rm -f "$fuzz_log"
            if [ "$status" != 0 ]; then
                echo "cargo fuzz $target found a failure; see fuzz/artifacts/$target" >&2
                exit 1
            fi
        done
    else
        echo "== cargo fuzz skipped: needs a nightly toolchain and cargo-fuzz"
    fi
fi

echo "== figures"
grep -ho "RELIABILITY .*" "$log" | sed 's/^RELIABILITY /  /' || true
grep -h "stat::number_of_executed_units" "$log" | sed 's/^/  fuzz /' || true
