#!/usr/bin/env bash
# Run dondoc on SQLite with the example plans in config/: set up, load,
# print today's overdue report, then serve the web app and the scheduler
# on http://127.0.0.1:8000 (outgoing mail is captured in var/mail/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p var
export DONDOC_DATABASE_URL=${DONDOC_DATABASE_URL:-sqlite:///var/dondoc.db}
.venv/bin/dondoc init
.venv/bin/dondoc load config/
.venv/bin/dondoc report overdue
if .venv/bin/dondoc user --help >/dev/null 2>&1; then
  .venv/bin/dondoc user add admin --role admin --password "${DONDOC_ADMIN_PASSWORD:-admin-demo}" --if-missing || true
  echo "Đăng nhập / log in: admin / ${DONDOC_ADMIN_PASSWORD:-admin-demo}"
fi
exec .venv/bin/dondoc serve --host "${DONDOC_HOST:-127.0.0.1}" --port "${DONDOC_PORT:-8000}"
