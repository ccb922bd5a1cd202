#!/usr/bin/env bash
# Run dondoc on SQLite with the example plans in config/: set up, load them
# as a coordinator would have on 20/05/2023 (both plans issued, nothing yet
# swept), print the overdue report of 15/07/2023, then serve the web app and
# the scheduler on http://127.0.0.1:8000 (outgoing mail is captured in
# var/mail/). The scheduler sweeps at today's date; the README's example
# commands use their own database (var/example.db), so what they print does
# not depend on whether this server has swept already.
# DONDOC_DEMO_PROVINCE="Đồng Nai" (a name or an official code, e.g. 75): also seed that province's
# agencies from the official list into var/agencies-seeded.yaml and load them (their emails are empty:
# reminders to them are held, see `dondoc status`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p var
export DONDOC_DATABASE_URL=${DONDOC_DATABASE_URL:-sqlite:///var/dondoc.db}
.venv/bin/dondoc init
DEMO_LOADED=${DONDOC_DEMO_LOADED:-2023-05-20}
.venv/bin/dondoc load config/ --now "$DEMO_LOADED"
if [ -n "${DONDOC_DEMO_PROVINCE:-}" ]; then
  seeded=var/agencies-seeded.yaml
  .venv/bin/dondoc agencies seed --province "$DONDOC_DEMO_PROVINCE" --out "$seeded" --force
  .venv/bin/dondoc load "$seeded" --now "$DEMO_LOADED"
fi
.venv/bin/dondoc report overdue --as-of 2023-07-15
password=${DONDOC_ADMIN_PASSWORD:-admin-demo}
echo "$password" | .venv/bin/dondoc user add admin --role admin --password-stdin 2>/dev/null \
  || echo "(người dùng admin đã có / admin user exists)"
echo "Đăng nhập / log in at http://${DONDOC_HOST:-127.0.0.1}:${DONDOC_PORT:-8000}/login : admin / $password"
exec .venv/bin/dondoc serve --host "${DONDOC_HOST:-127.0.0.1}" --port "${DONDOC_PORT:-8000}"
