# Shared by scripts/test and scripts/bench: where builds go, and a throwaway PostgreSQL.

# A build cache outside the clone speeds repeated runs on one machine; a fresh machine builds
# from nothing into it just the same.
SCRATCH=${SMARTYSALES_SCRATCH:-/var/cache/smartysales/build}
mkdir -p "$SCRATCH" 2>/dev/null || SCRATCH=.build

apt_install() {
  if [ -z "${_APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres() {
  if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    echo "installing PostgreSQL from Debian"
    apt_install postgresql
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a PostgreSQL cluster owned by the `postgres` system user in $1/pg, on a free loopback
# port, with trust authentication (loopback only, thrown away afterwards). Sets PG_URL.
start_postgres() {
  local dir="$1/pg" bin
  bin=$(pg_bin)
  mkdir -p "$dir"
  chown postgres:postgres "$1" "$dir" 2>/dev/null || true
  chmod 755 "$1"
  PG_PORT=$(free_port)
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=1000" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  PG_URL_REDACTED="127.0.0.1:$PG_PORT"
  export PG_URL PG_PORT PG_DIR="$dir"
}

stop_postgres() {
  local dir="$1/pg"
  if [ -f "$dir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
}

build_tests() {
  echo "== building (debug, with tests) into $SCRATCH"
  swift build --build-tests --scratch-path "$SCRATCH"
}

# Headless Chromium, its driver and Selenium for the browser tests.
ensure_browser_tools() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "installing chromium and chromium-driver from Debian"
    apt_install chromium chromium-driver
  fi
  python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore selenium
}

# Python packages the tests use as oracles: pytest for the end-to-end tests, xmlschema to check
# every EWS request against Microsoft's schema.
ensure_python_tools() {
  python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore pytest
  python3 -c "import xmlschema" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore xmlschema
}

# The third-party corpora and reference lists, beside the clone (../shared/data) unless
# SMARTYSALES_SHARED_DATA says otherwise. Conformance and benchmark commands read them there.
shared_data_dir() {
  local dir=${SMARTYSALES_SHARED_DATA:-$(pwd)/../shared/data}
  (cd "$dir" 2>/dev/null && pwd) || echo "$dir"
}
