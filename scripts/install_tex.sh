#!/usr/bin/env bash
# Install the minimal TeX Live that `bench paper` and the table-compiles test need:
#   texlive-latex-base         pdflatex, the LaTeX kernel, graphicx, geometry
#   texlive-latex-recommended  booktabs, float, caption, subcaption; bibtex comes with the base
#   latexmk                    reruns pdflatex until references settle (bench paper falls back to pdflatex)
# No texlive-latex-extra or texlive-science: the tables use neither siunitx nor multirow.
# Idempotent: does nothing when pdflatex is already on PATH. Uses sudo only when not root.
set -euo pipefail
if command -v pdflatex >/dev/null 2>&1; then
    echo "install_tex: pdflatex already installed ($(command -v pdflatex))" >&2
    exit 0
fi
bash "$(dirname "$0")/apt_install.sh" install_tex texlive-latex-base texlive-latex-recommended latexmk
echo "install_tex: installed $(pdflatex --version | head -1)" >&2
