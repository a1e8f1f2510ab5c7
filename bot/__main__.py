"""`python -m bot`: the command line (see bot/cli.py)."""

from __future__ import annotations

import sys

from bot.startup import prepare

prepare()  # before pydantic is imported: see bot/startup.py

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
