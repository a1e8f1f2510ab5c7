"""The event loop the bots run on: uvloop where it is installed (Linux, macOS), else asyncio's.

uvloop is a drop-in loop written on libuv; on this project's Telegram benchmark it takes
about 7% off the CPU of each update (benchmarks/bench_telegram.py prints both loops' echo
bots, so its share of the gain stays visible). Nothing here depends on which loop runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop constructor, or None (asyncio's default) where uvloop is missing."""
    try:
        import uvloop
    except ImportError:  # Windows, or installed without it
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the fastest loop available."""
    factory = loop_factory()
    logger.debug("event loop: %s", "uvloop" if factory else "asyncio")
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
