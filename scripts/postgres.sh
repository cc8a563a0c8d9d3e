#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, benchmarks and development (README "Stores").
#
#   scripts/postgres.sh start [DIR]   install Debian's postgresql if absent (root + apt-get),
#                                     initialise a cluster in DIR (default: a new temporary
#                                     directory) as the postgres user when run as root (initdb
#                                     refuses root), start it on 127.0.0.1 at a free port, create
#                                     the role and database "enforcement", print the environment
#   scripts/postgres.sh env DIR       print that environment again (KEY=VALUE lines; `eval` them
#                                     after prefixing `export`, or use `set -a; . DIR/env`)
#   scripts/postgres.sh stop DIR      stop the server and remove DIR
#   scripts/postgres.sh watch DIR PID stop the server of DIR once process PID has ended (run it in
#                                     the background: a test session killed before its teardown
#                                     does not leave its server behind)
#
# The server keeps PostgreSQL's durable defaults (fsync=on, synchronous_commit=on) and listens
# only on 127.0.0.1 and on a Unix socket inside DIR. Exit status 3: PostgreSQL is not installed
# and cannot be (not root, or apt-get failed); anything else non-zero: it failed to start.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit "${2:-1}"; }

find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
    return 1
}

install_postgresql() {
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root" 3
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get" 3
    echo "postgres.sh: installing Debian's postgresql (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || die "apt-get update failed" 3
    # No default cluster: the only server is the one this script starts (and stops).
    apt-get install -y -qq --no-install-recommends postgresql-common >&2 \
        || die "apt-get install postgresql-common failed" 3
    if [[ -f /etc/postgresql-common/createcluster.conf ]]; then
        sed -i 's/^#\?\s*create_main_cluster\s*=.*/create_main_cluster = false/' \
            /etc/postgresql-common/createcluster.conf
    fi
    apt-get install -y -qq --no-install-recommends postgresql >&2 \
        || die "apt-get install postgresql failed" 3
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Run a PostgreSQL program as the owner of the cluster (postgres when we are root).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local dir=${1:-} bindir port password
    bindir=$(find_bindir) || { install_postgresql; bindir=$(find_bindir) \
        || die "postgresql installed but initdb not found" 3; }
    if [[ -z "$dir" ]]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/enforcement-postgres.XXXXXX"); fi
    mkdir -p "$dir"
    [[ ! -e "$dir/data" ]] || die "$dir/data exists: stop that server first (or choose another DIR)"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no postgres user to run the server as"
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    for attempt in 1 2 3; do
        port=$(free_port)
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null; then
            break
        fi
        [[ $attempt -lt 3 ]] || { tail -n 20 "$dir/server.log" >&2; die "the server did not start"; }
    done
    psql_admin() { as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" \
        -U postgres -d postgres "$@" >/dev/null; }
    psql_admin -c "CREATE ROLE enforcement LOGIN PASSWORD '$password'"
    # Collate as a Chinese court's database would (ICU zh-Hans-CN, PostgreSQL 15+), so that the
    # tests show the read models never depend on the database's collation; else the default.
    psql_admin -c "CREATE DATABASE enforcement OWNER enforcement TEMPLATE template0 \
        LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN'" 2>/dev/null \
        || psql_admin -c "CREATE DATABASE enforcement OWNER enforcement"
    cat >"$dir/env" <<EOF
ENFORCEMENT_PG_DIR=$dir
POSTGRES_HOST=127.0.0.1
POSTGRES_PORT=$port
POSTGRES_USER=enforcement
POSTGRES_PASSWORD=$password
POSTGRES_DBNAME=enforcement
POSTGRES_DSN=postgresql://enforcement:$password@127.0.0.1:$port/enforcement
PG_BINDIR=$bindir
EOF
    chmod 644 "$dir/env"
    cat "$dir/env"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR} bindir
    [[ -d "$dir" ]] || die "no such directory: $dir"
    [[ -f "$dir/env" || -d "$dir/data" ]] || die "$dir was not made by postgres.sh start"
    bindir=$(find_bindir) || die "pg_ctl not found"
    if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    rm -rf -- "$dir"
}

watch() {
    local dir=${1:?usage: postgres.sh watch DIR PID} pid=${2:?usage: postgres.sh watch DIR PID}
    while kill -0 "$pid" 2>/dev/null && [[ -d "$dir" ]]; do sleep 1; done
    if [[ -d "$dir" ]]; then stop "$dir"; fi
}

case "${1:-}" in
    start) start "${2:-}" ;;
    env) cat "${2:?usage: postgres.sh env DIR}/env" ;;
    stop) stop "${2:-}" ;;
    watch) watch "${2:-}" "${3:-}" ;;
    *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
