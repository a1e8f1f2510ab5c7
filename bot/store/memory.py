"""In-process store: fast and forgetful, for tests, benchmarks and the console."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.session import Session
from bot.store.base import InboxEntry, SessionKey, Store, VersionConflict

logger = logging.getLogger(__name__)

_SWEEP_AT = 100_000  # seen ids kept before expired ones are swept out


@dataclass(slots=True)
class _Held:
    """An inbox entry and who holds it (no consumer yet: never claimed)."""

    entry: InboxEntry
    consumer: str | None = None
    claimed_at: float = 0.0


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
        self._inbox: dict[str, dict[str, _Held]] = {}  # platform -> id -> entry, oldest first
        self._inbox_ids: dict[tuple[str, str], float] = {}  # (platform, id) -> expiry
        self._records: dict[str, tuple[int, str]] = {}
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
            _, _, body = self._sessions.pop(key)
            for event_id in Session.from_json(body).seen_events:
                self._mark(event_id)
        return len(doomed)

    async def mark_seen(self, event_id: str) -> bool:
        if await self.seen(event_id):
            return False
        self._mark(event_id)
        return True

    async def seen(self, event_id: str) -> bool:
        return self._seen.get(event_id, 0.0) > self._clock()

    def _mark(self, event_id: str) -> None:
        now = self._clock()
        if len(self._seen) > _SWEEP_AT:
            self._seen = {k: v for k, v in self._seen.items() if v > now}
        self._seen[event_id] = now + self._event_ttl

    async def inbox_put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        now = self._clock()
        if len(self._inbox_ids) > _SWEEP_AT:
            self._inbox_ids = {k: v for k, v in self._inbox_ids.items() if v > now}
        pending = self._inbox.setdefault(platform, {})
        added = 0
        for update_id, payload in entries:
            if self._inbox_ids.get((platform, update_id), 0.0) > now:
                continue
            self._inbox_ids[(platform, update_id)] = now + self._event_ttl
            pending[update_id] = _Held(InboxEntry(update_id, bytes(payload), now, 0))
            added += 1
        return added

    async def inbox_claim(
        self, platform: str, consumer: str, limit: int, min_idle: float
    ) -> list[InboxEntry]:
        now = self._clock()
        claimed: list[InboxEntry] = []
        for held in self._inbox.get(platform, {}).values():
            if len(claimed) >= limit:
                break
            if held.consumer is not None and now - held.claimed_at < min_idle:
                continue
            entry = held.entry
            held.entry = InboxEntry(entry.id, entry.payload, entry.received_at, entry.attempts + 1)
            held.consumer, held.claimed_at = consumer, now
            claimed.append(held.entry)
        return claimed

    async def inbox_touch(self, platform: str, consumer: str, ids: Sequence[str]) -> None:
        pending, now = self._inbox.get(platform, {}), self._clock()
        for update_id in ids:
            held = pending.get(update_id)
            if held is not None and held.consumer == consumer:
                held.claimed_at = now

    async def inbox_done(self, platform: str, ids: Sequence[str]) -> None:
        pending = self._inbox.get(platform, {})
        for update_id in ids:
            pending.pop(update_id, None)

    async def inbox_stats(self, platform: str) -> tuple[int, float]:
        pending = self._inbox.get(platform, {})
        if not pending:
            return 0, 0.0
        oldest = next(iter(pending.values())).entry.received_at
        return len(pending), max(0.0, self._clock() - oldest)

    async def record_load(self, name: str) -> tuple[int, str] | None:
        return self._records.get(name)

    async def record_save(self, name: str, body: str, expected_version: int) -> int:
        current = self._records.get(name, (0, ""))[0]
        if current != expected_version:
            raise VersionConflict(name)
        self._records[name] = (current + 1, body)
        return current + 1

    async def record_delete(self, name: str) -> None:
        self._records.pop(name, None)

    async def record_names(self, prefix: str) -> list[str]:
        return sorted(n for n in self._records if n.startswith(prefix))
