#!/usr/bin/env bash
# The remote-storage CI step: installs and starts the four test servers on
# 127.0.0.1 (moto for S3, fake-gcs-server for GCS, Azurite for Azure Blob,
# redis-server for Redis), runs the remote storage tests against them with
# every backend feature on, and stops the servers whatever happens.
#
#   bash scripts/ci-storage.sh            # from the repository root, or anywhere
#
# Honours CARGO_TARGET_DIR. Missing servers make the tests fail here (not skip):
# PERSCACHE_TEST_REQUIRE_SERVERS=1.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
servers="$repo/scripts/test-servers"
export PERSCACHE_TEST_SERVERS_DIR="${PERSCACHE_TEST_SERVERS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/perscache-ci-servers.XXXXXX")}"

started=$(date +%s)
bash "$servers/install.sh"
trap 'bash "$servers/stop.sh" --clean' EXIT
bash "$servers/start.sh"

set -a
# shellcheck disable=SC1091
. "$PERSCACHE_TEST_SERVERS_DIR/env"
set +a
export PERSCACHE_TEST_REQUIRE_SERVERS=1

cd "$repo"
cargo test -p perscache-runtime --features s3,gcs,azure,redis --test storage_remote -- --test-threads=4
cargo test -p perscache-runtime --features s3,gcs,azure,redis --lib storage::
echo "ci-storage: done in $(( $(date +%s) - started )) s"
