#!/usr/bin/env bash
# Make a real PostgreSQL server available to the test suite and print its URL.
#
#   export EVENKEEL_TEST_POSTGRES="$(bash scripts/ensure-postgres.sh)"   # start (or reuse)
#   bash scripts/ensure-postgres.sh stop                                 # stop it again
#
# Why a private, throwaway cluster instead of Debian's own "main" cluster:
#  * CI runs in containers without systemd or a working init, so `service postgresql
#    start` / `systemctl` / pg_ctlcluster are not something we can rely on. We drive
#    the server binaries (initdb, pg_ctl) directly instead.
#  * It never touches a system cluster a developer may have (port 5432, /var/lib/postgresql,
#    their roles and databases): everything lives under the repository's target/pg/
#    (git-ignored; `rm -rf target/pg` after `stop` wipes it) on its own port.
#  * It listens on 127.0.0.1 only (plus a unix socket inside target/pg), so --auth=trust
#    is not reachable from other machines. fsync is off: the data is disposable.
#
# Behaviour:
#  * If no server binaries exist under /usr/lib/postgresql/*/bin, installs Debian's
#    `postgresql` package with apt-get (as root, or via `sudo -n`), with creation of the
#    Debian "main" cluster disabled (we don't want a second server started).
#  * initdb target/pg/data (--auth=trust --username=postgres -E UTF8 --locale=C) if it is
#    missing, half-created or from another major version; start it with
#    `pg_ctl -w -l target/pg/log start`, or reuse it when it is already running.
#  * initdb/pg_ctl refuse to run as root: as root the cluster belongs to the `postgres`
#    user (or `nobody` if that user doesn't exist), commands run via runuser/su/setpriv.
#    If that user cannot reach target/pg (e.g. the checkout is under /root, mode 700),
#    the cluster goes to /tmp/evenkeel-pg-<hash of the repo path> instead (logged).
#  * Port: 54329, or $EVENKEEL_PG_PORT. Database `evenkeel_test` is created if missing.
#  * stdout gets exactly one line, postgres://postgres@127.0.0.1:PORT/evenkeel_test;
#    all other output goes to stderr. `stop` prints nothing on stdout and succeeds when
#    nothing is running (or nothing was ever set up).
# Idempotent, non-interactive (never reads stdin). Concurrent calls serialize on a lock.
# Environment: EVENKEEL_PG_PORT (port), EVENKEEL_PG_BINDIR (use these server binaries),
#              EVENKEEL_PG_USER (as root: run the cluster as this user).
set -euo pipefail

# Keep the real stdout on fd 3 for the URL alone; everything else goes to stderr.
exec 3>&1 1>&2 </dev/null
export DEBIAN_FRONTEND=noninteractive

log() { echo "ensure-postgres: $*" >&2; }
die() { echo "ensure-postgres: error: $*" >&2; exit 1; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DB=evenkeel_test
PORT=${EVENKEEL_PG_PORT:-54329}
case "$PORT" in
  '' | *[!0-9]*) die "EVENKEEL_PG_PORT must be a number, got '$PORT'" ;;
esac
[ "$PORT" -ge 1024 ] && [ "$PORT" -le 65535 ] || die "EVENKEEL_PG_PORT must be in 1024..65535, got $PORT"

ACTION=${1:-start}
case "$ACTION" in
  start | stop) ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "usage: $0 [start|stop]" ;;
esac

# ---------------------------------------------------------------- server binaries
find_bindir() {
  if [ -n "${EVENKEEL_PG_BINDIR:-}" ]; then
    printf '%s\n' "$EVENKEEL_PG_BINDIR"
    return 0
  fi
  local d
  # Highest major version first.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  done
  return 1
}

install_postgresql() {
  command -v apt-get >/dev/null 2>&1 \
    || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin and apt-get not found; install PostgreSQL by hand (or set EVENKEEL_PG_BINDIR)"
  local SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 \
      || die "no PostgreSQL server binaries, not root and sudo not found; run as root or: apt-get install postgresql"
    sudo -n true 2>/dev/null \
      || die "no PostgreSQL server binaries and 'sudo -n' needs a password; run as root or: sudo apt-get install postgresql"
    SUDO=(sudo -n)
  fi
  local APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
    -o DPkg::Lock::Timeout=300)
  log "no PostgreSQL server binaries found; installing Debian package postgresql (apt-get)"
  "${SUDO[@]}" apt-get -q update >&2 || die "apt-get update failed"
  # postgresql-common first, so the Debian "main" cluster can be switched off before the
  # server package's postinst would initdb (and try to start) it.
  "${APT[@]}" install --no-install-recommends postgresql-common >&2 \
    || die "apt-get install postgresql-common failed"
  local cc=/etc/postgresql-common/createcluster.conf
  if [ -f "$cc" ] && ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=' "$cc"; then
    log "disabling creation of Debian's default 'main' cluster ($cc)"
    printf '\n# Added by evenkeel scripts/ensure-postgres.sh: it runs its own private cluster.\ncreate_main_cluster = false\n' \
      | "${SUDO[@]}" tee -a "$cc" >/dev/null || log "warning: could not edit $cc (a 'main' cluster may be created)"
  fi
  "${APT[@]}" install --no-install-recommends postgresql >&2 || die "apt-get install postgresql failed"
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  if [ "$ACTION" = stop ]; then
    log "no PostgreSQL server binaries; nothing to stop"
    exit 0
  fi
  install_postgresql
  BINDIR=$(find_bindir) || die "apt-get installed postgresql but no initdb/pg_ctl/postgres under /usr/lib/postgresql/*/bin"
fi
for b in initdb pg_ctl postgres; do
  [ -x "$BINDIR/$b" ] || die "$BINDIR/$b is missing or not executable"
done
PSQL=$BINDIR/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql) || die "psql not found (Debian: apt-get install postgresql-client)"
PG_MAJOR=$("$BINDIR/postgres" -V | awk '{print $3}' | cut -d. -f1)
[ -n "$PG_MAJOR" ] || die "cannot tell the version of $BINDIR/postgres"

# ---------------------------------------------------------------- who runs the cluster
# initdb, pg_ctl and postgres refuse to run as root.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  if [ -n "${EVENKEEL_PG_USER:-}" ]; then
    RUN_USER=$EVENKEEL_PG_USER
  elif getent passwd postgres >/dev/null 2>&1; then
    RUN_USER=postgres
  else
    RUN_USER=nobody
  fi
  getent passwd "$RUN_USER" >/dev/null 2>&1 || die "user '$RUN_USER' does not exist"
  [ "$(id -u "$RUN_USER")" -ne 0 ] || die "the cluster cannot be run as a uid-0 user ('$RUN_USER')"
  RUN_GROUP=$(id -gn "$RUN_USER")
  if command -v runuser >/dev/null 2>&1 && runuser -u "$RUN_USER" -- true 2>/dev/null; then
    RUN_AS=(runuser -u "$RUN_USER" --)
  elif command -v setpriv >/dev/null 2>&1 \
    && setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups true 2>/dev/null; then
    RUN_AS=(setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups)
  elif su -s /bin/sh -c 'exec "$0" "$@"' "$RUN_USER" -- true 2>/dev/null; then
    RUN_AS=(su -s /bin/sh -c 'exec "$0" "$@"' "$RUN_USER" --)
  else
    die "running as root, but cannot switch to user '$RUN_USER' (runuser/setpriv/su all failed)"
  fi
else
  RUN_USER=$(id -un)
  RUN_GROUP=$(id -gn)
fi
# Run a command as the cluster owner, from / (its cwd may be unreadable to that user).
as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }

# ---------------------------------------------------------------- where the cluster lives
FALLBACK_ROOT=${TMPDIR:-/tmp}/evenkeel-pg-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)
PGROOT=$REPO/target/pg

# $1 = create|nocreate. Sets PGROOT; returns 1 when nothing exists and nocreate.
resolve_pgroot() {
  local mode=$1
  if [ "$mode" = create ]; then
    mkdir -p "$PGROOT"
  elif [ ! -d "$PGROOT" ]; then
    return 1
  fi
  [ "$(id -u)" -eq 0 ] || return 0
  if [ "$mode" = create ]; then
    chown "$RUN_USER:$RUN_GROUP" "$PGROOT"
    chmod 700 "$PGROOT"
  fi
  if as_owner test -w "$PGROOT" -a -x "$PGROOT"; then
    return 0
  fi
  # The owner can't reach $REPO/target/pg (a parent directory is not traversable for it).
  PGROOT=$FALLBACK_ROOT
  if [ "$mode" = create ]; then
    log "user '$RUN_USER' cannot reach $REPO/target/pg; using $PGROOT instead"
    printf '%s\n' "$PGROOT" >"$REPO/target/pg/ELSEWHERE"
    [ ! -L "$PGROOT" ] || die "$PGROOT is a symlink; refusing to use it"
    mkdir -p -m 700 "$PGROOT"
    chown "$RUN_USER:$RUN_GROUP" "$PGROOT"
    chmod 700 "$PGROOT"
  elif [ ! -d "$PGROOT" ]; then
    return 1
  fi
}

# Take the per-cluster lock (fd 9) so concurrent invocations serialize.
take_lock() {
  if [ ! -w "$PGROOT" ] || { [ -e "$PGROOT/.lock" ] && [ ! -w "$PGROOT/.lock" ]; }; then
    die "$PGROOT is not writable for $(id -un) (owned by $(stat -c %U "$PGROOT"); set up by a root run?); run this as root, or as root: scripts/ensure-postgres.sh stop && rm -rf $PGROOT"
  fi
  exec 9>>"$PGROOT/.lock"
  flock -w 120 9 || die "timed out waiting for the lock on $PGROOT/.lock"
}

pg_ctl_() { as_owner "$BINDIR/pg_ctl" "$@"; }

# Like pg_ctl_, but with every file descriptor above 2 closed first: the server daemon
# inherits them, and an inherited fd 3 (the caller's $(...) pipe) or fd 9 (our lock)
# would make `URL=$(ensure-postgres.sh)` hang and keep the lock held for the server's life.
pg_ctl_start_() {
  (
    cd /
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null || continue
      { eval "exec $fd>&-"; } 2>/dev/null || true
    done
    exec "${RUN_AS[@]}" "$BINDIR/pg_ctl" "$@"
  )
}

# Removes postmaster.pid when its pid is no longer a postgres process (stale after a
# reboot/container restart, where the pid may now belong to something else).
clear_stale_pidfile() {
  local pidfile=$DATA/postmaster.pid pid exe
  [ -f "$pidfile" ] || return 0
  pid=$(head -n1 "$pidfile" 2>/dev/null || true)
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  if [ -z "$exe" ] || [ "$(basename "${exe% (deleted)}")" != postgres ]; then
    log "removing stale $pidfile (pid $pid is not a running postgres)"
    rm -f "$pidfile"
  fi
}

is_running() { pg_ctl_ -D "$DATA" status >/dev/null 2>&1; }

# Port the running postmaster listens on (line 4 of postmaster.pid).
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }

stop_cluster() {
  clear_stale_pidfile
  if is_running; then
    log "stopping PostgreSQL in $DATA"
    pg_ctl_ -D "$DATA" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed (see $LOG)"
  fi
}

# ---------------------------------------------------------------- stop
if [ "$ACTION" = stop ]; then
  if ! resolve_pgroot nocreate; then
    log "no cluster under $REPO/target/pg; nothing to stop"
    exit 0
  fi
  DATA=$PGROOT/data
  LOG=$PGROOT/log
  take_lock
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "no initialized cluster in $DATA; nothing to stop"
    exit 0
  fi
  if is_running; then
    stop_cluster
    log "stopped"
  else
    clear_stale_pidfile
    log "not running; nothing to stop"
  fi
  exit 0
fi

# ---------------------------------------------------------------- start / reuse
resolve_pgroot create
DATA=$PGROOT/data
LOG=$PGROOT/log
SOCKDIR=$PGROOT/run

# Serialize concurrent invocations (e.g. parallel CI steps) on this cluster.
take_lock

# A data dir from another major version, or a half-finished initdb, is thrown away.
if [ -d "$DATA" ]; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "$DATA exists but is not an initialized cluster; recreating it"
    rm -rf "$DATA"
  elif [ "$(cat "$DATA/PG_VERSION")" != "$PG_MAJOR" ]; then
    log "$DATA is from PostgreSQL $(cat "$DATA/PG_VERSION"), binaries are $PG_MAJOR; recreating it"
    stop_cluster || true
    rm -rf "$DATA"
  fi
fi
if [ -d "$DATA" ] && [ "$(stat -c %U "$DATA")" != "$RUN_USER" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "$DATA is owned by $(stat -c %U "$DATA"); handing it to $RUN_USER"
    stop_cluster || true
    chown -R "$RUN_USER:$RUN_GROUP" "$DATA"
  else
    die "$DATA is owned by $(stat -c %U "$DATA"), not $RUN_USER; remove it (rm -rf $DATA) or run as that user"
  fi
fi

if [ ! -d "$DATA" ]; then
  log "initdb $DATA (PostgreSQL $PG_MAJOR, owner $RUN_USER)"
  if ! as_owner "$BINDIR/initdb" -D "$DATA" --auth=trust --username=postgres -E UTF8 --locale=C \
    --no-sync >"$PGROOT/initdb.log" 2>&1; then
    cat "$PGROOT/initdb.log" >&2 || true
    rm -rf "$DATA"
    die "initdb failed (output above, also in $PGROOT/initdb.log)"
  fi
  printf "\n# Added by scripts/ensure-postgres.sh; evenkeel.conf is rewritten on every start.\ninclude_if_exists = 'evenkeel.conf'\n" \
    >>"$DATA/postgresql.conf"
fi

# Unix socket paths are limited to 107 bytes; a deep checkout gets TCP only.
SOCKETS=$SOCKDIR
if [ $((${#SOCKDIR} + 25)) -gt 107 ]; then
  log "socket directory path too long for a unix socket; TCP only"
  SOCKETS=
fi
mkdir -p "$SOCKDIR"
[ "$(id -u)" -ne 0 ] || chown "$RUN_USER:$RUN_GROUP" "$SOCKDIR"
chmod 700 "$SOCKDIR"

write_conf() {
  local tmp=$DATA/evenkeel.conf.tmp sockets_sql=${SOCKETS//"'"/"''"}
  cat >"$tmp" <<EOF
# Written by scripts/ensure-postgres.sh on each start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$sockets_sql'
max_connections = 200
# Throwaway test data: durability is not needed, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  [ "$(id -u)" -ne 0 ] || chown "$RUN_USER:$RUN_GROUP" "$tmp"
  mv -f "$tmp" "$DATA/evenkeel.conf"
}

# Is anything accepting TCP connections on 127.0.0.1:$1?
port_in_use() { timeout 3 bash -c 'exec 5<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

pg_ready() {
  PGCONNECT_TIMEOUT=3 "$PSQL" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    -tAc 'select 1' >/dev/null 2>&1
}

clear_stale_pidfile
if is_running; then
  rport=$(running_port)
  if [ "$rport" != "$PORT" ]; then
    log "cluster in $DATA is running on port ${rport:-?}, want $PORT; restarting"
    stop_cluster
  else
    log "reusing running PostgreSQL in $DATA (port $PORT)"
  fi
fi

if ! is_running; then
  if port_in_use "$PORT"; then
    die "port $PORT on 127.0.0.1 is already in use by something else; pick another with EVENKEEL_PG_PORT=..."
  fi
  write_conf
  # Keep the log from growing without bound across many runs.
  if [ -f "$LOG" ] && [ "$(stat -c %s "$LOG")" -gt $((10 * 1024 * 1024)) ]; then
    mv -f "$LOG" "$LOG.old"
  fi
  if [ ! -e "$LOG" ]; then
    : >"$LOG"
    [ "$(id -u)" -ne 0 ] || chown "$RUN_USER:$RUN_GROUP" "$LOG"
  fi
  log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PORT (data $DATA, log $LOG)"
  if ! pg_ctl_start_ -D "$DATA" -l "$LOG" -w -t 60 start >&2; then
    tail -n 30 "$LOG" >&2 || true
    die "pg_ctl start failed (log above, also in $LOG)"
  fi
fi

# pg_ctl -w waits for the server, but a reused one may still be starting up.
for _ in $(seq 1 60); do
  pg_ready && break
  sleep 0.5
done
pg_ready || die "PostgreSQL in $DATA is running but does not accept connections on 127.0.0.1:$PORT (see $LOG)"

psql_() {
  PGCONNECT_TIMEOUT=10 PGSSLMODE=disable PGOPTIONS= "$PSQL" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}
if [ "$(psql_ -d postgres -tAc "select 1 from pg_database where datname = '$DB'")" != 1 ]; then
  log "creating database $DB"
  psql_ -d postgres -c "create database $DB" >&2 || die "could not create database $DB"
fi
psql_ -d "$DB" -tAc 'select 1' >/dev/null || die "cannot connect to database $DB"

echo "postgres://postgres@127.0.0.1:$PORT/$DB" >&3
