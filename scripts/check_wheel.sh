#!/usr/bin/env bash
# Packaging check (issue 15.8): build the wheel, install it into a fresh
# virtualenv WITHOUT requirements.lock (so pyproject.toml alone must declare
# every runtime dependency), then run `dondoc --help`, `dondoc init` and
# `dondoc load config/` from that virtualenv in an empty folder.
# PYTHON: the interpreter for the fresh venv (default python3);
# WHEELHOUSE: a folder of wheels to install from with --no-index (offline CI).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PYTHON=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/dondoc-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
builder=.venv/bin/python
[ -x "$builder" ] || builder=$PYTHON
# Build from a copy of the tracked files: setuptools leaves build/ and *.egg-info beside the sources.
mkdir "$work/src" && git ls-files -z | xargs -0 cp --parents -t "$work/src"
"$builder" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/src"
"$PYTHON" -m venv "$work/venv"
if [ -n "${WHEELHOUSE:-}" ]; then
  "$work/venv/bin/pip" install --quiet --no-index --find-links "$WHEELHOUSE" "$work"/dist/dondoc-*.whl
else
  "$work/venv/bin/pip" install --quiet "$work"/dist/dondoc-*.whl
fi
mkdir "$work/site" && cp -r "$root/config" "$work/site/config" && cd "$work/site"
export DONDOC_DATABASE_URL="sqlite:///$work/site/dondoc.db"
"$work/venv/bin/dondoc" --help >/dev/null
"$work/venv/bin/dondoc" init
"$work/venv/bin/dondoc" load config/ 2>/dev/null
echo "wheel check: ok (installed without the lock file; --help, init, load config/)"
