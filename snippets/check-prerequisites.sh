#!/usr/bin/env bash
# Checks the tools the Django Workflow Handbook uses, one line each:
#   ok    found, recent enough
#   warn  optional, or usable with a caveat: the line says what changes
#   FAIL  required and missing or too old: the line says how to install it
# Exits 1 if any line is FAIL. Run it with: bash check-prerequisites.sh
#
# It checks every program the chapters call beyond bash, coreutils and the POSIX
# utilities (grep, sed, diff, tar...); the handbook's tests fail on a page that calls
# one it does not check. Programs that pip installs into the project's virtualenv
# (pytest, black, gunicorn...) come with the project, so they are not checked here.
set -eu

# The versions the handbook is proved on. tests/test_versions.py keeps them equal to
# versions.toml and to sample_project's Dockerfile and docker-compose.yml.
PYTHON_OLDEST=3.10     # older is refused
PYTHON_MAINTAINED=3.11 # the oldest that still gets security fixes
PYTHON_NEWEST=3.13     # newer works, unproved
PYTHON_IMAGE=3.12      # the Docker image's, and the one to install
POSTGRESQL=16

failures=0
ok() { printf 'ok   %s\n' "$*"; }
warn() { printf 'warn %s\n' "$*"; }
fail() {
  printf 'FAIL %s\n' "$*"
  failures=$((failures + 1))
}
have() { command -v "$1" >/dev/null 2>&1; }

# at_least VERSION MINIMUM: true when VERSION (2.39.5) is MINIMUM (2.28) or newer.
at_least() {
  local have_parts want_parts i h w
  IFS=. read -r -a have_parts <<<"$1"
  IFS=. read -r -a want_parts <<<"$2"
  for i in 0 1 2; do
    h=${have_parts[i]:-0} w=${want_parts[i]:-0}
    h=${h%%[!0-9]*} w=${w%%[!0-9]*}
    h=$((10#${h:-0})) w=$((10#${w:-0}))
    if ((h > w)); then return 0; fi
    if ((h < w)); then return 1; fi
  done
  return 0
}

# limited CMD...: run CMD for at most 10 seconds where `timeout` exists
# (a Docker daemon that is still starting can keep the client waiting).
limited() {
  if have timeout; then timeout 10 "$@"; else "$@"; fi
}

# install_hint TOOL: where to get TOOL on this system, one short phrase.
install_hint() {
  # shellcheck disable=SC2016 # $(brew --prefix) is printed for the reader to type
  case "$1:$OSTYPE" in
    python:*) echo "uv python install $PYTHON_IMAGE, pyenv, or https://www.python.org/downloads/" ;;
    git:darwin*) echo "brew install git, or xcode-select --install" ;;
    git:linux*) echo "sudo apt install git (Debian, Ubuntu), or see https://git-scm.com/downloads" ;;
    git:*) echo "https://git-scm.com/downloads" ;;
    python3.*:darwin*) echo "brew install python@${1#python}" ;;
    python3.*:linux*) echo "sudo apt install $1 $1-venv (Ubuntu 24.04), pyenv, or uv python install ${1#python}" ;;
    python3.*) echo "https://www.python.org/downloads/" ;;
    pip:linux*) echo "sudo apt install python3-pip python3-venv (Debian, Ubuntu)" ;;
    pip:*) echo "$python -m ensurepip --upgrade" ;;
    build:darwin*) echo 'xcode-select --install; brew install mariadb-connector-c pkg-config; export PKG_CONFIG_PATH="$(brew --prefix)/opt/mariadb-connector-c/lib/pkgconfig"' ;;
    build:*) echo "sudo apt install build-essential python3-dev libmariadb-dev pkg-config (Debian, Ubuntu)" ;;
    postgresql:darwin* | createdb:darwin* | dropdb:darwin*) echo "brew install libpq" ;;
    postgresql:* | createdb:* | dropdb:*) echo "install postgresql-client-$POSTGRESQL" ;;
    curl:darwin*) echo "brew install curl" ;;
    envsubst:darwin*) echo "brew install gettext" ;;
    envsubst:linux*) echo "sudo apt install gettext-base (Debian, Ubuntu)" ;;
    openssl:darwin*) echo "brew install openssl@3" ;;
    sqlite3:darwin*) echo "brew install sqlite" ;;
    mariadb*:darwin*) echo "brew install mariadb" ;;
    mariadb*:linux*) echo "sudo apt install mariadb-client (Debian, Ubuntu)" ;;
    redis*:darwin*) echo "brew install redis" ;;
    redis*:linux*) echo "sudo apt install redis-server (Debian, Ubuntu)" ;;
    pgrep:darwin*) echo "it comes with macOS: check your PATH" ;;
    pgrep:linux*) echo "sudo apt install procps (Debian, Ubuntu)" ;;
    kubectl:darwin*) echo "brew install kubectl" ;;
    kubectl:*) echo "see https://kubernetes.io/docs/tasks/tools/" ;;
    # curl, nginx, openssl, sqlite3: Debian's package has the program's name.
    *:darwin*) echo "brew install $1" ;;
    *:linux*) echo "sudo apt install $1 (Debian, Ubuntu)" ;;
    *) echo "your system's package manager: $1" ;;
  esac
}

# version_of PROGRAM: the version PROGRAM reports (1.22.1), or nothing.
version_of() {
  local out
  case $1 in
    nginx) out=$(nginx -v 2>&1) || out="" ;;              # "nginx version: nginx/1.22.1"
    openssl) out=$(openssl version 2>&1) || out="" ;;     # "OpenSSL 3.0.15 3 Sep 2024"
    kubectl) out=$(limited kubectl version --client 2>&1) || out="" ;; # "Client Version: v1.33.1"
    pgrep) out=$(pgrep -V 2>&1) || out="" ;;              # "pgrep from procps-ng 4.0.2"
    *) out=$("$1" --version 2>&1) || out="" ;;
  esac
  # mariadb 10: "mariadb  Ver 15.1 Distrib 10.11.6-MariaDB": 15.1 is the client's protocol
  out=${out#*Distrib }
  if [[ $out =~ [0-9]+\.[0-9]+(\.[0-9]+)? ]]; then echo "${BASH_REMATCH[0]}"; fi
}

# check_tool PROGRAM LEVEL WHAT: one line for PROGRAM, looked up on PATH.
#   LEVEL required: FAIL when it is missing; optional: warn.
#   WHAT: which chapters call it, and what changes without it.
check_tool() {
  local version
  if have "$1"; then
    version=$(version_of "$1")
    ok "$1${version:+ $version}"
  elif [ "$2" = required ]; then
    fail "$1: not found; $3 — install it with $(install_hint "$1")"
  else
    warn "$1: not found (optional); $3 — $(install_hint "$1")"
  fi
}

# check_postgresql_client PROGRAM WHY: psql's companions, pg_dump and pg_restore
# (optional); WHY says what an older one cannot do.
check_postgresql_client() {
  local version
  if ! have "$1"; then
    warn "$1: not found (optional); $(install_hint postgresql), or use the container's: docker compose exec db $1"
    return
  fi
  read -r _ _ version _ <<<"$("$1" --version)" # "pg_dump (PostgreSQL) 16.4 (Debian 16.4-1)"
  if at_least "$version" "$POSTGRESQL"; then
    ok "$1 $version"
  else
    warn "$1 $version: older than our PostgreSQL $POSTGRESQL, $2; use the container's: docker compose exec db $1"
  fi
}

# --- Python: PYTHON_OLDEST or newer (required) ------------------------------------
python=""
if have python3; then
  python=python3
elif have python; then
  python=python
fi
if [ -z "$python" ]; then
  fail "python: not found — install $PYTHON_IMAGE: $(install_hint python)"
else
  version=$("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null) ||
    version=""
  if [ -z "$version" ]; then
    fail "python: $python does not run — install $PYTHON_IMAGE: $(install_hint python)"
    python=""
  elif ! at_least "$version" "$PYTHON_OLDEST"; then
    fail "python $version: too old, the handbook needs $PYTHON_OLDEST or newer — install $PYTHON_IMAGE: $(install_hint python)"
    python=""
  elif ! at_least "$version" "$PYTHON_MAINTAINED"; then
    warn "python $version: past its end of life, no more security fixes; move to $PYTHON_IMAGE or $PYTHON_NEWEST"
  elif ! at_least "$PYTHON_NEWEST" "${version%.*}"; then
    warn "python $version: newer than the handbook is proved on ($PYTHON_OLDEST to $PYTHON_NEWEST); the Docker image uses $PYTHON_IMAGE"
  else
    ok "python $version"
  fi
fi

# --- pip and venv, for that Python (required) -----------------------------------
if [ -n "$python" ]; then
  pip_version=$("$python" -m pip --version 2>/dev/null) || pip_version=""
  if [ -n "$pip_version" ]; then
    read -r _ version _ <<<"$pip_version" # "pip 24.0 from /path (python 3.12)"
    ok "pip $version"
  else
    fail "pip: $python -m pip does not run — install it with $(install_hint pip)"
  fi
  if "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    ok "venv: $python -m venv can create environments"
  else
    fail "venv: $python -m venv cannot install pip into an environment — $(install_hint pip)"
  fi
fi

# --- git: 2.28 or newer, for `git init -b main` (required) ----------------------
if ! have git; then
  fail "git: not found — install it with $(install_hint git)"
else
  # "git version 2.39.5", or "git version 2.39.3 (Apple Git-146)" on macOS
  read -r _ _ version _ <<<"$(git --version)"
  if ! at_least "$version" 2.28; then
    fail "git $version: too old, the handbook needs 2.28 or newer (git init -b) — install it with $(install_hint git)"
  else
    ok "git $version"
    # Every commit records who made it; no page sets this for you.
    name=$(git config --global user.name) || name=""
    email=$(git config --global user.email) || email=""
    if [ -z "$name" ] || [ -z "$email" ]; then
      fail "git: who you are is not set — git config --global user.name \"Your Name\"; git config --global user.email you@example.com"
    else
      ok "git identity: $name <$email>"
    fi
  fi
fi

# --- Docker: a client, a daemon that answers, and Compose (optional) ------------
if ! have docker; then
  warn "docker: not found (optional); the Docker chapter will be emulated, and PostgreSQL must come from a local server or pgserver"
else
  read -r _ _ client _ <<<"$(docker --version)" # "Docker version 28.2.2, build e6534b4"
  client=${client%,}
  # The client answers alone; only the server's version proves a daemon is there.
  daemon=$(limited docker version --format '{{.Server.Version}}' 2>/dev/null) || daemon=""
  if [ -z "$daemon" ]; then
    warn "docker: client $client found but no daemon answers; the Docker chapter will be emulated, and PostgreSQL must come from a local server or pgserver"
  else
    ok "docker $client (daemon $daemon answers)"
  fi
  compose=$(limited docker compose version --short 2>/dev/null) || compose=""
  if [ -n "$compose" ]; then
    ok "docker compose $compose"
  else
    warn "docker compose: the Compose plugin is missing; install it for the Docker chapter (https://docs.docker.com/compose/install/)"
  fi
fi

# --- psql, pg_dump, pg_restore: the PostgreSQL client (optional) -----------------
# The Configuration, Testing, Database and Rollback chapters call them; with Docker,
# the database container has them too, so a missing client is a warning.
if ! have psql; then
  warn "psql: not found (optional); $(install_hint postgresql), or use the container's: docker compose exec db psql"
else
  read -r _ _ version _ <<<"$(psql --version)" # "psql (PostgreSQL) 16.4 (Debian 16.4-1)"
  if at_least "$version" "$POSTGRESQL"; then
    ok "psql $version"
  else
    warn "psql $version: older than our PostgreSQL $POSTGRESQL; pg_dump ${version%%.*} cannot dump a $POSTGRESQL server, use the container's: docker compose exec db pg_dump"
  fi
fi
# Your PostgreSQL server: psql reaches it with no arguments, through the PG* variables
# in your profile (or libpq's defaults), as a role that may create databases and roles.
# From Configuration on, pages make their own database with createdb, and a role.
if have psql; then
  role=$(limited psql -d postgres -XAtc "SELECT current_user || ' ' || ((rolcreatedb AND rolcreaterole) OR rolsuper)::text FROM pg_roles WHERE rolname = current_user" 2>/dev/null) || role=""
  server=$(limited psql -d postgres -XAtc "SHOW server_version" 2>/dev/null) || server=""
  if [ -z "$role" ]; then
    warn "postgresql server: none answers ${PGHOST:+at $PGHOST }(optional today); the chapters from Configuration on need one — set PGHOST, PGPORT, PGUSER and PGPASSWORD in ~/.bashrc"
  elif [ "${role#* }" != true ]; then
    warn "postgresql server ${server%% *}: role ${role% *} may not create databases and roles; the chapters run createdb and CREATE ROLE — ALTER ROLE ${role% *} CREATEDB CREATEROLE"
  else
    ok "postgresql server ${server%% *}: role ${role% *} may create databases and roles"
  fi
fi
# pg_dump and pg_restore: backups and restores, in the Database and Rollback chapters.
# They come with psql; an older pg_dump refuses to dump a newer server.
check_postgresql_client pg_dump "it refuses to dump a $POSTGRESQL server"
check_postgresql_client pg_restore "it cannot read a $POSTGRESQL pg_dump's backups"
# createdb and dropdb: pages make and remove their own database on your server.
check_tool createdb optional "the chapters from Configuration on make their database with it"
check_tool dropdb optional "the chapters from Configuration on remove their database with it"

# --- Other databases' clients (optional) ------------------------------------------
# Only the Database chapter calls them, for the backup and restore of the database it
# runs on (PostgreSQL by default): the project reaches every database through Django.
check_tool sqlite3 optional "the Database chapter's SQLite backup and restore need it"
check_tool mariadb optional "the Database chapter's MariaDB restore needs it"
check_tool mariadb-dump optional "the Database chapter's MariaDB backup needs it"

# --- Redis (optional) ------------------------------------------------------------
# Background tasks and caching starts a Redis of its own and asks it questions.
check_tool redis-server optional "Background tasks and caching starts a Redis of its own with it"
check_tool redis-cli optional "Background tasks and caching asks its Redis with it"

# --- The Docker image's Python, beside yours (optional) ---------------------------
# Upgrades tests the project on it, and moves the project to Django 6, which needs it.
# tests/test_needs.py keeps its name equal to PYTHON_IMAGE.
# A pyenv shim answers for a Python that pyenv does not make global, and then fails.
why="Upgrades tests the project on it and moves it to Django 6"
if ! have python3.12; then
  warn "python3.12: not found (optional); $why — $(install_hint python3.12)"
elif ! version=$(python3.12 -c 'import platform; print(platform.python_version())' 2>/dev/null); then
  warn "python3.12: found, but it does not run (optional); $why — with pyenv, name it in pyenv global, after yours"
else
  ok "python3.12 $version"
fi

# --- Build tools for mysqlclient, the MariaDB driver (optional) -------------------
# Only a project run on MariaDB or MySQL installs mysqlclient (requirements-mariadb.txt),
# and pip builds it from source everywhere but Windows: it needs a C compiler, Python's
# headers, pkg-config, and the MariaDB (or MySQL) client library.
case "$OSTYPE" in
  msys* | cygwin* | win*) ;; # Windows installs mysqlclient from a wheel
  *)
    missing=""
    if ! have cc && ! have gcc && ! have clang; then missing="$missing, a C compiler"; fi
    if [ -n "$python" ] && ! "$python" -c 'import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
      missing="$missing, Python headers"
    fi
    library=""
    if [ -n "${MYSQLCLIENT_CFLAGS:-}" ] && [ -n "${MYSQLCLIENT_LDFLAGS:-}" ]; then
      library="from MYSQLCLIENT_CFLAGS"
    elif ! have pkg-config; then
      missing="$missing, pkg-config"
    else
      # The names mysqlclient's own build looks for, in its order.
      for module in mysqlclient mariadb libmariadb perconaserverclient; do
        if pkg-config --exists "$module"; then
          library=$module
          break
        fi
      done
    fi
    if [ -z "$library" ] && have pkg-config; then missing="$missing, the MariaDB client library"; fi
    if [ -n "$missing" ]; then
      warn "build tools for mysqlclient: missing ${missing#, } (optional); the Database chapter's MariaDB steps build the MariaDB driver with them — $(install_hint build)"
    else
      ok "build tools for mysqlclient: C compiler, Python headers, client library ($library)"
    fi
    ;;
esac

# --- curl (required) --------------------------------------------------------------
# Project setup, on the first morning, checks with curl that runserver answers, and the
# Docker, Deployment and Security chapters ask their servers with it: without curl the
# onboarding path cannot be followed as written.
check_tool curl required "Project setup and later chapters ask the running site with it"

# --- The Deployment and Security chapters' tools (optional) -----------------------
# A week-one reader runs nginx in front of gunicorn on their own machine, with a
# self-signed certificate. Without these, those two chapters' nginx steps cannot be
# followed; the first day's chapters need none of them.
check_tool openssl optional "the Deployment and Security chapters make a certificate with it"
check_tool envsubst optional "the Deployment and Security chapters fill in the nginx site with it"
check_tool nginx optional "the Deployment and Security chapters' nginx steps need it"
check_tool pgrep optional "the Deployment chapter counts gunicorn's workers with it"

# --- kubectl: the team's cluster (optional) ---------------------------------------
# Only a real deploy or rollback talks to the cluster; deploy.sh --dry-run, which the
# Deployment chapter runs, does not.
check_tool kubectl optional "only real deploys and rollbacks to the team's cluster need it"

# --- poetry: shown when present; the handbook installs with pip ------------------
if have poetry; then
  read -r _ _ version _ <<<"$(poetry --version 2>/dev/null)" # "Poetry (version 2.1.2)"
  ok "poetry ${version%)} (not needed: the handbook installs with pip)"
fi

if [ "$failures" -gt 0 ]; then
  echo "not ready: fix the FAIL lines above, then run this check again"
  exit 1
fi
echo "ready: every required tool is here"
