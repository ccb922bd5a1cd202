#!/usr/bin/env bash
# Render docs/architecture.dot (the text source) to docs/architecture.svg and .png with Graphviz.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dot >/dev/null || { echo "cần Graphviz / needs Graphviz: apt-get install graphviz" >&2; exit 2; }
dot -Tsvg docs/architecture.dot -o docs/architecture.svg
dot -Tpng -Gdpi=110 docs/architecture.dot -o docs/architecture.png
