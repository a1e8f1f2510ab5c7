"""`python -m bot`: the command line (see bot/cli.py)."""

from __future__ import annotations

import os
import sys

# No pydantic plugin is used here, and looking for them scans every installed package's
# metadata at start-up (tens of ms). setdefault: an operator who wants plugins can still set it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from bot.cli import main  # after the variable above: pydantic reads it once

if __name__ == "__main__":
    sys.exit(main())
