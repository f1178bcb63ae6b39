#!/usr/bin/env bash
# Install Debian's chromium for tests/leaderboard/test_results_page_browser.py, which opens the results page
# (`bench leaderboard format=html`) in it through Playwright: no Playwright browser download, no network at
# test time. Idempotent: does nothing when chromium is already on PATH. Uses sudo only when not root.
# Without apt-get it says so and exits 0: the browser test then skips and the html.parser test still runs.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    echo "install_browser: chromium already installed ($(command -v chromium))" >&2
    exit 0
fi
bash "$(dirname "$0")/apt_install.sh" install_browser chromium || {
    echo "install_browser: chromium not installed; the results page's browser test will skip" >&2
    exit 0
}
echo "install_browser: installed $(chromium --version 2>/dev/null || echo chromium)" >&2
