"""The SQL of the SQLite store's named records (group polls, schedules, counts)."""

from __future__ import annotations

import logging
import sqlite3

from bot.store.sqlite_sql import transaction

logger = logging.getLogger(__name__)


def load(conn: sqlite3.Connection, name: str) -> tuple[int, str] | None:
    row = conn.execute("SELECT version, body FROM records WHERE name=?", (name,)).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def save(conn: sqlite3.Connection, name: str, body: str, expected: int) -> bool:
    """Compare-and-set: written only if the stored version is `expected` (0 = absent)."""
    with transaction(conn):
        if expected == 0:
            cur = conn.execute(
                "INSERT INTO records VALUES (?, 1, ?) ON CONFLICT(name) DO NOTHING", (name, body)
            )
        else:
            cur = conn.execute(
                "UPDATE records SET version=version+1, body=? WHERE name=? AND version=?",
                (body, name, expected),
            )
    return cur.rowcount == 1


def delete(conn: sqlite3.Connection, name: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM records WHERE name=?", (name,))


def names(conn: sqlite3.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM records WHERE substr(name, 1, ?)=? ORDER BY name", (len(prefix), prefix)
    ).fetchall()
    return [str(row[0]) for row in rows]
