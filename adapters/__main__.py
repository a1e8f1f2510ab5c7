"""`python -m adapters`: the full command line with the platforms (see adapters/cli.py)."""

from __future__ import annotations

import sys

from adapters.cli import main

if __name__ == "__main__":
    sys.exit(main())
