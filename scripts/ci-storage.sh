#!/usr/bin/env bash
# The remote-storage CI step. Installs and starts the four test servers on
# 127.0.0.1 (moto for S3, fake-gcs-server for GCS, Azurite for Azure Blob,
# redis-server for Redis) and runs the remote storage tests against them.
#
#   bash scripts/ci-storage.sh            # install, start, test, stop (whatever happens)
#   bash scripts/ci-storage.sh start      # install and start; prints the env file to source
#   bash scripts/ci-storage.sh stop       # stop and remove the servers' state
#
# With `start`, source the printed file before the tests, so that a workspace-wide
# `cargo test --all-features` runs the remote tests against the servers:
#
#   env_file="$(bash scripts/ci-storage.sh start)"
#   trap 'bash scripts/ci-storage.sh stop' EXIT
#   set -a; . "$env_file"; set +a
#
# The env file sets PERSCACHE_TEST_REQUIRE_SERVERS=1: the tests fail, not skip,
# when a server is missing. Honours CARGO_TARGET_DIR and PERSCACHE_TEST_SERVERS_DIR.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
servers="$repo/scripts/test-servers"
export PERSCACHE_TEST_SERVERS_DIR="${PERSCACHE_TEST_SERVERS_DIR:-${TMPDIR:-/tmp}/perscache-test-servers}"

start() {
    bash "$servers/install.sh" >&2
    bash "$servers/start.sh" >&2
    echo "PERSCACHE_TEST_REQUIRE_SERVERS=1" >>"$PERSCACHE_TEST_SERVERS_DIR/env"
    echo "$PERSCACHE_TEST_SERVERS_DIR/env"
}

stop() {
    bash "$servers/stop.sh" --clean
}

case "${1:-run}" in
start) start ;;
stop) stop ;;
run)
    began=$(date +%s)
    trap stop EXIT
    env_file="$(start)"
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    cd "$repo"
    cargo test -p perscache-runtime --features s3,gcs,azure,redis,testing --test storage_remote
    cargo test -p perscache-runtime --features s3,gcs,azure,redis,testing --lib storage::
    echo "ci-storage: done in $(($(date +%s) - began)) s"
    ;;
*)
    echo "usage: ci-storage.sh [run|start|stop]" >&2
    exit 2
    ;;
esac
