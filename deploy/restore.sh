#!/usr/bin/env bash
# Restore Stridelog's PostgreSQL database from a backup.sh file: the tables the dump holds are
# dropped and recreated (pg_restore --clean --if-exists) in one transaction, so a failed restore
# leaves the database as it was.
#
#   restore.sh [--yes] DUMP_FILE [DATABASE_URL]
#
# Stop the dashboard first (systemctl stop stridelog): the restore refuses while anyone else is
# connected. The URL is the app's, from the argument or STRIDELOG_DATABASE_URL in
# /etc/stridelog/env; the database and the role must exist (as on first setup). The tables are
# recreated as that role and owned by it (--no-owner --role=ROLE), so the dump of one server
# restores on another. The rows go in before row-level security is switched back on, which is
# why the app's role can restore what it could not dump. --yes skips the question.
set -euo pipefail
umask 077

ENV_FILE=${STRIDELOG_ENV_FILE:-/etc/stridelog/env}

say() { printf 'restore: %s\n' "$*"; }
die() { printf 'restore: %s\n' "$*" >&2; exit 1; }
urldecode() {
    local s=${1//\\/\\\\}
    printf '%b' "${s//%/\\x}"
}

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

yes=no
if [[ ${1:-} == --yes ]]; then
    yes=yes
    shift
fi
(($# == 1 || $# == 2)) || die "usage: restore.sh [--yes] DUMP_FILE [DATABASE_URL]"
file=$1
[[ -r $file ]] || die "cannot read $file"
listing=$(pg_restore --list "$file") || die "$file is not a pg_dump --format=custom file"
say "$file: $(grep -c ' TABLE DATA ' <<<"$listing" || true) tables, dumped $(
    sed -n 's/^;[[:space:]]*Archive created at //p' <<<"$listing")"

if (($# == 2)); then url=$2; else url=$(url_from_env_file); fi
# the password travels in PGPASSWORD, not on a command line that `ps` shows to everyone
[[ $url =~ ^(postgres(ql)?://)([^:@/]+)(:([^@]*))?@(.*)$ ]] ||
    die "the database URL must be postgresql://ROLE[:PASSWORD]@HOST[:PORT]/DATABASE"
role=$(urldecode "${BASH_REMATCH[3]}")
if [[ -n ${BASH_REMATCH[4]} ]]; then
    PGPASSWORD=$(urldecode "${BASH_REMATCH[5]}")
    export PGPASSWORD
fi
url="${BASH_REMATCH[1]}${BASH_REMATCH[3]}@${BASH_REMATCH[6]}"
say "into $url, tables owned by $role"
query=(psql --no-psqlrc --no-password --tuples-only --no-align --quiet "--dbname=$url")

others=$("${query[@]}" -c "SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()")
if ((others > 0)); then
    die "$others other connections to the database: stop the dashboard first (systemctl stop stridelog)"
fi

if [[ $yes != yes ]]; then
    [[ -t 0 ]] || die "not asking without a terminal: add --yes"
    read -r -p "restore: replace the tables of this database with the backup? [y/N] " answer
    [[ $answer == [yY]* ]] || die "nothing changed"
fi

say "pg_restore --clean --if-exists --no-owner --role=$role --single-transaction"
pg_restore --clean --if-exists --no-owner "--role=$role" --single-transaction --exit-on-error \
    --no-password "--dbname=$url" "$file"

# Counted the way the app reads: one athlete at a time, through row-level security.
counts=$("${query[@]}" -c "DO \$\$
    DECLARE a record; n bigint; total bigint := 0;
    BEGIN
        FOR a IN SELECT athlete_id FROM athletes LOOP
            PERFORM set_config('stridelog.athlete_id', a.athlete_id, true);
            SELECT count(*) INTO n FROM activities WHERE athlete_id = a.athlete_id;
            total := total + n;
        END LOOP;
        RAISE NOTICE 'counted: % people, % athletes, % activities',
            (SELECT count(*) FROM people), (SELECT count(*) FROM athletes), total;
    END \$\$" 2>&1 | sed -n 's/^.*counted: //p') || true
say "done: ${counts:-restored (tables not counted)}"
say "start the dashboard again: systemctl start stridelog"
