#!/usr/bin/env python3
"""Renders BENCHMARKS.md from bench/run.sh's results and the template bench/BENCHMARKS.in.md.

    python3 bench/report.py RESULTS TEMPLATE OUT

The template holds the prose (what is measured, what was found); `{{name}}` markers are replaced
by tables made from the `result` lines, so every figure in BENCHMARKS.md comes from one run.
"""

import re
import sys


def parse(path):
    machine, versions, sections = {}, {}, []
    current = None
    for line in open(path):
        line = line.rstrip("\n")
        words = line.split(" ")
        if words[0] == "machine":
            machine = dict(w.split("=", 1) for w in words[1:])
        elif words[0] == "versions":
            versions = dict(w.split("=", 1) for w in words[1:])
        elif words[0] == "section":
            current = {"name": words[1], "args": dict(w.split("=", 1) for w in words[2:] if "=" in w), "results": []}
            sections.append(current)
        elif words[0] == "result" and current is not None:
            current["results"].append(line[len("result "):])
    return machine, versions, sections


def kv(text):
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", text))


def fmt_ms(v):
    v = float(v)
    return f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.1f} ms"


def main():
    results, template, out = sys.argv[1:]
    machine, versions, sections = parse(results)
    subs = {}
    subs["machine"] = (
        f"- {machine.get('nproc')} cores, {machine.get('memory')} memory, CPU "
        f"`{machine.get('cpu', '').replace('_', ' ')}`; rustc {versions.get('rustc')}, cargo "
        f"{versions.get('cargo')}; measured {versions.get('date')}."
    )
    goals = []

    build = next(s for s in sections if s["name"] == "build_cost")
    rows, growth, load, lazy, one = [], "", {}, {}, {}
    for r in build["results"]:
        if r.startswith("build_cost "):
            d = kv(r)
            rows.append(d)
        elif r.startswith("growth "):
            growth = r
        elif r.startswith("load "):
            load = kv(r)
        elif r.startswith("load_lazy "):
            lazy = kv(r)
        elif r.startswith("one_model "):
            d = kv(r)
            one[d["crate"]] = d["median_ms"]
    table = [
        "| N tables | (a) plain | (b) schemalock | (c) diesel | (d) sqlx | (b)/(a) | (b)/(c) | (b)/(d) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in rows:
        table.append(
            f"| {d['n']} | {fmt_ms(d['plain_ms'])} | {fmt_ms(d['schemalock_ms'])} | "
            f"{fmt_ms(d['diesel_ms'])} | {fmt_ms(d['sqlx_ms'])} | {float(d['b_over_a']):.2f} | "
            f"{float(d['b_over_c']):.3f} | {float(d['b_over_d']):.2f} |"
        )
        if d["n"] == "500":
            goals.append(("(b)/(a) at N = 500", "≤ 1.15", f"{float(d['b_over_a']):.2f}", float(d["b_over_a"]) <= 1.15))
    faster = all(float(d["b_over_c"]) < 1 for d in rows)
    goals.append(("(b) faster than (c)", "(b)/(c) < 1 at every N",
                  ", ".join(f"{float(d['b_over_c']):.3f}" for d in rows), faster))
    subs["build_cost_table"] = "\n".join(table)
    subs["build_cost_runs"] = rows[0]["runs"] if rows else "?"
    subs["growth"] = "`" + growth.replace("growth ", "") + "`" if growth else "(one size only)"
    if load:
        subs["load"] = (
            f"{float(load['median_ms']):.2f} ms median of {load['runs']} (fastest "
            f"{float(load['min_ms']):.2f} ms) for {load['tables']} tables, {int(load['bytes']):,} bytes"
        )
    if lazy:
        subs["load"] += (
            f"; what a compiler process pays (the file read, every object but the tables parsed, "
            f"and the one table a derive asks for): {float(lazy['median_ms']):.2f} ms median"
        )
        goals.append(("snapshot load for the derives, 1,000 tables", "≤ 10 ms",
                      f"{float(lazy['median_ms']):.2f} ms", float(lazy["median_ms"]) <= 10))
    elif load:
        goals.append(("snapshot load, 1,000 tables", "≤ 10 ms", f"{float(load['median_ms']):.2f} ms",
                      float(load["median_ms"]) <= 10))
    if one:
        sized = sorted(
            (int(k.split("-")[1]), v) for k, v in one.items()
            if k.startswith("schemalock-") and "base" not in k and "tracked" not in k
        )
        tracked = sorted(
            (int(k.split("-")[2]), v) for k, v in one.items() if k.startswith("schemalock-tracked-")
        )
        subs["one_model"] = (
            "`cargo check` of a crate with one model: "
            + ", ".join(f"{fmt_ms(v)} against the {n}-table snapshot" for n, v in sized)
            + f"; {fmt_ms(one.get('plain', 'nan'))} for the same struct without the derive (medians of 7)"
            + "".join(
                f"; {fmt_ms(v)} against the {n}-table snapshot when a build script tracks it"
                for n, v in tracked
            )
        )

    intro_rows = [
        "| server | refresh | pg_dump --schema-only | refresh / pg_dump | check | check / pg_dump | fastest runs, refresh / pg_dump |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sections:
        if s["name"] != "introspection":
            continue
        for r in s["results"]:
            d = kv(r)
            if "refresh_ms" not in d:
                continue
            v = s["args"].get("pg", "?")
            intro_rows.append(
                f"| PostgreSQL {v} | {fmt_ms(d['refresh_ms'])} | {fmt_ms(d['pg_dump_ms'])} | "
                f"**{float(d['ratio']):.3f}** | {fmt_ms(d.get('check_ms', 'nan'))} | "
                f"{float(d.get('check_ratio', 'nan')):.3f} | {float(d['min_ratio']):.3f} |"
            )
            goals.append((f"refresh ≤ 0.5 × pg_dump (PostgreSQL {v}, 1,000 tables)", "≤ 0.5",
                          f"{float(d['ratio']):.3f}", float(d["ratio"]) <= 0.5))
            subs["introspection_runs"] = d["runs"]
    subs["introspection_table"] = "\n".join(intro_rows)

    for s in sections:
        if s["name"] != "verify":
            continue
        for r in s["results"]:
            d = kv(r)
            if "median_ms" in d:
                subs["verify"] = (
                    f"{float(d['median_ms']):.1f} ms median of {d['runs']} calls for {d['models']} models"
                )
                goals.append(("startup verification, 100 models", "≤ 50 ms",
                              f"{float(d['median_ms']):.1f} ms", float(d["median_ms"]) <= 50))

    for s in sections:
        if s["name"] != "checked_sql":
            continue
        rows = []
        for r in s["results"]:
            if not r.startswith("checked_sql "):
                continue
            d = kv(r)
            way = d.get("way", "incremental")
            subs["checked_sql_runs"] = d["runs"]
            rows.append(
                f"| {way} | {d['statements']} | {fmt_ms(d['plain_ms'])} | {fmt_ms(d['sql_ms'])} | "
                f"{fmt_ms(d['sqlx_ms'])} | {float(d['sql_over_sqlx']):.2f} | "
                f"{fmt_ms(d['sql_minus_plain_ms'])} | {fmt_ms(d['sqlx_minus_plain_ms'])} |"
            )
            goals.append((f"`cargo check` of 200 statements ({way}), sql! / sqlx query! offline",
                          "≤ 0.5", f"{float(d['sql_over_sqlx']):.2f}",
                          float(d["sql_over_sqlx"]) <= 0.5))
        subs["checked_sql_table"] = "\n".join([
            "| check | statements | plain `sqlx::query(\"...\")` | `sqlx::query(sql!(\"...\"))` | "
            "`sqlx::query!` offline | sql! / sqlx | sql! − plain | query! − plain |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ] + rows)

    subs["goals"] = "\n".join(
        ["| goal | target | measured | met |", "|---|---|---|---|"]
        + [f"| {g} | {t} | {m} | {'yes' if ok else '**no**'} |" for g, t, m, ok in goals]
    )
    text = open(template).read()
    missing = []

    def repl(m):
        key = m.group(1)
        if key not in subs:
            missing.append(key)
            return m.group(0)
        return subs[key]

    text = re.sub(r"\{\{(\w+)\}\}", repl, text)
    if missing:
        sys.exit(f"report.py: no results for {', '.join(missing)}")
    open(out, "w").write(text)


if __name__ == "__main__":
    main()
