#!/usr/bin/env bash
# Set up and run the whole test suite: SQLite always, PostgreSQL on
# 127.0.0.1:5432 when it is there (required when CI is set), real SMTP
# servers (aiosmtpd), real browser tests (Debian chromium via Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null; }) \
    || echo "warning: could not install chromium; browser tests will be skipped outside CI"
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
export PREFECT_SERVER_ANALYTICS_ENABLED=false
if [ "$#" -eq 0 ] || [ -n "${CI:-}" ]; then  # the whole suite (and CI) also lints: a new finding fails the run
  .venv/bin/ruff check dondoc tests bench
  .venv/bin/mypy
fi
if [ -n "${CI:-}" ] || [ -n "${DONDOC_CHECK_WHEEL:-}" ]; then
  scripts/check_wheel.sh   # the wheel alone (no lock file) installs and runs: a few minutes, so in CI or on request
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
