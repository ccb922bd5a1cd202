#!/usr/bin/env bash
# Run dondoc on SQLite with the example plans in config/: set up, load,
# print today's overdue report, then serve the web app and the scheduler
# on http://127.0.0.1:8000 (outgoing mail is captured in var/mail/).
# DONDOC_DEMO_PROVINCE="Đồng Nai" (a name or an official code, e.g. 75): also
# seed that province's agencies from the official list into
# var/agencies-seeded.yaml and load them (their emails are empty: reminders
# to them are held, see `dondoc status`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p var
export DONDOC_DATABASE_URL=${DONDOC_DATABASE_URL:-sqlite:///var/dondoc.db}
.venv/bin/dondoc init
.venv/bin/dondoc load config/
if [ -n "${DONDOC_DEMO_PROVINCE:-}" ]; then
  seeded=var/agencies-seeded.yaml
  .venv/bin/dondoc agencies seed --province "$DONDOC_DEMO_PROVINCE" --out "$seeded" --force
  .venv/bin/dondoc load "$seeded"
fi
.venv/bin/dondoc report overdue
password=${DONDOC_ADMIN_PASSWORD:-admin-demo}
echo "$password" | .venv/bin/dondoc user add admin --role admin --password-stdin 2>/dev/null \
  || echo "(người dùng admin đã có / admin user exists)"
echo "Đăng nhập / log in at http://${DONDOC_HOST:-127.0.0.1}:${DONDOC_PORT:-8000}/login : admin / $password"
exec .venv/bin/dondoc serve --host "${DONDOC_HOST:-127.0.0.1}" --port "${DONDOC_PORT:-8000}"
