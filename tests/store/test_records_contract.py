"""Named records (group polls, schedules): every store keeps them alike, by compare-and-set."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.base import Store, StoreUnavailable, VersionConflict
from tests.store.conftest import StoreKit


async def test_a_record_is_absent_until_saved_and_then_comes_back_exactly(store: Store) -> None:
    assert await store.record_load("poll:telegram:-100") is None

    version = await store.record_save("poll:telegram:-100", '{"votes": {"1": ["ø"]}}', 0)

    assert version == 1
    assert await store.record_load("poll:telegram:-100") == (1, '{"votes": {"1": ["ø"]}}')


async def test_a_stale_record_write_is_refused_and_changes_nothing(store: Store) -> None:
    await store.record_save("poll:discord:7", "first", 0)
    await store.record_save("poll:discord:7", "second", 1)

    with pytest.raises(VersionConflict):
        await store.record_save("poll:discord:7", "late", 1)
    with pytest.raises(VersionConflict):
        await store.record_save("poll:discord:7", "new", 0)
    assert await store.record_load("poll:discord:7") == (2, "second")


async def test_concurrent_writers_of_one_record_never_both_win(kit: StoreKit) -> None:
    first, second = kit.open(), kit.open() if kit.persistent else None
    stores = [first, second or first]

    results = await asyncio.gather(
        *(
            s.record_save("checkin:telegram:-1", body, 0)
            for s, body in zip(stores, "ab", strict=True)
        ),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["VersionConflict", "int"]


async def test_names_are_listed_by_prefix_and_deleted_records_vanish(store: Store) -> None:
    for name in ("checkin:telegram:-2", "checkin:telegram:-1", "checkin:discord:5", "poll:x"):
        await store.record_save(name, "{}", 0)
    await store.record_delete("checkin:telegram:-2")
    await store.record_delete("never-saved")

    assert await store.record_names("checkin:telegram:") == ["checkin:telegram:-1"]
    assert await store.record_load("checkin:telegram:-2") is None


async def test_records_survive_reopening_a_persistent_store(kit: StoreKit) -> None:
    if not kit.persistent:
        pytest.skip("the memory store forgets by design")
    await kit.open().record_save("poll:telegram:-9", '{"open": true}', 0)

    assert await kit.open().record_load("poll:telegram:-9") == (1, '{"open": true}')


async def test_an_unreachable_store_says_so_for_records(kit: StoreKit) -> None:
    if kit.open_down is None:
        pytest.skip("an in-process store is always reachable")
    down = await kit.open_down()

    with pytest.raises(StoreUnavailable):
        await down.record_save("poll:x", "{}", 0)
