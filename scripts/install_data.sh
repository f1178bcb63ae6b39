#!/usr/bin/env bash
# Install the real data that Debian packages: dataset-fashion-mnist puts Fashion-MNIST's four gzipped
# IDX files (Xiao et al. 2017; 60,000 train and 10,000 test images, 30 MB) in /usr/share/datasets/fashion-mnist,
# where the fashion-mnist tasks find them with no data.path and no hub.
# Idempotent: does nothing when the files are already there. Uses sudo only when not root.
# Elsewhere: put the four files (github.com/zalandoresearch/fashion-mnist, data/fashion) in a folder
# and pass data.path=FOLDER.
set -euo pipefail
FOLDER=/usr/share/datasets/fashion-mnist
missing=0
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$FOLDER/$name.gz" ] || missing=1
done
if [ "$missing" -eq 0 ]; then
    echo "install_data: Fashion-MNIST already installed ($FOLDER)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_data: no apt-get here; put Fashion-MNIST's four IDX files in a folder and pass data.path=FOLDER" >&2
    exit 1
fi
bash "$(dirname "$0")/apt_install.sh" install_data dataset-fashion-mnist
echo "install_data: installed dataset-fashion-mnist in $FOLDER" >&2
