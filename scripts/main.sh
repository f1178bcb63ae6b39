#!/usr/bin/env bash
# The main job: set up if needed, run every digits baseline on profile=default, print the results
# table beside scikit-learn's LogisticRegression and SVC on the same split.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${DLBENCH_VENV:-.venv}"
exec "$VENV/bin/python" benchmarks/digits_baselines.py "$@"
