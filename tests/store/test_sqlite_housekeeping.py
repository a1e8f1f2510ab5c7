"""SQLite housekeeping: expired rows leave the disk, a lost file is noticed, a busy file waits."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.session import Session
from bot.store.base import SessionKey, StoreUnavailable
from bot.store.sqlite import PURGE_INTERVAL, SqliteStore
from tests.store.conftest import FakeClock

ALICE = SessionKey("telegram", "-100200", "42")


def rows_on_disk(path: Path) -> dict[str, int]:
    """Counted by a connection of its own, as anyone reading the file would see them."""
    with sqlite3.connect(path) as conn:
        tables = ("sessions", "seen_events", "inbox")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


async def test_expired_rows_leave_the_disk_at_the_next_purge_and_pending_updates_stay(
    tmp_path: Path,
) -> None:
    clock, path = FakeClock(), tmp_path / "bot.db"
    store = SqliteStore(path, session_ttl=60, event_ttl=60, clock=clock)
    await store.save(ALICE, Session(version=1, last_goals=["private answer"]), 0)
    await store.mark_seen("telegram:1")
    await store.inbox_put("telegram", [("1", b"handled"), ("2", b"still waiting")])
    await store.inbox_done("telegram", ["1"])

    clock.now += 120
    await store.ping()
    before_purge = rows_on_disk(path)
    clock.now += PURGE_INTERVAL
    await store.ping()

    assert before_purge == {"sessions": 1, "seen_events": 1, "inbox": 2}
    assert rows_on_disk(path) == {"sessions": 0, "seen_events": 0, "inbox": 1}
    assert [e.id for e in await store.inbox_claim("telegram", "w", 10, 0)] == ["2"]
    await store.close()


async def test_a_store_opened_after_a_long_stop_purges_at_once(tmp_path: Path) -> None:
    clock, path = FakeClock(), tmp_path / "bot.db"
    first = SqliteStore(path, session_ttl=60, event_ttl=60, clock=clock)
    await first.save(ALICE, Session(version=1), 0)
    await first.mark_seen("telegram:1")
    await first.close()

    clock.now += 120
    await SqliteStore(path, session_ttl=60, event_ttl=60, clock=clock).close()

    assert rows_on_disk(path) == {"sessions": 0, "seen_events": 0, "inbox": 0}


async def test_forgotten_text_is_not_left_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = SqliteStore(path)
    await store.save(ALICE, Session(version=1, last_goals=["my-bad-knee-secret"]), 0)
    await store.forget_user("telegram", "42")
    await store.close()

    assert b"my-bad-knee-secret" not in path.read_bytes()


async def test_a_database_file_deleted_while_running_is_noticed_and_a_new_one_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock, path = FakeClock(), tmp_path / "data" / "bot.db"
    store = SqliteStore(path, clock=clock)
    await store.save(ALICE, Session(version=1), 0)
    for doomed in path.parent.iterdir():
        doomed.unlink()
    path.parent.rmdir()

    clock.now += PURGE_INTERVAL + 1
    with pytest.raises(StoreUnavailable, match="deleted"):
        await store.load(ALICE)
    assert await store.load(ALICE) is None
    await store.save(ALICE, Session(version=1, round=2), 0)
    await store.close()

    assert "deleted" in caplog.text
    reopened = SqliteStore(path, clock=clock)
    assert await reopened.load(ALICE) == Session(version=1, round=2)
    await reopened.close()


async def test_a_save_waits_for_another_process_holding_the_file_instead_of_failing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    store = SqliteStore(path)
    await store.save(ALICE, Session(version=1), 0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    saving = asyncio.create_task(store.save(ALICE, Session(version=2), 1))
    await asyncio.sleep(0.2)
    read_meanwhile = await store.load(ALICE)
    waited = not saving.done()
    other.execute("COMMIT")
    await saving

    assert waited and read_meanwhile == Session(version=1)
    assert await store.load(ALICE) == Session(version=2)
    other.close()
    await store.close()


async def test_the_wal_is_checkpointed_off_the_loop_and_folded_in_on_close(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    path = tmp_path / "bot.db"
    store = SqliteStore(path)
    for n in range(1200):
        await store.mark_seen(f"telegram:{n}")
    await asyncio.sleep(0.2)
    await store.mark_seen("telegram:after-the-checkpoint")
    with sqlite3.connect(path) as peek:
        _, frames_in_wal, _ = peek.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    await store.close()

    assert frames_in_wal < 10  # the WAL started over after a checkpoint in a thread
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert rows_on_disk(path)["seen_events"] == 1201
    assert not caplog.records
