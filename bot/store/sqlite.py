"""SQLite store: the embedded default; a restart loses nothing. Standard library in a thread."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.session import Session
from bot.store.base import SessionKey, Store, VersionConflict

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    platform TEXT NOT NULL, chat TEXT NOT NULL, user TEXT NOT NULL,
    version INTEGER NOT NULL, expires_at REAL NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (platform, chat, user)
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (platform, user);
CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, expires_at REAL NOT NULL);
"""


class SqliteStore(Store):
    """One connection guarded by a lock; each call runs in a worker thread so the loop stays free.

    Compare-and-set is a conditional UPDATE/INSERT inside one transaction.
    """

    def __init__(
        self,
        path: str | Path,
        session_ttl: float = 7 * 24 * 3600,
        event_ttl: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._session_ttl = session_ttl
        self._event_ttl = event_ttl
        self._clock = clock

    async def _run(self, func: Callable[..., Any], *args: Any) -> Any:
        def locked() -> Any:
            with self._lock:
                return func(*args)

        return await asyncio.to_thread(locked)

    async def load(self, key: SessionKey) -> Session | None:
        row = await self._run(self._load, key)
        return None if row is None else Session.from_json(row[0])

    def _load(self, key: SessionKey) -> tuple[str] | None:
        cur = self._conn.execute(
            "SELECT body FROM sessions WHERE platform=? AND chat=? AND user=? AND expires_at>?",
            (key.platform, key.chat, key.user, self._clock()),
        )
        row: tuple[str] | None = cur.fetchone()
        return row

    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None:
        written = await self._run(
            self._save, key, session.version, session.to_json(), expected_version
        )
        if not written:
            raise VersionConflict(str(key))

    def _save(self, key: SessionKey, version: int, body: str, expected: int) -> bool:
        now = self._clock()
        expires = now + self._session_ttl
        ident = (key.platform, key.chat, key.user)
        if expected == 0:
            cur = self._conn.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?,?) ON CONFLICT(platform, chat, user) "
                "DO UPDATE SET version=excluded.version, expires_at=excluded.expires_at, "
                "body=excluded.body WHERE sessions.expires_at<=?",
                (*ident, version, expires, body, now),
            )
        else:
            cur = self._conn.execute(
                "UPDATE sessions SET version=?, expires_at=?, body=? "
                "WHERE platform=? AND chat=? AND user=? AND version=? AND expires_at>?",
                (version, expires, body, *ident, expected, now),
            )
        return cur.rowcount == 1

    async def delete(self, key: SessionKey) -> None:
        await self._run(
            self._conn.execute,
            "DELETE FROM sessions WHERE platform=? AND chat=? AND user=?",
            (key.platform, key.chat, key.user),
        )

    async def forget_user(self, platform: str, user: str) -> int:
        cur = await self._run(
            self._conn.execute,
            "DELETE FROM sessions WHERE platform=? AND user=?",
            (platform, user),
        )
        return int(cur.rowcount)

    async def mark_seen(self, event_id: str) -> bool:
        return bool(await self._run(self._mark_seen, event_id))

    def _mark_seen(self, event_id: str) -> bool:
        now = self._clock()
        cur = self._conn.execute(
            "INSERT INTO seen_events VALUES (?, ?) ON CONFLICT(event_id) "
            "DO UPDATE SET expires_at=excluded.expires_at WHERE seen_events.expires_at<=?",
            (event_id, now + self._event_ttl, now),
        )
        return cur.rowcount == 1

    async def close(self) -> None:
        await self._run(self._conn.close)
