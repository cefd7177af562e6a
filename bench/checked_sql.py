#!/usr/bin/env python3
"""Checked SQL: `cargo check` of one crate running N statements three ways, side by side.

    python3 bench/checked_sql.py write  --statements N --tables T --out DIR --snapshot P [--debug-macros]
    python3 bench/checked_sql.py time   --out DIR --runs R

`write` generates three crates in DIR (plain, sql, sqlx), each with N async functions that run
the same statements through sqlx against the schema of bench/gen.py (T tables):
    plain   sqlx::query("...").bind(..)                       (no check: the floor)
    sql     sqlx::query(schemalock::sql!("...")).bind(..)      (checked against the snapshot P)
    sqlx    sqlx::query!("...", ..)                            (checked from .sqlx, offline)
The sqlx crate's `.sqlx` data must be generated once against a database (bench/checked-sql.sh
does it). `time` touches each crate's src/lib.rs and times `cargo check` of each, in an order
that rotates every run; the sqlx crate with SQLX_OFFLINE=true and no DATABASE_URL. Two ways:
    clean        CARGO_INCREMENTAL=0: the crate is checked from scratch (its dependencies
                 built), as in CI or after a change that touches every statement
    incremental  the default dev profile, nothing changed but the file's time: macros run again,
                 the compiler reuses what it checked before
Prints `result checked_sql ...` per way with the medians and the ratio sql / sqlx.
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = ["plain", "sql", "sqlx"]

sys.path.insert(0, HERE)
import gen  # noqa: E402
from build_cost import cargo_check, rotate  # noqa: E402

# Statement templates over tables {t} and {u} (another table): (SQL, parameters as Rust values).
# Enum columns are compared with literals, never selected, so sqlx's query! needs no overrides.
TEMPLATES = [
    ("SELECT id, name, slug, counter, created_at FROM {t} "
     "WHERE parent_id = $1 AND status = 'published' ORDER BY created_at DESC LIMIT 10",
     ["1i64"]),
    ("UPDATE {t} SET counter = counter + 1, updated_at = now() WHERE id = $1", ["1i64"]),
    ("INSERT INTO {t} (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id",
     ['"n"', '"s"', "1i64"]),
    ("SELECT a.id, b.name, b.hits FROM {t} a JOIN {u} b ON b.parent_id = a.id "
     "WHERE a.active AND b.hits > $1", ["0i64"]),
    ("SELECT count(*) AS n, max(score) AS best, sum(counter) AS total FROM {t} "
     "WHERE status <> 'archived' AND created_at > now() - interval '7 days'", []),
    ("DELETE FROM {t} WHERE id = $1 AND status = 'draft'", ["1i64"]),
    ("SELECT id, tags, payload ->> 'k' AS k FROM {t} WHERE $1 = ANY(tags) LIMIT $2",
     ['"x"', "5i64"]),
    ("INSERT INTO {t} (name, slug) VALUES ($1, $2) "
     "ON CONFLICT (id) DO UPDATE SET hits = {t}.hits + 1 RETURNING id, hits", ['"n"', '"s"']),
    ("SELECT coalesce(body, '') AS body, CASE WHEN counter > 10 THEN 'hot' ELSE 'cold' END AS heat "
     "FROM {t} WHERE slug = $1", ['"s"']),
    ("WITH recent AS (SELECT id, parent_id FROM {t} WHERE created_at > $1) "
     "SELECT r.id, u.slug FROM recent r LEFT JOIN {u} u ON u.id = r.parent_id",
     ["chrono::Utc::now()"]),
]


def statements(n, tables):
    out = []
    for i in range(n):
        sql, params = TEMPLATES[i % len(TEMPLATES)]
        t = gen.table(i % tables + 1)
        u = gen.table((i + 1) % tables + 1)
        # A distinct statement each time (sqlx caches by the statement's hash).
        sql = sql.format(t=t, u=u) + f" /* q{i + 1:04d} */"
        out.append((sql, params))
    return out


def manifest(kind, opt_macros):
    deps = [
        'sqlx = { version = "0.9", default-features = false, features = '
        '["postgres", "macros", "runtime-tokio", "chrono", "json"] }',
        'chrono = { version = "0.4", default-features = false, features = ["clock"] }',
    ]
    if kind == "sql":
        deps.append(f'schemalock = {{ path = "{ROOT}" }}')
    # Proc-macros (and what they link) built optimised, for all three alike: what sqlx's docs
    # advise for `query!`, and what makes a proc-macro's own work cheap.
    return (
        f'[package]\nname = "bench-checked-sql-{kind}"\nversion = "0.0.0"\nedition = "2021"\n'
        "publish = false\n\n[workspace]\n\n[dependencies]\n" + "\n".join(deps) + "\n"
        + ("\n[profile.dev.build-override]\nopt-level = 3\n" if opt_macros else "")
    )


def rust_str(sql):
    return '"' + sql.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lib(kind, stmts):
    out = ["#![allow(clippy::all)]", "use sqlx::PgPool;", ""]
    for i, (sql, params) in enumerate(stmts):
        lit = rust_str(sql)
        if kind == "sqlx":
            args = "".join(f", {p}" for p in params)
            call = f"sqlx::query!({lit}{args})"
        else:
            text = lit if kind == "plain" else f"schemalock::sql!({lit})"
            call = f"sqlx::query({text})" + "".join(f".bind({p})" for p in params)
        out.append(
            f"pub async fn q{i + 1:04d}(pool: &PgPool) -> Result<u64, sqlx::Error> {{\n"
            f"    Ok({call}.fetch_all(pool).await?.len() as u64)\n}}\n"
        )
    return "\n".join(out)


def write(args):
    stmts = statements(args.statements, args.tables)
    for kind in KINDS:
        crate = os.path.join(args.out, kind)
        os.makedirs(os.path.join(crate, "src"), exist_ok=True)
        with open(os.path.join(crate, "Cargo.toml"), "w") as f:
            f.write(manifest(kind, not args.debug_macros))
        with open(os.path.join(crate, "src", "lib.rs"), "w") as f:
            f.write(lib(kind, stmts))
    with open(args.snapshot) as src, open(os.path.join(args.out, "sql", "schemalock.json"), "w") as dst:
        dst.write(src.read())


WAYS = {"clean": {"CARGO_INCREMENTAL": "0"}, "incremental": {}}


def timed(args):
    target = os.path.join(args.out, "target")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SCHEMALOCK_SNAPSHOT")}
    env["SQLX_OFFLINE"] = "true"
    crates = {kind: os.path.join(args.out, kind) for kind in KINDS}
    meds = {}
    for way, extra in WAYS.items():
        way_env = {**env, **extra}
        for kind in KINDS:
            print(f"checked_sql: {way}: {kind}: building dependencies", file=sys.stderr, flush=True)
            cargo_check(crates[kind], target, way_env)
        times = rotate(crates, KINDS, args.runs, target, way_env, f"checked_sql {way}")
        med = {k: statistics.median(v) for k, v in times.items()}
        n = args.statements
        print(
            f"result checked_sql way={way} statements={n} runs={args.runs} "
            + " ".join(f"{k}_ms={med[k]:.0f}" for k in KINDS)
            + f" sql_over_sqlx={med['sql'] / med['sqlx']:.2f}"
            + f" sql_minus_plain_ms={med['sql'] - med['plain']:.0f}"
            + f" sqlx_minus_plain_ms={med['sqlx'] - med['plain']:.0f}",
            flush=True,
        )
        meds[way] = med
    return meds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["write", "time"])
    ap.add_argument("--statements", type=int, default=200)
    ap.add_argument("--tables", type=int, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--snapshot")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--debug-macros", action="store_true",
                    help="build proc-macros unoptimised (the smoke run: no figures, fast)")
    args = ap.parse_args()
    if args.phase == "write":
        write(args)
    else:
        timed(args)


if __name__ == "__main__":
    main()
