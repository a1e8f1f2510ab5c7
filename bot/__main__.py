"""`python -m bot`: the command line (see bot/cli.py)."""

from __future__ import annotations

import gc
import os
import sys

# Every command here runs once and exits. Start-up makes tens of thousands of objects that live
# until then (classes, validators, the FAQ index), and the cyclic collector would walk them over
# and over for nothing: ~5-10 ms of `ask`. Reference counting still frees everything else.
gc.disable()

# No pydantic plugin is used here, and looking for them scans every installed package's
# metadata at start-up (tens of ms). setdefault: an operator who wants plugins can still set it.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from bot.cli import main  # noqa: E402 - after the two lines above: pydantic reads the variable once

if __name__ == "__main__":
    sys.exit(main())
