"""What `python -m bot` does before importing anything else, each step for start-up time.

Every command there runs once and exits, so:
- no pydantic plugins: PYDANTIC_DISABLE_PLUGINS=__all__ unless the operator set it;
- and when none may load, pydantic is not left to import importlib.metadata (~13 ms) only
  to find that out: its plugin loader is stood in for by one that returns none;
- the cyclic garbage collector is off: start-up makes tens of thousands of objects that live
  until exit (classes, validators, the FAQ index) and it would walk them again and again for
  nothing (~5-10 ms). Reference counting still frees everything else.
"""

from __future__ import annotations

import gc
import os
import sys
import types

PLUGIN_LOADER = "pydantic.plugin._loader"
NO_PLUGINS = ("__all__", "1", "true")  # the values pydantic itself reads as "none at all"


def prepare() -> None:
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in NO_PLUGINS and PLUGIN_LOADER not in sys.modules:
        sys.modules[PLUGIN_LOADER] = _no_plugin_loader()


def _no_plugin_loader() -> types.ModuleType:
    loader = types.ModuleType(PLUGIN_LOADER, "Stands in for pydantic's: plugins are disabled.")
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    return loader
