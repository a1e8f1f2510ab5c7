"""The SQLite store serves sessions it saved from memory; another process writing the same file
can make such a body stale, but a turn worked out from it never saves: the compare-and-set
refuses, the stale body is dropped, and the file is read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.session import Session
from bot.store.base import SessionKey, VersionConflict
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
