"""Turns STORE_URL into a Store; a bad URL fails at start with a clear message."""

from __future__ import annotations

import logging

from bot.settings import Settings
from bot.store.base import Store, StoreConfigError

logger = logging.getLogger(__name__)

__all__ = ["StoreConfigError", "open_store"]


def open_store(settings: Settings) -> Store:
    """Build the store STORE_URL names; connections are opened lazily by the store itself."""
    url = settings.store_url
    ttl = float(settings.session_ttl_seconds)
    event_ttl = float(settings.event_ttl_seconds)
    if url.startswith("memory://"):
        from bot.store.memory import MemoryStore

        return MemoryStore(session_ttl=ttl, event_ttl=event_ttl)
    if url.startswith("sqlite:///"):
        from bot.store.sqlite import SqliteStore

        path = url.removeprefix("sqlite:///")
        if not path:
            raise StoreConfigError("STORE_URL sqlite:/// needs a file path, e.g. sqlite:///bot.db")
        return SqliteStore(path, session_ttl=ttl, event_ttl=event_ttl)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from bot.store.redis import RedisStore

        return RedisStore.from_url(
            url, prefix=settings.store_prefix, session_ttl=ttl, event_ttl=event_ttl
        )
    raise StoreConfigError(f"STORE_URL has an unknown scheme: {url.split(':', 1)[0]!r}")
