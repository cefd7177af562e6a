#!/usr/bin/env python3
"""Times `cargo check` of the four model crates for each N, side by side in one run.

    python3 bench/build_cost.py --snapshots DIR --sizes 100,500,1000 --runs 5 --out DIR

DIR/snapshot-N.json must hold the snapshot of the N-table schema of bench/gen.py (bench/build-cost.sh
makes them). For each N, the crates (a) plain, (b) schemalock, (c) diesel, (d) sqlx are generated,
their dependencies built by one untimed `cargo check` each, then each run touches every crate's
src/lib.rs and times `cargo check` of each, in an order that rotates every run, so no crate always
runs first or last. All crates share one target directory. Medians are reported.

Kinds (`--kinds`): plain, schemalock, diesel, sqlx, both (schemalock's and sqlx's derives on the
same structs); with `--base DIR` (another checkout of schemalock, say of main), also
schemalock-base and both-base, the same crates built against DIR, to show a change before and
after in one run.

Writes OUT/build-cost.json and prints one `result build_cost ...` line per N.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = ["plain", "schemalock", "diesel", "sqlx"]
# What sqlx's documentation advises for its macros, and the README for ours: proc-macros and what
# they link built optimised. Plain structs run no macro, so this changes only the other kinds.
OPT_MACROS = "\n[profile.dev.build-override]\nopt-level = 3\n"

sys.path.insert(0, HERE)
import gen  # noqa: E402


def cargo_check(crate, target, env):
    started = time.perf_counter()
    proc = subprocess.run(
        ["cargo", "check", "--quiet"],
        cwd=crate,
        env={**env, "CARGO_TARGET_DIR": target},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = (time.perf_counter() - started) * 1000.0
    if proc.returncode != 0:
        sys.exit(f"build_cost: cargo check failed in {crate}:\n{proc.stderr[-4000:]}")
    return elapsed


def touch(path):
    os.utime(path, None)


def rotate(crates, kinds, runs, target, env, label):
    """Times `cargo check` of each crate `runs` times, touching its src/lib.rs first, in an order
    that rotates every run; prints each run as `{label} run i/runs: ...`. Returns the times (ms)
    by kind."""
    times = {kind: [] for kind in kinds}
    for r in range(runs):
        order = kinds[r % len(kinds):] + kinds[: r % len(kinds)]
        for kind in order:
            touch(os.path.join(crates[kind], "src", "lib.rs"))
            times[kind].append(cargo_check(crates[kind], target, env))
        line = "  ".join(f"{k} {times[k][-1]:8.0f} ms" for k in kinds)
        print(f"{label} run {r + 1}/{runs}: {line}", flush=True)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", required=True)
    ap.add_argument("--sizes", default="100,500,1000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--base", help="another schemalock checkout, for the *-base kinds")
    ap.add_argument("--opt-macros", action="store_true",
                    help="build proc-macros optimised in every crate alike "
                    "(`[profile.dev.build-override] opt-level = 3`, as the README advises)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    os.makedirs(args.out, exist_ok=True)
    target = os.path.join(args.out, "target")
    env = dict(os.environ)
    env.pop("SCHEMALOCK_SNAPSHOT", None)

    results = {"runs": args.runs, "sizes": sizes, "kinds": kinds, "ms": {}}
    for n in sizes:
        snapshot = os.path.join(args.snapshots, f"snapshot-{n}.json")
        crates = {}
        for kind in kinds:
            crate = os.path.join(args.out, f"n{n}", kind)
            base = kind.endswith("-base")
            if base and not args.base:
                sys.exit(f"build_cost: kind {kind} needs --base")
            gen_kind = kind[: -len("-base")] if base else kind
            path = os.path.abspath(args.base) if base else ROOT
            uses = gen_kind in ("schemalock", "both")
            gen.write_crate(gen_kind, n, crate, snapshot if uses else None, path, name=kind,
                            profile=OPT_MACROS if args.opt_macros else "")
            crates[kind] = crate
        for kind in kinds:
            print(f"build_cost: n={n} {kind}: building dependencies", file=sys.stderr, flush=True)
            cargo_check(crates[kind], target, env)
        times = rotate(crates, kinds, args.runs, target, env, f"n={n}")
        medians = {k: statistics.median(v) for k, v in times.items()}
        results["ms"][str(n)] = {"median": medians, "all": times}
        ratios = []
        pairs = (
            ("schemalock", "plain", "b_over_a"),
            ("schemalock", "diesel", "b_over_c"),
            ("schemalock", "sqlx", "b_over_d"),
            ("both", "sqlx", "both_over_d"),
            ("schemalock-base", "plain", "base_over_a"),
            ("both-base", "sqlx", "both_base_over_d"),
        )
        for this, other, name in pairs:
            if this in medians and other in medians:
                ratios.append(f"{name}={medians[this] / medians[other]:.2f}")
        print(
            f"result build_cost n={n} runs={args.runs} "
            + " ".join(f"{k.replace('-', '_')}_ms={medians[k]:.0f}" for k in kinds)
            + (" " + " ".join(ratios) if ratios else ""),
            flush=True,
        )
    if len(sizes) > 1:
        lo, hi = str(sizes[0]), str(sizes[-1])
        growth = " ".join(
            f"{k}={results['ms'][hi]['median'][k] / results['ms'][lo]['median'][k]:.2f}x"
            for k in kinds
        )
        print(f"result growth from n={lo} to n={hi}: {growth}", flush=True)
    with open(os.path.join(args.out, "build-cost.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
