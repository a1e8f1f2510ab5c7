"""The Store interface every backend implements, and the key that names a session."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass

from bot.session import Session

logger = logging.getLogger(__name__)


class VersionConflict(Exception):
    """Someone saved the session since it was loaded; reload and apply the event again."""


class StoreUnavailable(Exception):
    """The backend cannot be reached right now; the user should try again in a moment."""


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


class Store(ABC):
    """Async, versioned, idempotent session storage.

    `save` is a compare-and-set: it writes only if the stored version is `expected_version`
    (0 = no stored session) and raises VersionConflict otherwise.
    """

    @abstractmethod
    async def load(self, key: SessionKey) -> Session | None: ...

    @abstractmethod
    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, key: SessionKey) -> None: ...

    @abstractmethod
    async def forget_user(self, platform: str, user: str) -> int:
        """Delete every session of one user on one platform; returns how many were removed."""

    @abstractmethod
    async def mark_seen(self, event_id: str) -> bool:
        """Record an event id; True the first time, False if it was already seen (within TTL)."""

    async def ping(self) -> None:  # noqa: B027 - optional hook, a no-op for in-process stores
        """Raise StoreUnavailable if the backend is down; in-process stores are always up."""

    async def close(self) -> None:  # noqa: B027 - optional hook, a no-op for in-process stores
        """Release connections; the store is unusable afterwards."""
