#!/usr/bin/env bash
# Runs every example of the `perscache` crate twice and checks that the second
# run is served from the cache: the examples print `computed: …` when a
# function body runs and `result: …` for what the caller got, so the first run
# must print `computed:`, the second must not, and both must print the same
# `result:` lines.
#
#   bash scripts/examples.sh              # build the examples once, then run them
#
# Each run of this script starts from empty caches: the examples' local folders
# live under a fresh temporary folder (TMPDIR, XDG_CACHE_HOME and PERSCACHE_DIR
# point into it), and the remote example writes under a prefix of its own.
#
# The remote example (`shared_remote`) runs against the test servers when their
# variables are set (`env_file="$(bash scripts/ci-storage.sh start)"; set -a;
# . "$env_file"; set +a`); without them it is skipped with a message, unless
# PERSCACHE_TEST_REQUIRE_SERVERS=1 (CI), where a missing server is a failure.
# Honours CARGO_TARGET_DIR.
set -euo pipefail

# The examples' own switches, and perscache's configuration, come from this
# script only: a DEBUG or PERSCACHE_URL set by the caller's environment (some CI
# systems set DEBUG) would change what is checked.
unset DEBUG CACHE_BUCKET_URL S3_CACHE_URL REDIS_CACHE_URL PERSCACHE PERSCACHE_URL \
    PERSCACHE_CONFIG PERSCACHE_FORMAT PERSCACHE_TTL PERSCACHE_MAX_SIZE \
    PERSCACHE_MEMORY_TIER PERSCACHE_STRICT PERSCACHE_SECRET PERSCACHE_REFRESH

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac

# One cargo invocation for every example, with every feature any of them needs.
cargo build -p perscache --examples --all-features
bin="$target/debug/examples"

work="$(mktemp -d "${TMPDIR:-/tmp}/perscache-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/xdg" "$work/cache"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run NAME [VAR=value...]: runs the example once in the isolated environment,
# printing its output and keeping it in $work/NAME.N.out.
run() {
    local name="$1" n="$2"
    shift 2
    (
        cd "$work"
        env TMPDIR="$work/tmp" XDG_CACHE_HOME="$work/xdg" PERSCACHE_DIR="$work/cache" "$@" \
            "$bin/$name"
    ) >"$work/$name.$n.out" 2>"$work/$name.$n.err" || {
        fail "$name (run $n) exited with $?"
        cat "$work/$name.$n.err" >&2
    }
    sed "s/^/    /" "$work/$name.$n.out"
}

# twice NAME [VAR=value...]: the first run computes, the second is served
# from the cache and returns the same results.
twice() {
    local name="$1"
    shift
    echo "== $name"
    run "$name" 1 "$@"
    run "$name" 2 "$@"
    if ! grep -q '^computed:' "$work/$name.1.out"; then
        fail "$name: the first run computed nothing (was the cache not empty?)"
    fi
    if grep -q '^computed:' "$work/$name.2.out"; then
        fail "$name: the second run computed again instead of reading the cache:"
        grep '^computed:' "$work/$name.2.out" >&2
    fi
    if ! grep -q '^result:' "$work/$name.1.out"; then
        fail "$name: no result printed"
    fi
    if ! diff <(grep '^result:' "$work/$name.1.out") <(grep '^result:' "$work/$name.2.out") >&2; then
        fail "$name: the second run returned other results than the first"
    fi
}

twice quickstart
twice paid_api
twice async_tokio
twice methods
twice ignore_args
twice data_store
twice inspect_entries
twice custom_format
twice parquet_table

# Another reader of the Parquet entry, when pyarrow is installed (CI installs it).
parquet_file="$(sed -n 's/^parquet file: //p' "$work/parquet_table.1.out" | head -n 1)"
if [ -z "$parquet_file" ] || [ ! -f "$parquet_file" ]; then
    fail "parquet_table: printed no parquet file"
elif python3 -c 'import pyarrow' 2>/dev/null; then
    rows="$(python3 -c 'import sys, pyarrow.parquet as pq; print(pq.read_table(sys.argv[1]).num_rows)' "$parquet_file")"
    expected="$(sed -n 's/^result: \([0-9]*\) sales.*/\1/p' "$work/parquet_table.1.out")"
    if [ "$rows" = "$expected" ]; then
        echo "    pyarrow reads $rows rows"
    else
        fail "parquet_table: pyarrow reads $rows rows, the example returned $expected"
    fi
else
    echo "    (pyarrow is not installed: the Parquet file was read by the parquet crate only)"
fi

# Switching environments: a laptop's folder caches; DEBUG turns caching off.
twice environments
echo "== environments with DEBUG=1"
run environments debug1 DEBUG=1
run environments debug2 DEBUG=1
for n in debug1 debug2; do
    grep -q '^computed:' "$work/environments.$n.out" ||
        fail "environments: with DEBUG=1 run $n served a result from a cache"
done

# The shared caches, against the test servers. A prefix per run of this script,
# so the first run starts empty even though the servers keep their data.
stamp="examples-$(date +%s)-$$"
if [ -n "${PERSCACHE_TEST_S3_URL:-}" ] && [ -n "${PERSCACHE_TEST_REDIS_URL:-}" ]; then
    remote=(S3_CACHE_URL="$PERSCACHE_TEST_S3_URL/$stamp" REDIS_CACHE_URL="$PERSCACHE_TEST_REDIS_URL?prefix=$stamp:")
    twice shared_remote "${remote[@]}"
    # A bucket in CI: the S3 test server.
    twice environments CACHE_BUCKET_URL="$PERSCACHE_TEST_S3_URL/$stamp-env"
    grep -q '^config: the shared bucket' "$work/environments.1.out" ||
        fail "environments: CACHE_BUCKET_URL was not used"
elif [ "${PERSCACHE_TEST_REQUIRE_SERVERS:-}" = 1 ]; then
    fail "shared_remote: PERSCACHE_TEST_REQUIRE_SERVERS=1 but PERSCACHE_TEST_S3_URL or PERSCACHE_TEST_REDIS_URL is not set"
else
    echo "== shared_remote: skipped (the test servers' variables are not set; run"
    echo "   \`env_file=\"\$(bash scripts/ci-storage.sh start)\"; set -a; . \"\$env_file\"; set +a\` first)"
fi

if [ "$failures" -ne 0 ]; then
    echo "examples: $failures failure(s)" >&2
    exit 1
fi
echo "examples: every example ran twice; every second run was served from the cache"
