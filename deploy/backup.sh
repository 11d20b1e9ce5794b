#!/usr/bin/env bash
# Back up Stridelog's PostgreSQL database: pg_dump --format=custom into a dated file, then
# delete backups older than N days.
#
#   backup.sh [DATABASE_URL]
#
# Without an argument it reads STRIDELOG_DATABASE_URL from /etc/stridelog/env (the systemd
# unit's file) for the database's name and port, and dumps as the local `postgres` superuser
# over the Unix socket: run it as root (or as postgres). The app's own role cannot make a
# backup: row-level security is forced on its tables, so it sees no athlete's rows outside a
# request and pg_dump refuses ("query would be affected by row-level security policy"). With an
# argument, the URL is used as it is and must name a role that bypasses row-level security (a
# superuser, or one with BYPASSRLS): the way for a database on another machine.
#
# Settings (environment): STRIDELOG_BACKUP_DIR (default /var/backups/stridelog),
# STRIDELOG_BACKUP_DAYS (default 14), STRIDELOG_ENV_FILE (default /etc/stridelog/env), and
# libpq's PGHOST for a socket directory other than /var/run/postgresql.
#
# Nightly, from root's crontab:
#   15 3 * * *  /opt/stridelog/deploy/backup.sh >>/var/log/stridelog-backup.log 2>&1
set -euo pipefail
umask 077
# cron's PATH lacks /usr/sbin, where runuser lives
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

ENV_FILE=${STRIDELOG_ENV_FILE:-/etc/stridelog/env}
BACKUP_DIR=${STRIDELOG_BACKUP_DIR:-/var/backups/stridelog}
KEEP_DAYS=${STRIDELOG_BACKUP_DAYS:-14}

say() { printf 'backup: %s\n' "$*"; }
die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

# a URL with its password replaced, fit to print
masked() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }

url_from_env_file() {
    [[ -r $ENV_FILE ]] || die "cannot read $ENV_FILE (run as root, or pass a database URL)"
    local line value=""
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ ^[[:space:]]*STRIDELOG_DATABASE_URL[[:space:]]*=[[:space:]]*(.*)$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
    done <"$ENV_FILE"
    value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
    [[ -n $value ]] || die "no STRIDELOG_DATABASE_URL line in $ENV_FILE"
    printf '%s' "$value"
}

[[ $KEEP_DAYS =~ ^[0-9]+$ ]] || die "STRIDELOG_BACKUP_DAYS must be a whole number of days"
(($# <= 1)) || die "usage: backup.sh [DATABASE_URL]"

dump=(pg_dump --format=custom --no-password)
if (($# == 1)); then
    url=$1
    say "database $(masked "$url") (as given)"
    dump+=("--dbname=$url")
else
    url=$(url_from_env_file)
    [[ $url =~ ^postgres(ql)?://([^@/]*@)?([^/?]*)(/([^?]*))? ]] ||
        die "STRIDELOG_DATABASE_URL in $ENV_FILE is not a postgresql:// URL"
    hostport=${BASH_REMATCH[3]} db=${BASH_REMATCH[5]}
    [[ -n $db ]] || die "STRIDELOG_DATABASE_URL names no database"
    port=5432
    if [[ $hostport =~ :([0-9]+)$ ]]; then
        port=${BASH_REMATCH[1]} hostport=${hostport%:*}
    fi
    case $hostport in
        "" | 127.0.0.1 | localhost | "[::1]") ;;
        *) die "the database is on $hostport: pass a URL of a role that bypasses row-level security instead" ;;
    esac
    dump+=("--port=$port" "--dbname=$db")
    if [[ $(id -un) != postgres ]]; then
        ((EUID == 0)) || die "run as root (or postgres), or pass a database URL"
        dump=(runuser -u postgres -- "${dump[@]}")
    fi
    say "database $db on port $port, as the local superuser postgres"
fi

mkdir -p "$BACKUP_DIR"
file="$BACKUP_DIR/stridelog-$(date -u +%Y%m%dT%H%M%SZ).dump"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

say "pg_dump --format=custom -> $file"
# the shell writes the file, so the directory may stay root's alone
"${dump[@]}" >"$partial"
listing=$(pg_restore --list "$partial") || die "the dump cannot be read back: kept nothing"
tables=$(grep -c ' TABLE DATA ' <<<"$listing" || true)
mv "$partial" "$file"
say "done: $(du -h "$file" | cut -f1), $tables tables"

say "deleting backups older than $KEEP_DAYS days in $BACKUP_DIR"
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'stridelog-*.dump' \
    -mmin +$((KEEP_DAYS * 1440)) -print -delete | sed 's/^/backup: deleted /'
say "kept $(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'stridelog-*.dump' | wc -l) backups"
