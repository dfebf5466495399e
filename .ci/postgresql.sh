# Sourced by .ci/run: a throw-away PostgreSQL server for the store's tests.
#
# Installs Debian's postgresql package when no server binaries are found (CI runs as root on
# Debian), creates a cluster in a temporary folder that listens on a unix socket only (no TCP
# port, nothing reachable from outside), creates an empty database and exports its URL as
# WDMONITOR_TEST_POSTGRESQL. wdmonitor_stop_postgresql stops the server and removes the folder;
# .ci/run calls it from its EXIT trap.

wdmonitor_start_postgresql() {
    local bin initdb_path
    initdb_path=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$initdb_path" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing Debian's postgresql package for the store's tests"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
            # the package's own post-install step may fail to start its default cluster where
            # there is no init system; the binaries are all these tests need
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || true
            initdb_path=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
        fi
        if [ -z "$initdb_path" ]; then
            echo "no PostgreSQL server binaries (apt-get install postgresql); the store's PostgreSQL tests need one" >&2
            return 1
        fi
    fi
    bin=$(dirname "$initdb_path")
    WDMONITOR_PG_DIR=$(mktemp -d /tmp/wdmonitor-pg.XXXXXX)
    local as=()
    if [ "$(id -u)" = 0 ]; then
        # the server refuses to run as root: the cluster belongs to the postgres user
        chown postgres "$WDMONITOR_PG_DIR"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$WDMONITOR_PG_DIR/data" -A trust -U postgres --no-sync -E UTF8 >"$WDMONITOR_PG_DIR/initdb.log"
    "${as[@]}" "$bin/pg_ctl" -D "$WDMONITOR_PG_DIR/data" -l "$WDMONITOR_PG_DIR/server.log" -w \
        -o "-c listen_addresses='' -k $WDMONITOR_PG_DIR -c fsync=off -c max_connections=60" start >/dev/null
    WDMONITOR_PG_BIN=$bin
    "$bin/createdb" -h "$WDMONITOR_PG_DIR" -U postgres wdmonitor_test
    export WDMONITOR_TEST_POSTGRESQL="postgresql://postgres@/wdmonitor_test?host=$WDMONITOR_PG_DIR"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the store's tests: $WDMONITOR_TEST_POSTGRESQL"
}

wdmonitor_stop_postgresql() {
    if [ -n "${WDMONITOR_PG_DIR:-}" ] && [ -d "$WDMONITOR_PG_DIR/data" ]; then
        local as=()
        [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
        "${as[@]}" "$WDMONITOR_PG_BIN/pg_ctl" -D "$WDMONITOR_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$WDMONITOR_PG_DIR"
    fi
}
