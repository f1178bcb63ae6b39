"""`python -m cli COMMAND ...` is `bench COMMAND ...` (what multi-process launches start in each worker)."""

import sys

from cli.main import main

sys.exit(main())
