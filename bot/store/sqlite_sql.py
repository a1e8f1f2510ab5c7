"""The SQL of the SQLite store: one function per operation, each taking the connection to use.

Every function is synchronous and finishes its transaction before returning, so the store may
run it directly on the event loop or, when the file is busy, on another connection in a thread.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot.store.base import InboxEntry, SessionKey

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    platform TEXT NOT NULL, chat TEXT NOT NULL, user TEXT NOT NULL,
    version INTEGER NOT NULL, expires_at REAL NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (platform, chat, user)
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (platform, user);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY,
    platform TEXT NOT NULL, id TEXT NOT NULL, payload BLOB,
    received_at REAL NOT NULL, expires_at REAL NOT NULL,
    consumer TEXT, claimed_at REAL, attempts INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, id)
);
-- Claims read these, so that rows this worker already holds are never scanned: entries never
-- claimed in arrival order, and entries whose claim went stale by claim time.
CREATE INDEX IF NOT EXISTS inbox_fresh ON inbox (platform, done, consumer, seq);
CREATE INDEX IF NOT EXISTS inbox_held ON inbox (platform, done, claimed_at);
DROP INDEX IF EXISTS inbox_waiting;
CREATE TABLE IF NOT EXISTS records (
    name TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL
);
"""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error so the connection stays usable."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def load(conn: sqlite3.Connection, key: SessionKey, now: float) -> str | None:
    row = conn.execute(
        "SELECT body FROM sessions WHERE platform=? AND chat=? AND user=? AND expires_at>?",
        (key.platform, key.chat, key.user, now),
    ).fetchone()
    return None if row is None else str(row[0])


def save(
    conn: sqlite3.Connection, key: SessionKey, session: tuple[int, str, int], now: float, ttl: float
) -> bool:
    """Compare-and-set of (new version, body, expected version); True if it was written."""
    version, body, expected = session
    ident = (key.platform, key.chat, key.user)
    if expected == 0:
        cur = conn.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?) ON CONFLICT(platform, chat, user) "
            "DO UPDATE SET version=excluded.version, expires_at=excluded.expires_at, "
            "body=excluded.body WHERE sessions.expires_at<=?",
            (*ident, version, now + ttl, body, now),
        )
    else:
        cur = conn.execute(
            "UPDATE sessions SET version=?, expires_at=?, body=? "
            "WHERE platform=? AND chat=? AND user=? AND version=? AND expires_at>?",
            (version, now + ttl, body, *ident, expected, now),
        )
    return cur.rowcount == 1


def save_many(
    conn: sqlite3.Connection,
    saves: Sequence[tuple[SessionKey, tuple[int, str, int]]],
    now: float,
    ttl: float,
) -> list[bool]:
    """Several compare-and-sets, in order, in one transaction (one commit); each True if written."""
    if len(saves) == 1:
        key, change = saves[0]
        return [save(conn, key, change, now, ttl)]
    with transaction(conn):
        return [save(conn, key, change, now, ttl) for key, change in saves]


def delete(conn: sqlite3.Connection, key: SessionKey) -> None:
    conn.execute(
        "DELETE FROM sessions WHERE platform=? AND chat=? AND user=?",
        (key.platform, key.chat, key.user),
    )


def _seen_in(body: str) -> list[str]:
    """The event ids a stored session body remembers; none for a body that cannot be read."""
    try:
        events = json.loads(body).get("seen_events", [])
    except (ValueError, AttributeError):
        return []
    return [str(event) for event in events] if isinstance(events, list) else []


def forget_user(
    conn: sqlite3.Connection, platform: str, user: str, now: float, event_ttl: float
) -> int:
    """Delete the user's sessions and mark the events they had seen, in one transaction."""
    with transaction(conn):
        bodies = conn.execute(
            "SELECT body FROM sessions WHERE platform=? AND user=?", (platform, user)
        ).fetchall()
        marks = [(event, now + event_ttl) for (body,) in bodies for event in _seen_in(body)]
        conn.executemany(
            "INSERT INTO seen_events VALUES (?, ?) "
            "ON CONFLICT(event_id) DO UPDATE SET expires_at=excluded.expires_at",
            marks,
        )
        cur = conn.execute("DELETE FROM sessions WHERE platform=? AND user=?", (platform, user))
        return int(cur.rowcount)


def mark_seen(conn: sqlite3.Connection, event_id: str, now: float, ttl: float) -> bool:
    cur = conn.execute(
        "INSERT INTO seen_events VALUES (?, ?) ON CONFLICT(event_id) "
        "DO UPDATE SET expires_at=excluded.expires_at WHERE seen_events.expires_at<=?",
        (event_id, now + ttl, now),
    )
    return cur.rowcount == 1


def seen(conn: sqlite3.Connection, event_id: str, now: float) -> bool:
    row = conn.execute(
        "SELECT 1 FROM seen_events WHERE event_id=? AND expires_at>?", (event_id, now)
    ).fetchone()
    return row is not None


def inbox_put(
    conn: sqlite3.Connection,
    platform: str,
    entries: Sequence[tuple[str, bytes]],
    now: float,
    ttl: float,
) -> int:
    """One transaction per batch; an id already present (pending or finished) is skipped."""
    with transaction(conn):
        before = conn.total_changes
        conn.executemany(
            "INSERT INTO inbox (platform, id, payload, received_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(platform, id) DO NOTHING",
            [(platform, update_id, payload, now, now + ttl) for update_id, payload in entries],
        )
        return conn.total_changes - before


def inbox_claim(
    conn: sqlite3.Connection, platform: str, claim: tuple[str, int, float], now: float
) -> list[InboxEntry]:
    """Claim (consumer, limit, min idle): one UPDATE ... RETURNING, atomic against others.

    The oldest `limit` of: entries never claimed, and entries claimed at least `min_idle` ago.
    """
    consumer, limit, min_idle = claim
    rows = conn.execute(
        "UPDATE inbox SET consumer=:consumer, claimed_at=:now, attempts=attempts+1 WHERE seq IN ("
        " SELECT seq FROM (SELECT seq FROM inbox WHERE platform=:platform AND done=0"
        "  AND claimed_at<=:stale ORDER BY seq LIMIT :limit)"
        " UNION ALL SELECT seq FROM (SELECT seq FROM inbox WHERE platform=:platform AND done=0"
        "  AND consumer IS NULL ORDER BY seq LIMIT :limit)"
        " ORDER BY seq LIMIT :limit"
        ") RETURNING seq, id, payload, received_at, attempts",
        {
            "consumer": consumer,
            "now": now,
            "platform": platform,
            "stale": now - min_idle,
            "limit": limit,
        },
    ).fetchall()
    return [InboxEntry(row[1], bytes(row[2]), row[3], row[4]) for row in sorted(rows)]


def inbox_touch(
    conn: sqlite3.Connection, platform: str, held: tuple[str, Sequence[str]], now: float
) -> None:
    """Restart the idle time of entries `consumer` still holds (held = consumer, ids)."""
    consumer, ids = held
    conn.execute(
        "UPDATE inbox SET claimed_at=? WHERE platform=? AND consumer=? AND +done=0"
        " AND id IN (SELECT value FROM json_each(?))",
        (now, platform, consumer, json.dumps(list(ids))),
    )


def inbox_done(conn: sqlite3.Connection, platform: str, ids: Sequence[str]) -> None:
    """Finished rows keep only their id (so a re-delivery stays a duplicate) until they expire."""
    conn.execute(
        # `+done`: look rows up by (platform, id), not by scanning every waiting row
        "UPDATE inbox SET done=1, payload=NULL, consumer=NULL "
        "WHERE platform=? AND +done=0 AND id IN (SELECT value FROM json_each(?))",
        (platform, json.dumps(list(ids))),
    )


def inbox_stats(conn: sqlite3.Connection, platform: str, now: float) -> tuple[int, float]:
    depth, oldest = conn.execute(
        "SELECT count(*), min(received_at) FROM inbox WHERE platform=? AND done=0", (platform,)
    ).fetchone()
    return int(depth), 0.0 if oldest is None else max(0.0, now - float(oldest))


def purge(conn: sqlite3.Connection, now: float) -> int:
    """Delete expired sessions, seen ids and finished inbox rows; returns how many rows went."""
    with transaction(conn):
        removed = conn.execute("DELETE FROM sessions WHERE expires_at<=?", (now,)).rowcount
        removed += conn.execute("DELETE FROM seen_events WHERE expires_at<=?", (now,)).rowcount
        removed += conn.execute("DELETE FROM inbox WHERE done=1 AND expires_at<=?", (now,)).rowcount
    return int(removed)
