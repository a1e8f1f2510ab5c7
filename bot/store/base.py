"""The Store interface every backend implements, the key that names a session, its errors."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from bot.session import Session

logger = logging.getLogger(__name__)


class VersionConflict(Exception):
    """Someone saved the session since it was loaded; reload and apply the event again."""


class StoreUnavailable(Exception):
    """The backend cannot be reached right now; the user should try again in a moment."""


class StoreConfigError(ValueError):
    """STORE_URL names no store we can open (bad URL, unusable path, corrupt or read-only file)."""


@dataclass(frozen=True, slots=True)
class SessionKey:
    """One conversation: platform first, since Telegram and Discord ids can collide.

    Keyed by chat *and* user so that members of a group never share a session.
    """

    platform: str
    chat: str
    user: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat}:{self.user}"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One received update waiting to be handled: the platform's id and its raw payload.

    `received_at` is when it was first written (epoch seconds); `attempts` counts the claims,
    so 2 or more means an earlier worker took it and never finished.
    """

    id: str
    payload: bytes
    received_at: float
    attempts: int


class Store(ABC):
    """Async, versioned, idempotent session storage, and a durable inbox of received updates.

    `save` is a compare-and-set: it writes only if the stored version is `expected_version`
    (0 = no stored session) and raises VersionConflict otherwise.
    """

    # Whether other processes share this store (Redis): then a restarted worker must not take
    # over inbox entries another live worker is handling, only ones idle past the takeover time.
    shared: bool = False

    @abstractmethod
    async def load(self, key: SessionKey) -> Session | None: ...

    @abstractmethod
    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, key: SessionKey) -> None: ...

    @abstractmethod
    async def forget_user(self, platform: str, user: str) -> int:
        """Delete every session of one user on one platform; returns how many were removed.

        In the same atomic step the event ids those sessions had seen are marked seen (for the
        event TTL), so a re-delivered older update is still known as a duplicate afterwards.
        """

    @abstractmethod
    async def mark_seen(self, event_id: str) -> bool:
        """Record an event id; True the first time, False if it was already seen (within TTL)."""

    @abstractmethod
    async def seen(self, event_id: str) -> bool:
        """Whether an event id is marked seen (within TTL); changes nothing."""

    @abstractmethod
    async def inbox_put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        """Durably write received updates (id, raw payload) before the platform is told they
        arrived; an id already written (within the event TTL) is skipped. One round trip or
        transaction per batch. Returns how many were new."""

    @abstractmethod
    async def inbox_claim(
        self, platform: str, consumer: str, limit: int, min_idle: float
    ) -> list[InboxEntry]:
        """Up to `limit` entries for `consumer` to handle, oldest first: never-claimed ones, and
        ones claimed more than `min_idle` seconds ago and never finished (a dead worker's)."""

    @abstractmethod
    async def inbox_touch(self, platform: str, consumer: str, ids: Sequence[str]) -> None:
        """Still working on these (claimed by `consumer`): restart their idle time, so no other
        worker takes them over while they wait in this worker's queue."""

    @abstractmethod
    async def inbox_done(self, platform: str, ids: Sequence[str]) -> None:
        """Remove finished entries; unknown or already finished ids are ignored."""

    @abstractmethod
    async def inbox_stats(self, platform: str) -> tuple[int, float]:
        """How many entries are waiting or in hand, and the age in seconds of the oldest."""

    @abstractmethod
    async def record_load(self, name: str) -> tuple[int, str] | None:
        """A named record (group poll, schedule, counts): its version and JSON body, or None."""

    @abstractmethod
    async def record_save(self, name: str, body: str, expected_version: int) -> int:
        """Compare-and-set a record (0 = not stored yet); returns the new version, or raises
        VersionConflict when someone wrote it since it was loaded."""

    @abstractmethod
    async def record_delete(self, name: str) -> None:
        """Remove a record; an unknown name is ignored."""

    @abstractmethod
    async def record_names(self, prefix: str) -> list[str]:
        """The names of the stored records that start with `prefix`, sorted."""

    async def ping(self) -> None:  # noqa: B027 - optional hook, a no-op for in-process stores
        """Raise StoreUnavailable if the backend is down; in-process stores are always up."""

    async def close(self) -> None:  # noqa: B027 - optional hook, a no-op for in-process stores
        """Release connections; the store is unusable afterwards."""
