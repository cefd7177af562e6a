#!/usr/bin/env python3
"""Plots `cargo check` time against N for the four model crates: plot.py build-cost.json out.png

Needs matplotlib; installs it into a venv under the user's cache directory when missing (PyPI).
"""

import json
import os
import subprocess
import sys


def ensure_matplotlib():
    try:
        import matplotlib  # noqa: F401
        return sys.executable
    except ImportError:
        pass
    venv = os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "schemalock", "plot-venv"
    )
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "matplotlib"], check=True)
    return python


def main():
    data_path, png = sys.argv[1], sys.argv[2]
    python = ensure_matplotlib()
    if python != sys.executable:
        os.execv(python, [python, __file__, data_path, png])
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.load(open(data_path))
    sizes = data["sizes"]
    labels = {
        "plain": "(a) plain structs",
        "schemalock": "(b) schemalock Table/PgEnum",
        "diesel": "(c) diesel table! + Selectable + check_for_backend",
        "sqlx": "(d) sqlx FromRow/Type",
    }
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for kind in data["kinds"]:
        ys = [data["ms"][str(n)]["median"][kind] / 1000.0 for n in sizes]
        ax.plot(sizes, ys, marker="o", label=labels.get(kind, kind))
    ax.set_xlabel("tables (20 columns each)")
    ax.set_ylabel("cargo check of the models crate, median (s)")
    ax.set_yscale("log")
    ax.set_title("Build cost of model crates")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(png)
    print(f"plot: {png}")


if __name__ == "__main__":
    main()
