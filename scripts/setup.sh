#!/usr/bin/env bash
# Create (or reuse) the virtual environment with the locked versions from constraints.txt.
# DLBENCH_VENV picks its location (default .venv); packages are reinstalled only when the lock changes.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${DLBENCH_VENV:-.venv}"
stamp=$(cat constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV (first time: a few minutes, torch is large)" >&2
    python3 -m venv "$VENV"
fi
if [ "$(cat "$VENV/.dlbench-stamp" 2>/dev/null)" != "$stamp" ]; then
    # install (or bring up to date) the locked versions; an existing venv is updated, never deleted
    echo "setup: installing the locked versions into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -c constraints.txt -e ".[dev]"
    echo "$stamp" > "$VENV/.dlbench-stamp"
else
    # cheap: point the editable install at this checkout (CI reuses one venv across clones)
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q --no-deps -e .
fi
"$VENV/bin/python" -c "import torchvision.ops, torch; print('setup: torch', torch.__version__, 'torchvision', torchvision.__version__)" >&2
# the real data Debian packages (Fashion-MNIST), where apt is available; elsewhere the tasks take data.path
if command -v apt-get >/dev/null 2>&1; then
    bash scripts/install_data.sh || echo "setup: could not install dataset-fashion-mnist; fashion-mnist tasks need data.path" >&2
fi
