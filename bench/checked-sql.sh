#!/usr/bin/env bash
# Checked SQL's build cost: `cargo check` of a crate with N statements run through sqlx, three
# ways side by side (bench/checked_sql.py): plain string literals, `schemalock::sql!` (checked
# against the snapshot, offline) and sqlx's `query!` in offline mode (SQLX_OFFLINE=true, its
# `.sqlx` data generated once, here, against a private local cluster). Goal: sql! <= 0.5x sqlx.
#
# Usage:
#   bench/checked-sql.sh                       # 200 statements over 20 tables, 5 runs, medians
#   bench/checked-sql.sh --statements 200 --runs 7
#   bench/checked-sql.sh --smoke               # 10 statements, 1 run, no goal: what CI runs
#
# Last lines: `result checked_sql way=clean|incremental statements=N ... sql_over_sqlx=...`.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

statements=200
tables=20
runs=5
smoke=0
keep=0
pg_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --statements) statements="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --smoke) statements=10; tables=2; runs=1; smoke=1; shift ;;
        --pg-bin) pg_bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "checked-sql.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

bench_pg_bin
bench_cli
out="$target_dir/bench/checked-sql"
mkdir -p "$out"

bench_cluster_start
"${psql[@]}" -d postgres -c "CREATE DATABASE sql_bench" >/dev/null
python3 bench/gen.py schema "$tables" | "${psql[@]}" -d sql_bench >/dev/null
url="$(bench_url sql_bench)"
"$cli" schemalock refresh --quiet --database-url "$url" --snapshot "$out/snapshot.json"
debug_macros=()
if [ "$smoke" = 1 ]; then debug_macros=(--debug-macros); fi
python3 bench/checked_sql.py write --statements "$statements" --tables "$tables" \
    --out "$out" --snapshot "$out/snapshot.json" "${debug_macros[@]}"

# sqlx's offline data, once: an online build writes one file per query into SQLX_OFFLINE_DIR
# (what `cargo sqlx prepare` does). Timed builds then read it with SQLX_OFFLINE=true.
rm -rf "$out/sqlx/.sqlx"
mkdir -p "$out/sqlx/.sqlx"
bench_log "sqlx: generating .sqlx against the private cluster"
# sqlx's URL parser wants a host before the socket directory given as `host=`.
sqlx_url="postgres://postgres@localhost:$port/sql_bench?host=$socket_dir"
(cd "$out/sqlx" && touch src/lib.rs && DATABASE_URL="$sqlx_url" SQLX_OFFLINE=false \
    SQLX_OFFLINE_DIR="$out/sqlx/.sqlx" CARGO_TARGET_DIR="$out/target" cargo check --quiet)
found="$(find "$out/sqlx/.sqlx" -name 'query-*.json' | wc -l)"
if [ "$found" != "$statements" ]; then
    bench_log "sqlx wrote $found query files for $statements statements"
    exit 2
fi
bench_cluster_stop
trap - EXIT

python3 bench/checked_sql.py time --statements "$statements" --out "$out" --runs "$runs" \
    | tee "$out/result.txt"
if [ "$smoke" = 0 ]; then
    missed=0
    for way in clean incremental; do
        ratio="$(sed -n "s/.*way=$way .*sql_over_sqlx=\([0-9.]*\).*/\1/p" "$out/result.txt")"
        if awk -v r="$ratio" 'BEGIN { exit !(r > 0.5) }'; then
            bench_log "goal missed ($way): sql! takes ${ratio}x sqlx offline (goal <= 0.5x)"
            missed=1
        fi
    done
    exit "$missed"
fi
