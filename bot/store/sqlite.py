"""SQLite store: the embedded default; a restart loses nothing.

Speed: statements take microseconds, so they run directly on the event loop on a connection with
`busy_timeout=0`; only when the file is busy (another process writing) is the call repeated in a
worker thread on a second connection that waits up to BUSY_TIMEOUT_MS. Automatic WAL checkpoints
are off (they could stall the loop for milliseconds); a PASSIVE checkpoint runs in a thread every
CHECKPOINT_WRITES writes or CHECKPOINT_SECONDS seconds. Saves made in the same turn of the event
loop share one transaction (a commit costs more than the statement), each keeping its own
compare-and-set outcome; the session bodies this process saved are loaded back from memory.

Retention: expired sessions, expired seen-event ids and finished inbox rows are deleted at start
and then at most every PURGE_INTERVAL seconds (600 s, ten minutes) from within ordinary calls;
`secure_delete` overwrites what is deleted. The same check notices a database file deleted or
replaced while running: that call raises StoreUnavailable (logged once), the next opens a new file.

Faults: every sqlite3 error at run time becomes StoreUnavailable; a file that cannot be used at
start (corrupt, read-only, a directory, an unusable path) raises StoreConfigError in one line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from bot.session import Session
from bot.store import sqlite_records as records
from bot.store import sqlite_sql as sql
from bot.store.base import (
    InboxEntry,
    SessionKey,
    Store,
    StoreConfigError,
    StoreUnavailable,
    VersionConflict,
)
from bot.store.batch import Batcher
from bot.store.sqlite_saved import SavedBodies

logger = logging.getLogger(__name__)

PURGE_INTERVAL = 600.0
BUSY_TIMEOUT_MS = 5000
CHECKPOINT_WRITES = 1000
CHECKPOINT_SECONDS = 10.0
CHECKPOINT_PASSES = 4

P = ParamSpec("P")
T = TypeVar("T")
Statement = Callable[Concatenate[sqlite3.Connection, P], T]
Change = tuple[int, str, int]  # a save: new version, body, expected version
Saved = tuple[bool, float]  # written (or refused by the compare-and-set), expiry

_FAULTS = {
    "SQLITE_NOTADB": "is not a SQLite database (corrupt, or another kind of file)",
    "SQLITE_CORRUPT": "is corrupt",
    "SQLITE_READONLY": "is read-only (check the permissions of the file and its directory)",
    "SQLITE_CANTOPEN": "cannot be opened (check the path and its directory's permissions)",
    "SQLITE_FULL": "cannot grow: the disk (or the size limit) is full",
    "SQLITE_IOERR": "cannot be read or written (I/O error)",
}


def _describe(exc: sqlite3.Error) -> str:
    """One plain line for an sqlite3 error, by its error family (READONLY_DIRECTORY -> READONLY)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for family, text in _FAULTS.items():
        if name == family or name.startswith(family + "_"):
            return text
    return f"failed: {exc}"


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteStore(Store):
    """A fast connection used on the loop and a patient one used in threads, on one file."""

    def __init__(
        self,
        path: str | Path,
        session_ttl: float = 7 * 24 * 3600,
        event_ttl: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
        max_pages: int | None = None,
    ) -> None:
        """`max_pages` caps the file's size in pages (a quota; tests use it as a full disk)."""
        self._path = str(path)
        self._in_memory = self._path == ":memory:"
        self._session_ttl = session_ttl
        self._event_ttl = event_ttl
        self._clock = clock
        self._max_pages = max_pages
        self._slow_lock = threading.Lock()
        self._writes = 0
        self._last_checkpoint = time.monotonic()
        self._checkpoint: asyncio.Future[None] | None = None
        self._lost: str | None = None
        self._closed = False
        self._fast, self._slow, self._identity = self._open()
        self._saved = SavedBodies()
        self._saves: Batcher[tuple[SessionKey, Change], Saved] = Batcher(self._save_many)
        self._next_purge = clock() + PURGE_INTERVAL

    def __repr__(self) -> str:
        return f"SqliteStore({self._path})"

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> tuple[sqlite3.Connection, sqlite3.Connection, tuple[int, int]]:
        """Both connections, schema made, integrity checked, expired rows purged (a write, so a
        read-only file fails here); StoreConfigError in one line otherwise."""
        where = f"SQLite database {self._path}"
        if not self._in_memory:
            target = Path(self._path)
            if target.is_dir():
                raise StoreConfigError(f"{where} is a directory, not a database file")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreConfigError(
                    f"{where}: cannot create its directory ({exc.strerror})"
                ) from None
        opened: list[sqlite3.Connection] = []
        try:
            slow = self._connect(BUSY_TIMEOUT_MS, opened)
            slow.executescript(sql.SCHEMA)
            verdict = slow.execute("PRAGMA quick_check(1)").fetchone()[0]
            if verdict != "ok":
                raise StoreConfigError(f"{where} is corrupt: {verdict}")
            sql.purge(slow, self._clock())
            fast = slow if self._in_memory else self._connect(0, opened)
            identity = (0, 0) if self._in_memory else self._file_identity()
        except sqlite3.Error as exc:
            for conn in opened:
                conn.close()
            raise StoreConfigError(f"{where} {_describe(exc)}") from None
        except BaseException:
            for conn in opened:
                conn.close()
            raise
        return fast, slow, identity

    def _connect(self, busy_ms: int, opened: list[sqlite3.Connection]) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        opened.append(conn)
        conn.execute(f"PRAGMA busy_timeout={busy_ms}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        if self._max_pages is not None:
            conn.execute(f"PRAGMA max_page_count={int(self._max_pages)}")
        return conn

    def _file_identity(self) -> tuple[int, int]:
        info = os.stat(self._path)
        return info.st_dev, info.st_ino

    # -- running statements ----------------------------------------------------------------------

    async def _call(
        self, op: str, statement: Statement[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run on the loop; on SQLITE_BUSY again in a thread; any sqlite3 error -> unavailable."""
        await self._housekeeping(op)
        try:
            return statement(self._fast, *args, **kwargs)
        except sqlite3.Error as exc:
            if not _is_busy(exc):
                raise self._unavailable(op, exc) from exc
        return await self._in_thread(op, statement, *args, **kwargs)

    async def _write(
        self, op: str, statement: Statement[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        result = await self._call(op, statement, *args, **kwargs)
        self._wrote()
        return result

    async def _in_thread(
        self, op: str, statement: Statement[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        def patiently() -> T:
            with self._slow_lock:
                return statement(self._slow, *args, **kwargs)

        try:
            return await asyncio.to_thread(patiently)
        except sqlite3.Error as exc:
            raise self._unavailable(op, exc) from exc

    def _unavailable(self, op: str, exc: sqlite3.Error) -> StoreUnavailable:
        return StoreUnavailable(f"sqlite {self._path} {op}: {_describe(exc)}")

    # -- housekeeping: purge, lost file, checkpoints --------------------------------------------

    async def _housekeeping(self, op: str) -> None:
        if self._lost is not None:
            self._reopen(op)
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL
        if not self._in_memory and self._file_moved():
            self._lost = f"sqlite {self._path} {op}: the database file was deleted or replaced"
            logger.error("%s while running; a new file will be opened", self._lost)
            raise StoreUnavailable(self._lost)
        try:
            removed = sql.purge(self._fast, now)
        except sqlite3.Error as exc:
            if not _is_busy(exc):
                raise self._unavailable("purge", exc) from exc
            removed = await self._in_thread("purge", sql.purge, now)
        logger.debug("purged %d expired rows from %s", removed, self._path)

    def _file_moved(self) -> bool:
        try:
            return self._file_identity() != self._identity
        except OSError:
            return True

    def _reopen(self, op: str) -> None:
        """After the file was lost: a new one, once no thread holds the old connections."""
        assert self._lost is not None
        if self._slow_lock.locked() or (self._checkpoint and not self._checkpoint.done()):
            raise StoreUnavailable(self._lost)
        try:
            fast, slow, identity = self._open()
        except StoreConfigError as exc:
            raise StoreUnavailable(f"sqlite {self._path} {op}: {exc}") from None
        self._close_connections()
        self._fast, self._slow, self._identity = fast, slow, identity
        self._saved.clear()
        self._lost = None
        logger.warning("opened a new SQLite database at %s", self._path)

    def _wrote(self) -> None:
        self._writes += 1
        if self._in_memory or (self._checkpoint is not None and not self._checkpoint.done()):
            return
        overdue = time.monotonic() - self._last_checkpoint >= CHECKPOINT_SECONDS
        if self._writes >= CHECKPOINT_WRITES or overdue:
            self._writes = 0
            self._last_checkpoint = time.monotonic()
            self._checkpoint = asyncio.ensure_future(asyncio.to_thread(self._checkpoint_wal))

    def _checkpoint_wal(self, mode: str = "PASSIVE") -> None:
        """Copy the WAL into the file; repeated (a few passes) while the loop keeps writing, as
        the WAL starts over only once every frame in it has been copied."""
        with self._slow_lock:
            try:
                for _ in range(CHECKPOINT_PASSES):
                    _, frames, copied = self._slow.execute(
                        f"PRAGMA wal_checkpoint({mode})"
                    ).fetchone()
                    if frames == copied:
                        return
            except sqlite3.Error as exc:
                logger.warning("WAL checkpoint of %s failed: %s", self._path, _describe(exc))

    def _close_connections(self) -> None:
        for conn in {id(self._fast): self._fast, id(self._slow): self._slow}.values():
            try:
                conn.close()
            except sqlite3.Error as exc:
                logger.debug("closing %s: %s", self._path, exc)

    # -- the Store interface -----------------------------------------------------------------------

    async def load(self, key: SessionKey) -> Session | None:
        now = self._clock()
        await self._housekeeping("load")  # a lost file is noticed (and the kept bodies go)
        body = self._saved.lookup(key, now)
        if body is None:
            body = await self._call("load", sql.load, key, now)
        return None if body is None else Session.from_json(body)

    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None:
        body = session.to_json()
        change = (session.version, body, expected_version)
        try:
            written, expires = await self._saves.submit((key, change))
        except StoreUnavailable:
            self._saved.drop(key)
            raise
        if not written:
            self._saved.drop(key)  # another process saved it: read the file from now on
            raise VersionConflict(str(key))
        self._saved.remember(key, body, expires)

    async def _save_many(self, changes: Sequence[tuple[SessionKey, Change]]) -> list[Saved]:
        now = self._clock()
        written = await self._write("save", sql.save_many, changes, now, self._session_ttl)
        return [(one, now + self._session_ttl) for one in written]

    async def delete(self, key: SessionKey) -> None:
        self._saved.drop(key)
        await self._write("delete", sql.delete, key)

    async def forget_user(self, platform: str, user: str) -> int:
        self._saved.drop_user(platform, user)
        return await self._write(
            "forget_user", sql.forget_user, platform, user, self._clock(), self._event_ttl
        )

    async def mark_seen(self, event_id: str) -> bool:
        return await self._write(
            "mark_seen", sql.mark_seen, event_id, self._clock(), self._event_ttl
        )

    async def seen(self, event_id: str) -> bool:
        return await self._call("seen", sql.seen, event_id, self._clock())

    async def inbox_put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        if not entries:
            return 0
        return await self._write(
            "inbox_put", sql.inbox_put, platform, entries, self._clock(), self._event_ttl
        )

    async def inbox_claim(
        self, platform: str, consumer: str, limit: int, min_idle: float
    ) -> list[InboxEntry]:
        claim = (consumer, limit, min_idle)
        return await self._write("inbox_claim", sql.inbox_claim, platform, claim, self._clock())

    async def inbox_touch(self, platform: str, consumer: str, ids: Sequence[str]) -> None:
        if ids:
            held = (consumer, ids)
            await self._write("inbox_touch", sql.inbox_touch, platform, held, self._clock())

    async def inbox_done(self, platform: str, ids: Sequence[str]) -> None:
        if ids:
            await self._write("inbox_done", sql.inbox_done, platform, ids)

    async def inbox_stats(self, platform: str) -> tuple[int, float]:
        return await self._call("inbox_stats", sql.inbox_stats, platform, self._clock())

    async def record_load(self, name: str) -> tuple[int, str] | None:
        return await self._call("record_load", records.load, name)

    async def record_save(self, name: str, body: str, expected_version: int) -> int:
        if not await self._write("record_save", records.save, name, body, expected_version):
            raise VersionConflict(name)
        return expected_version + 1

    async def record_delete(self, name: str) -> None:
        await self._write("record_delete", records.delete, name)

    async def record_names(self, prefix: str) -> list[str]:
        return await self._call("record_names", records.names, prefix)

    async def ping(self) -> None:
        await self._call("ping", lambda conn: conn.execute("SELECT 1").fetchone())

    async def close(self) -> None:
        """Wait for a running checkpoint, fold the WAL into the file, close both connections."""
        if self._closed:
            return
        self._closed = True
        await self._saves.drain()
        if self._checkpoint is not None:
            await self._checkpoint
        if not self._in_memory and self._lost is None:
            await asyncio.to_thread(self._checkpoint_wal, "TRUNCATE")
        self._close_connections()
