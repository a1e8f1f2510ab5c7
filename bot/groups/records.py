"""Group state as named store records: read, change and compare-and-set, retrying lost races."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.store.base import Store, StoreUnavailable, VersionConflict

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_BACKOFF = 0.005  # seconds; doubles with each lost race, with full jitter

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
Edit = Callable[[M | None], tuple[M | None, R]]


@dataclass(frozen=True, slots=True)
class GroupKey:
    """One group chat or channel; platform first, since Telegram and Discord ids can collide."""

    platform: str
    chat: str

    def name(self, kind: str) -> str:
        return f"{kind}:{self.platform}:{self.chat}"


async def load(store: Store, name: str, model: type[M]) -> M | None:
    found = await store.record_load(name)
    return None if found is None else _parse(name, found[1], model)


async def change(
    store: Store,
    name: str,
    model: type[M],
    edit: Edit[M, R],
) -> R:
    """Apply `edit` (old -> new record or None to leave it, result) until it saves unraced."""
    for attempt in range(MAX_ATTEMPTS):
        found = await store.record_load(name)
        version = 0 if found is None else found[0]
        old = None if found is None else _parse(name, found[1], model)
        new, result = edit(old)
        if new is None:
            return result
        try:
            await store.record_save(name, new.model_dump_json(), version)
        except VersionConflict:
            await asyncio.sleep(random.uniform(0, FIRST_BACKOFF * 2**attempt))
            continue
        return result
    raise StoreUnavailable(f"could not save {name} after {MAX_ATTEMPTS} attempts")


def _parse(name: str, body: str, model: type[M]) -> M | None:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        logger.warning("unreadable record %s ignored: %s", name, str(exc)[:200])
        return None
