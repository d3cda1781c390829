#!/bin/sh
# Backs up the database that DATABASE_URL names, in PostgreSQL's custom format, and
# checks that pg_restore can read the file back. Prints the file's path.
#
#   deploy/backup.sh FOLDER NAME        e.g. deploy/backup.sh /backups v1.4.0
#
# The release Job (deploy/k8s/migrate.yaml) runs it before every migration: no
# backup, no migration. The file's name has the time, so a deploy run twice keeps
# both backups. pg_dump refuses a server newer than itself: the Job's image is
# postgres:16, the version of the team's server.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: deploy/backup.sh FOLDER NAME" >&2
  exit 2
fi
file="$1/$2-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --file "$file" "$DATABASE_URL"
pg_restore --list "$file" >/dev/null
echo "$file"
