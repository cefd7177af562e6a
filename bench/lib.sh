# Shared by the benchmark scripts: PostgreSQL binaries and a throwaway cluster.
# Source it from a script that has `set -euo pipefail` and is run from the workspace root.
#
#   bench_pg_bin             sets $pg_bin to the newest server .ci/setup-postgres.sh provides
#   bench_cluster_start      starts a cluster in $work, reachable only through a private socket
#                            ($socket_dir); sets $port, $psql (array) and a cleanup trap
#   bench_url DB             prints the URL of database DB on that cluster
#   bench_median             reads numbers on stdin, prints their median
#   bench_target_dir         sets $target_dir to cargo's target directory
#   bench_cli                builds cargo-schemalock in release mode; sets $cli (and $target_dir)

bench_log() { echo "bench: $*" >&2; }

bench_pg_bin() {
    if [ -n "${pg_bin:-}" ]; then return; fi
    if [ -z "${SCHEMALOCK_PG18_BIN:-}${SCHEMALOCK_PG16_BIN:-}${SCHEMALOCK_PG15_BIN:-}" ]; then
        eval "$(bash .ci/setup-postgres.sh)"
    fi
    local v var
    for v in 18 16 15; do
        var="SCHEMALOCK_PG${v}_BIN"
        if [ -n "${!var:-}" ] && [ -x "${!var}/initdb" ]; then
            pg_bin="${!var}"
            return
        fi
    done
    bench_log "no PostgreSQL found (run .ci/setup-postgres.sh or pass --pg-bin)"
    exit 2
}

bench_cluster_start() {
    work="$(mktemp -d "${TMPDIR:-/tmp}/schemalock-bench.XXXXXX")"
    # Reachable by nobody else: no TCP listener, and the only socket is in a directory of mode
    # 0700 (mktemp's) owned by the server's user; `trust` applies to that socket alone.
    socket_dir="$work/sock"
    mkdir -m 700 "$socket_dir"
    run_as=()
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses root; the server runs as `postgres`, like the test harness. Root
        # still reaches the socket.
        run_as=(runuser -u postgres --)
        chown postgres: "$work" "$socket_dir"
    fi
    # Only the number in the socket's name (.s.PGSQL.<port>): the directory is private.
    port=5432
    trap bench_cluster_stop EXIT
    bench_log "initdb ($pg_bin)"
    (cd "$work" && "${run_as[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres \
        --auth-local=trust --auth-host=reject --encoding=UTF8 --locale=C --no-sync >/dev/null)
    cat >>"$work/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$socket_dir'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
    (cd "$work" && "${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 start >/dev/null)
    psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres)
    bench_cluster_check_private
}

# Fails unless the server is as private as the rules say: no TCP listener, `trust` on no network
# address (every run checks, so a change to the settings above cannot slip through).
bench_cluster_check_private() {
    local listen open_rules
    listen="$("${psql[@]}" -d postgres -At -c "SHOW listen_addresses")"
    open_rules="$("${psql[@]}" -d postgres -At -c \
        "SELECT count(*) FROM pg_hba_file_rules WHERE type <> 'local' AND auth_method = 'trust'")"
    if [ -n "$listen" ] || [ "$open_rules" != 0 ]; then
        bench_log "the benchmark cluster is reachable from the network (listen_addresses='$listen', $open_rules trust rules for network addresses)"
        exit 2
    fi
}

# The URL of database $1 on the cluster, through its socket.
bench_url() {
    echo "postgres://postgres@/$1?host=$socket_dir&port=$port"
}

bench_cluster_stop() {
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
    if [ "${keep:-0}" = 1 ]; then
        bench_log "kept $work"
    else
        rm -rf "$work"
    fi
}

bench_median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_target_dir() {
    target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
}

bench_cli() {
    bench_log "cargo build --release -p cargo-schemalock"
    cargo build --release --quiet -p cargo-schemalock
    bench_target_dir
    cli="$target_dir/release/cargo-schemalock"
}
