"""The tally of generated events across the property tests, reported at the end of the run."""

from __future__ import annotations

import logging
from collections import Counter

import pytest

logger = logging.getLogger(__name__)

GENERATED_EVENTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if GENERATED_EVENTS:
        tally = ", ".join(f"{name}: {count}" for name, count in sorted(GENERATED_EVENTS.items()))
        total = sum(GENERATED_EVENTS.values())
        terminalreporter.write_line(f"property tests ran {total} generated events ({tally})")
