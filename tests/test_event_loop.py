"""The bots run on uvloop where it is installed, and their coroutines' results come back."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from adapters import event_loop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(importlib.util.find_spec("uvloop") is None, reason="uvloop not installed")
def test_the_bots_run_on_uvloop_when_it_is_installed() -> None:
    assert event_loop.run(_loop_module()).startswith("uvloop")


def test_without_uvloop_the_default_loop_runs_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_loop, "loop_factory", lambda: None)
    assert event_loop.run(_loop_module()).startswith("asyncio")
