"""How the SQLite store saves and loads sessions quickly without giving anything up: it serves
the bodies it saved from memory (another process writing the same file can make one stale, but
a turn worked out from it never saves: the compare-and-set refuses, the stale body is dropped,
and the file is read again), and saves made together share one commit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.session import Session
from bot.store.base import SessionKey, StoreUnavailable, VersionConflict
from bot.store.sqlite import SqliteStore

ALICE = SessionKey("telegram", "42", "42")


async def test_a_session_saved_here_loads_back_equal_and_a_deleted_one_is_gone(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "bot.db")
    saved = Session(version=1, round=3, seen_events=["e1"])
    await store.save(ALICE, saved, 0)
    assert await store.load(ALICE) == saved
    await store.delete(ALICE)
    assert await store.load(ALICE) is None
    await store.save(ALICE, saved, 0)
    await store.forget_user("telegram", "42")
    assert await store.load(ALICE) is None
    await store.close()


async def test_a_body_made_stale_by_another_process_cannot_be_saved_over(
    tmp_path: Path,
) -> None:
    here, other = SqliteStore(tmp_path / "bot.db"), SqliteStore(tmp_path / "bot.db")
    await here.save(ALICE, Session(version=1, round=1), 0)
    await other.save(ALICE, Session(version=2, round=2), 1)

    stale = await here.load(ALICE)
    assert stale is not None
    with pytest.raises(VersionConflict):
        await here.save(ALICE, Session(version=stale.version + 1, round=9), stale.version)
    assert await here.load(ALICE) == Session(version=2, round=2)  # read from the file again
    await here.close()
    await other.close()


async def test_saves_made_together_share_one_commit_and_each_keeps_its_own_outcome(
    tmp_path: Path,
) -> None:
    """Turns that save in the same turn of the event loop are written in one transaction; a
    compare-and-set that fails in it fails alone, and the others are written."""
    store = SqliteStore(tmp_path / "bot.db")
    users = [SessionKey("telegram", str(n), str(n)) for n in range(10)]
    await store.save(users[0], Session(version=1), 0)
    commits: list[str] = []
    store._fast.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)

    outcomes = await asyncio.gather(
        *(store.save(user, Session(version=1, round=n), 0) for n, user in enumerate(users)),
        return_exceptions=True,
    )

    assert isinstance(outcomes[0], VersionConflict)  # users[0] was saved before
    assert outcomes[1:] == [None] * 9
    assert commits == ["COMMIT"]
    assert await store.load(users[0]) == Session(version=1)
    assert [await store.load(u) for u in users[1:]] == [
        Session(version=1, round=n) for n in range(1, 10)
    ]
    await store.close()


async def test_two_saves_of_one_session_from_one_version_in_one_batch_exactly_one_wins(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "bot.db")
    await store.save(ALICE, Session(version=1), 0)
    outcomes = await asyncio.gather(
        store.save(ALICE, Session(version=2, round=1), 1),
        store.save(ALICE, Session(version=2, round=2), 1),
        return_exceptions=True,
    )
    assert outcomes[0] is None and isinstance(outcomes[1], VersionConflict)
    assert await store.load(ALICE) == Session(version=2, round=1)
    await store.close()


async def test_a_batch_that_cannot_be_written_fails_every_save_in_it_and_the_next_works(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "bot.db", max_pages=16)
    big = "x" * 3000  # each body needs a page of its own: the file fills within the batch
    users = [SessionKey("telegram", str(n), str(n)) for n in range(40)]
    outcomes = await asyncio.gather(
        *(store.save(u, Session(version=1, outbox=big), 0) for u in users),
        return_exceptions=True,
    )
    assert all(isinstance(o, StoreUnavailable) for o in outcomes), outcomes
    assert [await store.load(u) for u in users] == [None] * 40  # all or nothing
    await store.save(users[0], Session(version=1), 0)
    assert await store.load(users[0]) == Session(version=1)
    await store.close()
