#!/usr/bin/env bash
# Startup verification speed: schemalock::verify over N compiled models against a local server.
#
# Usage:
#   bench/verify.sh                 # 100 models, 21 timed calls, median (goal: under 50 ms)
#   bench/verify.sh --models 10 --runs 3 --smoke
#
# Generates N tables (bench/gen.py), loads them into a throwaway cluster, refreshes a snapshot
# with `cargo schemalock refresh`, generates a crate of N `#[derive(Table)]` models checked
# against it, builds it in release mode and times `verify::postgres_only` over all of them on
# one connection (each call reads the catalogs afresh: nothing is cached).
# Last line: `result models=N runs=R median_ms=... goal_ms=50 met=yes|no`.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

models=100
runs=21
goal=50
smoke=0
keep=0
pg_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --models) models="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --smoke) smoke=1; shift ;;
        --pg-bin) pg_bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "verify.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

bench_pg_bin
bench_cli

bench_cluster_start
"${psql[@]}" -d postgres -c "CREATE DATABASE bench" >/dev/null
python3 bench/gen.py schema "$models" >"$work/schema.sql"
"${psql[@]}" -d bench -f "$work/schema.sql" >/dev/null
url="$(bench_url bench)"
"$cli" schemalock refresh --quiet --database-url "$url" --snapshot "$work/schemalock.json"

crate="$target_dir/bench/verify-$models"
python3 bench/gen.py crate schemalock "$models" "$crate" --snapshot "$work/schemalock.json" \
    --schemalock "$PWD" --verify
bench_log "cargo build --release (the $models models)"
(cd "$crate" && CARGO_TARGET_DIR="$target_dir/bench/target" cargo build --release --quiet)
binary="$target_dir/bench/target/release/bench-models-schemalock"

line="$(DATABASE_URL="$url" RUNS="$runs" "$binary")"
echo "$line"
median="$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
met="$(awk -v m="$median" -v g="$goal" 'BEGIN { print (m < g) ? "yes" : "no" }')"
echo "result models=$models runs=$runs median_ms=$median goal_ms=$goal met=$met"
if [ "$smoke" = 0 ] && [ "$met" != yes ]; then
    exit 1
fi
