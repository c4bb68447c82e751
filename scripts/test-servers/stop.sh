#!/usr/bin/env bash
# Stops test servers started by start.sh. Data is kept (for a restart) unless --clean.
# Usage: stop.sh [--clean] [s3] [gcs] [azure] [redis]   (default: all)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
clean=0
if [ "${1:-}" = "--clean" ]; then clean=1; shift; fi
for s in $(servers_from_args "$@"); do
    pidfile="$STATE/$s.pid"
    if [ -f "$pidfile" ]; then
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    fi
    if [ "$clean" = 1 ]; then rm -rf "$STATE/$s.data" "$STATE/$s.port" "$STATE/$s.log"; fi
done
if [ "$clean" = 1 ] && [ "$#" -eq 0 ]; then rm -rf "$STATE"; fi
exit 0
