"""Session bodies this process saved to SQLite, kept in memory: a load skips its query.

Kept bodies may go stale only if another process writes the same sessions (SQLite is meant for
one process; see docs/scaling.md). Even then nothing is lost or applied twice: every save is a
compare-and-set on the file, so a turn worked out from a stale body fails to save, drops it
(`drop`) and is worked out again from the file. Bodies are JSON text: whoever loads one gets a
fresh Session and cannot change what is kept.
"""

from __future__ import annotations

import logging

from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

KEPT = 10_000  # sessions (about 2 KB each); the least recently saved goes first


class SavedBodies:
    def __init__(self, limit: int = KEPT) -> None:
        self._limit = limit
        self._kept: dict[SessionKey, tuple[str, float]] = {}

    def lookup(self, key: SessionKey, now: float) -> str | None:
        entry = self._kept.get(key)
        if entry is None or entry[1] <= now:
            return None
        return entry[0]

    def remember(self, key: SessionKey, body: str, expires_at: float) -> None:
        self._kept.pop(key, None)
        self._kept[key] = (body, expires_at)
        if len(self._kept) > self._limit:
            del self._kept[next(iter(self._kept))]

    def drop(self, key: SessionKey) -> None:
        self._kept.pop(key, None)

    def drop_user(self, platform: str, user: str) -> None:
        for key in [k for k in self._kept if k.platform == platform and k.user == user]:
            del self._kept[key]

    def clear(self) -> None:
        self._kept.clear()
