#!/usr/bin/env bash
# Install Debian packages for the install_*.sh scripts: `bash scripts/apt_install.sh NAME PACKAGE...`.
# NAME prefixes the messages. Uses sudo only when not root; without apt-get it says so and exits 3, so the
# caller decides whether that is fatal (install_data) or not (install_browser: its test then skips).
set -euo pipefail
name=$1
shift
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: no apt-get here; install $* by other means" >&2
    exit 3
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "$@"
