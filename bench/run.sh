#!/usr/bin/env bash
# Every benchmark, side by side in one run, then BENCHMARKS.md written from the results.
#
# Usage:
#   bench/run.sh            # the full run (about an hour on 2 cores; diesel dominates)
#   bench/run.sh --smoke    # every part at its smallest size, no goals, no BENCHMARKS.md: what
#                           # CI runs so the harness cannot rot
#
# Parts: bench/build-cost.sh (cargo check of plain, schemalock, diesel and sqlx model crates for
# 100, 500 and 1,000 tables; snapshot load; one derive's fixed cost), bench/introspection.sh
# (refresh and check against pg_dump --schema-only on 1,000 tables, on PostgreSQL 18 and 16) and
# bench/verify.sh (startup verification of 100 models) and bench/checked-sql.sh (cargo check of
# 200 statements: plain, sql!, sqlx query! offline). Results: $target/bench/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

smoke=0
case "${1:-}" in
    --smoke) smoke=1 ;;
    "") ;;
    *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac
if [ -z "${SCHEMALOCK_PG18_BIN:-}${SCHEMALOCK_PG16_BIN:-}${SCHEMALOCK_PG15_BIN:-}" ]; then
    eval "$(bash .ci/setup-postgres.sh)"
fi
bench_target_dir
mkdir -p "$target_dir/bench"
results="$target_dir/bench/results.txt"
: >"$results"

section() { echo "section $*" >>"$results"; }
# Passes every line through and appends the `result` lines to $results. (Not `tee /dev/stderr`:
# opening /dev/stderr anew truncates it when it is a file, such as a CI log.)
keep_results() {
    local line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        case "$line" in
            "result "*) printf '%s\n' "$line" >>"$results" ;;
        esac
    done
}
# A missed goal exits 1; here that is a figure to report, not a reason to stop.
part() { { bash "$@" || echo "result exit=$? part=$1"; } 2>&1 | keep_results; }

{
    echo "machine nproc=$(nproc) memory=$(free -g | awk '/^Mem:/ { print $2 }')GiB cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1 | tr ' ' '_')"
    echo "versions rustc=$(rustc --version | cut -d' ' -f2) cargo=$(cargo --version | cut -d' ' -f2) date=$(date -u +%Y-%m-%d)"
} >>"$results"

if [ "$smoke" = 1 ]; then
    section build_cost
    part bench/build-cost.sh --smoke
    section introspection
    part bench/introspection.sh --smoke
    section verify
    part bench/verify.sh --models 10 --runs 3 --smoke
    section checked_sql
    part bench/checked-sql.sh --smoke
    if grep -q '^result exit=' "$results"; then
        echo "run.sh: a part failed" >&2
        exit 1
    fi
    echo "run.sh: smoke pass done ($(grep -c '^result' "$results") results)"
    exit 0
fi

section build_cost
part bench/build-cost.sh --sizes 100,500,1000 --runs 3
for v in 18 16; do
    var="SCHEMALOCK_PG${v}_BIN"
    section "introspection pg=$v"
    part bench/introspection.sh --runs 11 --pg-bin "${!var}"
done
section verify
part bench/verify.sh --models 100 --runs 21
section checked_sql
part bench/checked-sql.sh --statements 200 --runs 5
cp "$target_dir/bench/build-cost/build-cost.png" bench/build-cost.png 2>/dev/null || true
python3 bench/report.py "$results" bench/BENCHMARKS.in.md BENCHMARKS.md
echo "run.sh: wrote BENCHMARKS.md"
