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
#   bench/build-cost.sh --sizes 500 --kinds plain,schemalock,sqlx,both --one-sizes 10,5000 \
#       --base DIR --cli PATH                  # also the same crates against another checkout
#                                              # of schemalock (DIR), side by side; PATH: a
#                                              # cargo-schemalock already built
#   --reuse-snapshots                          # keep the snapshots of an earlier run
#   --opt-macros                               # the N-model crates with proc-macros built
#                                              # optimised, as the README advises
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
kinds="plain,schemalock,diesel,sqlx"
one_sizes=""
base=""
cli=""
reuse=0
opt_macros=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --kinds) kinds="$2"; shift 2 ;;
        --one-sizes) one_sizes="$2"; shift 2 ;;
        --base) base="$(cd "$2" && pwd)"; shift 2 ;;
        --cli) cli="$2"; shift 2 ;;
        --reuse-snapshots) reuse=1; shift ;;
        --opt-macros) opt_macros=--opt-macros; shift ;;
        --runs) runs="$2"; shift 2 ;;
        --smoke) sizes=10; runs=1; smoke=1; shift ;;
        --pg-bin) pg_bin="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-cost.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done

bench_pg_bin
if [ -z "$cli" ]; then bench_cli; else bench_target_dir; fi
bench_log "cargo build --release --example load_snapshot"
cargo build --release --quiet -p schemalock-runtime --example load_snapshot
out="$target_dir/bench/build-cost"
mkdir -p "$out"

bench_cluster_start
largest=0
for n in $(echo "${sizes//,/ } ${one_sizes//,/ }" | tr ' ' '\n' | sort -nu); do
    if [ "$reuse" = 1 ] && [ -f "$out/snapshot-$n.json" ]; then
        bench_log "schema of $n tables: reusing $out/snapshot-$n.json"
        if [ "$n" -gt "$largest" ]; then largest="$n"; fi
        continue
    fi
    bench_log "schema of $n tables: generate, load, refresh"
    "${psql[@]}" -d postgres -c "CREATE DATABASE b$n" >/dev/null
    python3 bench/gen.py schema "$n" >"$work/schema-$n.sql"
    "${psql[@]}" -d "b$n" -f "$work/schema-$n.sql" >/dev/null
    "$cli" schemalock refresh --quiet --database-url "$(bench_url "b$n")" \
        --snapshot "$out/snapshot-$n.json"
    if [ "$n" -gt "$largest" ]; then largest="$n"; fi
done

python3 bench/build_cost.py --snapshots "$out" --sizes "$sizes" --runs "$runs" --out "$out" \
    --kinds "$kinds" ${base:+--base "$base"} $opt_macros

# The loader, in release, on the 1,000-table snapshot when there is one, else the largest (each
# compiler process pays it once); with --base, the other checkout's loader alternates with ours.
load_n="$largest"
if [ -f "$out/snapshot-1000.json" ]; then load_n=1000; fi
if [ -n "$base" ]; then
    bench_log "cargo build --release --example load_snapshot (base)"
    (cd "$base" && cargo build --release --quiet -p schemalock-runtime --example load_snapshot \
        --target-dir "$out/base-target")
fi
for i in 1 2 3; do
    "$target_dir/release/examples/load_snapshot" "$out/snapshot-$load_n.json" 21 | sed 's/^/result /'
    if [ -n "$base" ]; then
        "$out/base-target/release/examples/load_snapshot" "$out/snapshot-$load_n.json" 21 | sed 's/^load /result load_base /'
    fi
done

# The fixed cost a crate pays for using the derive at all: one model against a snapshot (the
# proc-macro loads and parses it, in the dev profile users build it with), next to the same
# struct without the derive. With --one-sizes, against snapshots of each of those sizes (how much
# the snapshot's size costs a crate that reads one table of it), and with --base against the
# other checkout too; every crate is timed in turn within each run.
one_sizes="${one_sizes:-$largest}"
one_crates=()
make_one() { # kind n name path [tracked]
    python3 - "$1" "$2" "$out/one-$3" "$out/snapshot-$2.json" "$4" "$3" <<'PY'
import sys
sys.path.insert(0, "bench")
import gen
kind, n, out, snapshot, root, name = sys.argv[1:]
gen.write_crate(kind, 1, out, snapshot if kind == "schemalock" else None, root, name=name)
PY
    if [ "${5:-}" = tracked ]; then
        # The build script tracks the snapshot, so the derive does not make rustc read it.
        printf '%s\n' 'fn main() {' \
            '    println!("cargo::rerun-if-changed=schemalock.json");' \
            '    println!("cargo::rustc-env=SCHEMALOCK_SNAPSHOT_TRACKED=schemalock.json");' \
            '}' >"$out/one-$3/build.rs"
    fi
    (cd "$out/one-$3" && CARGO_TARGET_DIR="$out/target" cargo check --quiet)
    one_crates+=("$3")
}
make_one plain "$largest" plain "$PWD"
for n in ${one_sizes//,/ }; do
    make_one schemalock "$n" "schemalock-$n" "$PWD"
    make_one schemalock "$n" "schemalock-tracked-$n" "$PWD" tracked
    if [ -n "$base" ]; then make_one schemalock "$n" "schemalock-base-$n" "$base"; fi
done
declare -A one_times
for i in 1 2 3 4 5 6 7; do
    for c in "${one_crates[@]}"; do
        touch "$out/one-$c/src/lib.rs"
        s="$(date +%s%N)"
        (cd "$out/one-$c" && CARGO_TARGET_DIR="$out/target" cargo check --quiet)
        e="$(date +%s%N)"
        one_times[$c]+="$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.1f", (b - a) / 1e6 }') "
    done
done
for c in "${one_crates[@]}"; do
    echo "result one_model crate=$c median_ms=$(echo "${one_times[$c]}" | tr ' ' '\n' | grep . | bench_median)"
done

if [ "$smoke" = 0 ]; then
    python3 bench/plot.py "$out/build-cost.json" "$out/build-cost.png" || bench_log "no plot (matplotlib unavailable)"
fi
