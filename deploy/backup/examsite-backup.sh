#!/usr/bin/env bash
# Back up the examsite PostgreSQL database with pg_dump, keeping the newest N dumps.
#
#   EXAMSITE_DATABASE_URL   the app's own setting (postgresql://… or postgresql+psycopg://…)
#   EXAMSITE_BACKUP_DIR     where dumps go (default /var/backups/examsite)
#   EXAMSITE_BACKUP_KEEP    how many dumps to keep (default 14)
#
# Each dump is pg_dump's custom format (compressed; pg_restore restores all or part of it),
# named examsite-YYYYmmddTHHMMSS.dump so that names sort by time. A dump is written under a
# temporary name, checked to be a readable archive, and only then renamed: a failed run never
# leaves a half dump that looks whole, and never removes an older dump. Restore: README, 部署.
set -euo pipefail

url="${EXAMSITE_DATABASE_URL:?EXAMSITE_DATABASE_URL is not set}"
url="${url/#postgresql+psycopg:/postgresql:}"
url="${url/#postgres:/postgresql:}"
case "$url" in
  postgresql:*) ;;
  *) echo "examsite-backup: EXAMSITE_DATABASE_URL is not a PostgreSQL URL (for SQLite copy the file with sqlite3 .backup)" >&2
     exit 2 ;;
esac
dir="${EXAMSITE_BACKUP_DIR:-/var/backups/examsite}"
keep="${EXAMSITE_BACKUP_KEEP:-14}"
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "examsite-backup: EXAMSITE_BACKUP_KEEP must be a whole number ≥ 1" >&2
  exit 2
fi

mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%S)"
final="$dir/examsite-$stamp.dump"
partial="$dir/.examsite-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$url" --file="$partial"
pg_restore --list "$partial" >/dev/null   # a readable archive, with its table of contents
mv "$partial" "$final"
echo "examsite-backup: wrote $final ($(du -h "$final" | cut -f1))"

# rotation: keep the newest $keep dumps (names sort by time)
mapfile -t dumps < <(find "$dir" -maxdepth 1 -name 'examsite-*.dump' -printf '%f\n' | sort -r)
for old in "${dumps[@]:$keep}"; do
  rm -f -- "$dir/$old"
  echo "examsite-backup: removed $old"
done
