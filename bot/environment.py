"""Settings values from the environment and `.env`, read by the rules of pydantic-settings.

Why not pydantic-settings itself: importing it costs ~40 ms of every start-up (asyncio and a
dozen configuration sources come with it), a fifth of answering `python -m bot ask`. For a
flat model of plain fields its rules are few, and tests/core/test_environment.py holds this
module to them by comparing with pydantic-settings:
- a variable names a field whatever its case; the environment wins over `.env`;
- values stay text, for the model to convert and check;
- `.env` is parsed by python-dotenv (quotes, `export`, `${VAR}`), and only when it is there;
  a key written without `=` counts as unset.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping
from pathlib import Path

logger = logging.getLogger(__name__)


def environment_values(fields: Collection[str], env_file: Path, encoding: str) -> dict[str, str]:
    """Values for `fields` (lower-case names) from `env_file`, then from the environment."""
    values: dict[str, str] = {}
    path = env_file.expanduser()
    if path.is_file() or path.is_fifo():
        from dotenv import dotenv_values  # only when there is a file to read

        values.update(_named(dotenv_values(path, encoding=encoding), fields))
    values.update(_named(os.environ, fields))
    return values


def _named(variables: Mapping[str, str | None], fields: Collection[str]) -> dict[str, str]:
    by_name = {name.lower(): value for name, value in variables.items()}
    return {field: value for field in fields if (value := by_name.get(field)) is not None}
