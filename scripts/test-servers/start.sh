#!/usr/bin/env bash
# Starts storage test servers on 127.0.0.1, creates the test bucket on each,
# and writes the variables the tests read to $PERSCACHE_TEST_SERVERS_DIR/env
# (source it with `set -a; . "$dir/env"; set +a`). A server already running is
# left alone; a restarted one gets its old port (and data, where it keeps any).
# Usage: start.sh [s3] [gcs] [azure] [redis]   (default: all; run install.sh first)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

launch() { # name, command...
    local name="$1"; shift
    # From the state folder, so the server's working folder outlives the caller's.
    (cd "$STATE" && exec nohup "$@" >>"$STATE/$name.log" 2>&1 </dev/null) &
    echo $! >"$STATE/$name.pid"
}

for s in $(servers_from_args "$@"); do
    port="$(port_of "$s")"
    if running "$s"; then continue; fi
    data="$STATE/$s.data"; mkdir -p "$data"
    case "$s" in
    s3)
        launch s3 "$PYTHON" "$SERVERS_HOME/moto-s3.py" 127.0.0.1 "$port" ;;
    gcs)
        launch gcs "$(fake_gcs_binary)" -scheme http -host 127.0.0.1 -port "$port" \
            -public-host "127.0.0.1:$port" -external-url "http://127.0.0.1:$port" \
            -backend filesystem -filesystem-root "$data" -log-level warn ;;
    azure)
        launch azure "$TOOLS/npm/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
            --location "$data" --silent --skipApiVersionCheck --loose --disableTelemetry ;;
    redis)
        launch redis redis-server --bind 127.0.0.1 --port "$port" --requirepass "$REDIS_PASSWORD" \
            --dir "$data" --save "" --appendonly no --daemonize no --protected-mode yes ;;
    *) log "unknown server $s (known: $ALL_SERVERS)"; exit 2 ;;
    esac
    wait_for_port "$s" "$port"
    case "$s" in
    s3) "$PYTHON" "$SERVERS_HOME/make-bucket.py" s3 "$port" "$BUCKET" ;;
    gcs) "$PYTHON" "$SERVERS_HOME/make-bucket.py" gcs "$port" "$BUCKET" ;;
    azure) "$PYTHON" "$SERVERS_HOME/make-bucket.py" azure "$port" "$BUCKET" "$AZURITE_ACCOUNT" "$AZURITE_KEY" ;;
    esac
    log "$s is up on 127.0.0.1:$port"
done

# The env file describes every server that has a port, running or not, so a
# test that stops one for an outage can still name it.
{
    echo "# Written by scripts/test-servers/start.sh"
    echo "PERSCACHE_TEST_SERVERS=$SERVERS_HOME"
    echo "PERSCACHE_TEST_SERVERS_DIR=$STATE"
    for s in $ALL_SERVERS; do
        [ -s "$STATE/$s.port" ] || continue
        port="$(cat "$STATE/$s.port")"
        case "$s" in
        s3)
            echo "PERSCACHE_TEST_S3_URL=s3://$BUCKET"
            echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
            echo "AWS_ACCESS_KEY_ID=perscache-test-key-id"
            echo "AWS_SECRET_ACCESS_KEY=perscache-test-secret-key"
            echo "AWS_REGION=us-east-1" ;;
        gcs)
            echo "PERSCACHE_TEST_GCS_URL=gs://$BUCKET"
            echo "STORAGE_EMULATOR_HOST=http://127.0.0.1:$port" ;;
        azure)
            echo "PERSCACHE_TEST_AZURE_URL=az://$BUCKET"
            echo "AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$port/$AZURITE_ACCOUNT;'" ;;
        redis)
            echo "PERSCACHE_TEST_REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$port/0" ;;
        esac
    done
} >"$STATE/env"
