#!/usr/bin/env bash
# The test command (README and .ci/run): set up if needed, then the default pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${DLBENCH_VENV:-.venv}"
exec "$VENV/bin/python" -m pytest -q "$@"
