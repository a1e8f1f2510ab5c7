"""Session stores behind one small async interface; `open_store` picks one from STORE_URL."""

from __future__ import annotations

from bot.store.base import (
    InboxEntry,
    SessionKey,
    Store,
    StoreConfigError,
    StoreUnavailable,
    VersionConflict,
)
from bot.store.factory import open_store

__all__ = [
    "InboxEntry",
    "SessionKey",
    "Store",
    "StoreConfigError",
    "StoreUnavailable",
    "VersionConflict",
    "open_store",
]
