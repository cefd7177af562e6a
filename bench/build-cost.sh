#!/usr/bin/env bash
# Build cost of the checks: `cargo check` of four model crates for the same N-table schema,
# side by side: (a) plain structs, (b) schemalock derives, (c) diesel table! + Selectable with
# check_for_backend(Pg), (d) sqlx FromRow + Type. Plus the snapshot load time and the fixed
# cost of one derive against the largest snapshot.
#
# Usage:
#   bench/build-cost.sh                        # N = 100, 500, 1000; 3 runs each, medians
#   bench/build-cost.sh --sizes 100,500 --runs 5
#   bench/build-cost.sh --smoke                # N = 10, 1 run, no goals: what CI runs
#
# Results go to $target/bench/build-cost/ (build-cost.json, build-cost.png when matplotlib can
# be installed). Last lines: `result build_cost n=... b_over_a=... b_over_c=... b_over_d=...`,
# `result load ...`, `result one_model ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

sizes="100,500,1000"
runs=3
smoke=0
keep=0
pg_bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --smoke) sizes=10; runs=1; smoke=1; shift ;;
        --pg-bin) pg_bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-cost.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

bench_pg_bin
bench_cli
bench_log "cargo build --release --example load_snapshot"
cargo build --release --quiet -p schemalock-runtime --example load_snapshot
out="$target_dir/bench/build-cost"
mkdir -p "$out"

bench_cluster_start
largest=0
for n in ${sizes//,/ }; do
    bench_log "schema of $n tables: generate, load, refresh"
    "${psql[@]}" -d postgres -c "CREATE DATABASE b$n" >/dev/null
    python3 bench/gen.py schema "$n" >"$work/schema-$n.sql"
    "${psql[@]}" -d "b$n" -f "$work/schema-$n.sql" >/dev/null
    "$cli" schemalock refresh --quiet --database-url "$(bench_url "b$n")" \
        --snapshot "$out/snapshot-$n.json"
    if [ "$n" -gt "$largest" ]; then largest="$n"; fi
done

python3 bench/build_cost.py --snapshots "$out" --sizes "$sizes" --runs "$runs" --out "$out"

# The loader, in release, on the largest snapshot (each compiler process pays it once).
"$target_dir/release/examples/load_snapshot" "$out/snapshot-$largest.json" 21 | sed 's/^/result /'

# The fixed cost a crate pays for using the derive at all: one model against the largest
# snapshot (the proc-macro loads and parses it, in the dev profile users build it with), next to
# the same struct without the derive.
for kind in plain schemalock; do
    python3 - "$kind" "$largest" "$out/one-$kind" "$out/snapshot-$largest.json" "$PWD" <<'PY'
import sys
sys.path.insert(0, "bench")
import gen
kind, n, out, snapshot, root = sys.argv[1:]
gen.write_crate(kind, 1, out, snapshot if kind == "schemalock" else None, root)
PY
    (cd "$out/one-$kind" && CARGO_TARGET_DIR="$out/target" cargo check --quiet)
done
one() { # median ms of 5 touched `cargo check`s of $1
    local i s e
    for i in 1 2 3 4 5; do
        touch "$out/one-$1/src/lib.rs"
        s="$(date +%s%N)"
        (cd "$out/one-$1" && CARGO_TARGET_DIR="$out/target" cargo check --quiet)
        e="$(date +%s%N)"
        awk -v a="$s" -v b="$e" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
    done | bench_median
}
plain_one="$(one plain)"
schemalock_one="$(one schemalock)"
echo "result one_model tables=$largest plain_ms=$plain_one schemalock_ms=$schemalock_one"

if [ "$smoke" = 0 ]; then
    python3 bench/plot.py "$out/build-cost.json" "$out/build-cost.png" || bench_log "no plot (matplotlib unavailable)"
fi
