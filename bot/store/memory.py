"""In-process store: fast and forgetful, for tests, benchmarks and the console."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.session import Session
from bot.store.base import SessionKey, Store, VersionConflict

logger = logging.getLogger(__name__)


class MemoryStore(Store):
    """Keeps JSON strings (not objects) so it behaves like the persistent stores."""

    def __init__(
        self,
        session_ttl: float = 7 * 24 * 3600,
        event_ttl: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sessions: dict[SessionKey, tuple[int, float, str]] = {}
        self._seen: dict[str, float] = {}
        self._session_ttl = session_ttl
        self._event_ttl = event_ttl
        self._clock = clock

    async def load(self, key: SessionKey) -> Session | None:
        entry = self._sessions.get(key)
        if entry is None:
            return None
        if entry[1] <= self._clock():
            del self._sessions[key]
            return None
        return Session.from_json(entry[2])

    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None:
        entry = self._sessions.get(key)
        current = entry[0] if entry is not None and entry[1] > self._clock() else 0
        if current != expected_version:
            raise VersionConflict(str(key))
        expires = self._clock() + self._session_ttl
        self._sessions[key] = (session.version, expires, session.to_json())

    async def delete(self, key: SessionKey) -> None:
        self._sessions.pop(key, None)

    async def forget_user(self, platform: str, user: str) -> int:
        doomed = [k for k in self._sessions if k.platform == platform and k.user == user]
        for key in doomed:
            del self._sessions[key]
        return len(doomed)

    async def mark_seen(self, event_id: str) -> bool:
        now = self._clock()
        if self._seen.get(event_id, 0.0) > now:
            return False
        if len(self._seen) > 100_000:
            self._seen = {k: v for k, v in self._seen.items() if v > now}
        self._seen[event_id] = now + self._event_ttl
        return True
