"""The inbox contract: received updates are kept until handled, once each, on every store."""

from __future__ import annotations

import pytest

from bot.store.base import InboxEntry, Store
from tests.store.conftest import StoreKit

BATCH = [("1001", b'{"update_id": 1001}'), ("1002", b"\x00\xff raw"), ("1003", b"")]


def ids(entries: list[InboxEntry]) -> list[str]:
    return [entry.id for entry in entries]


async def test_a_batch_written_twice_is_kept_once(store: Store) -> None:
    assert await store.inbox_put("telegram", BATCH) == 3
    assert await store.inbox_put("telegram", [*BATCH[1:], ("1004", b"new")]) == 1

    claimed = await store.inbox_claim("telegram", "worker-a", limit=10, min_idle=60)

    assert [(e.id, e.payload) for e in claimed] == [*BATCH, ("1004", b"new")]
    assert {e.attempts for e in claimed} == {1}


async def test_entries_come_oldest_first_and_each_goes_to_one_consumer(store: Store) -> None:
    await store.inbox_put("telegram", BATCH)
    await store.inbox_put("telegram", [("999", b"later but smaller id")])

    first = await store.inbox_claim("telegram", "worker-a", limit=2, min_idle=60)
    second = await store.inbox_claim("telegram", "worker-b", limit=10, min_idle=60)

    assert ids(first) == ["1001", "1002"]
    assert ids(second) == ["1003", "999"]
    assert await store.inbox_claim("telegram", "worker-c", limit=10, min_idle=60) == []
    assert await store.inbox_claim("telegram", "worker-a", limit=10, min_idle=60) == []


async def test_a_finished_entry_is_gone_and_a_redelivery_of_it_is_not_new(store: Store) -> None:
    await store.inbox_put("telegram", BATCH)
    await store.inbox_claim("telegram", "worker-a", limit=10, min_idle=60)

    await store.inbox_done("telegram", ["1001", "1003", "never-seen"])
    await store.inbox_done("telegram", ["1001"])

    assert (await store.inbox_stats("telegram"))[0] == 1
    assert await store.inbox_put("telegram", BATCH[:1]) == 0
    [left] = await store.inbox_claim("telegram", "worker-b", limit=10, min_idle=0)
    assert (left.id, left.payload, left.attempts) == ("1002", BATCH[1][1], 2)


async def test_stats_count_what_waits_and_age_the_oldest(kit: StoreKit) -> None:
    store = kit.open()
    assert await store.inbox_stats("telegram") == (0, 0.0)
    await store.inbox_put("telegram", BATCH[:1])
    await kit.pass_time(0.3)
    await store.inbox_put("telegram", BATCH[1:])
    await store.inbox_claim("telegram", "worker-a", limit=1, min_idle=60)

    depth, age = await store.inbox_stats("telegram")

    assert depth == 3
    assert 0.28 <= age < 5


async def test_a_dead_workers_entries_are_taken_over_only_after_min_idle(kit: StoreKit) -> None:
    store = kit.open()
    await store.inbox_put("telegram", BATCH)
    taken = await store.inbox_claim("telegram", "doomed", limit=2, min_idle=0.3)

    early = await store.inbox_claim("telegram", "survivor", limit=10, min_idle=0.3)
    await kit.pass_time(0.45)
    late = await store.inbox_claim("telegram", "survivor", limit=10, min_idle=0.3)

    assert ids(taken) == ["1001", "1002"]
    assert ids(early) == ["1003"]
    assert ids(late) == ["1001", "1002", "1003"]
    assert [e.attempts for e in late] == [2, 2, 2]
    assert [e.payload for e in late] == [payload for _, payload in BATCH]
    await store.inbox_done("telegram", ids(late))
    assert await store.inbox_stats("telegram") == (0, 0.0)


async def test_entries_a_live_worker_still_holds_are_not_taken_over(kit: StoreKit) -> None:
    """A worker touches what waits in its queue; only untouched entries count as abandoned."""
    store = kit.open()
    await store.inbox_put("telegram", BATCH)
    await store.inbox_claim("telegram", "busy", limit=3, min_idle=0.3)
    await kit.pass_time(0.2)
    await store.inbox_touch("telegram", "busy", ["1001", "1002"])
    await store.inbox_touch("telegram", "someone else", ["1003"])  # not theirs: no effect
    await kit.pass_time(0.2)

    taken = await store.inbox_claim("telegram", "other", limit=10, min_idle=0.3)

    assert ids(taken) == ["1003"]


async def test_platforms_have_separate_inboxes(store: Store) -> None:
    await store.inbox_put("telegram", BATCH[:1])
    assert await store.inbox_put("discord", BATCH[:1]) == 1

    await store.inbox_done("discord", ["1001"])

    assert ids(await store.inbox_claim("telegram", "w", limit=10, min_idle=60)) == ["1001"]
    assert await store.inbox_claim("discord", "w", limit=10, min_idle=60) == []


async def test_a_restarted_store_replays_what_was_never_finished(kit: StoreKit) -> None:
    if not kit.persistent:
        pytest.skip("the memory store lives and dies with its process")
    before = kit.open()
    await before.inbox_put("telegram", BATCH)
    await before.inbox_claim("telegram", "crashed", limit=1, min_idle=60)
    await before.inbox_done("telegram", ["1002"])
    await before.close()

    after = kit.open()

    assert ids(await after.inbox_claim("telegram", "restarted", limit=10, min_idle=0)) == [
        "1001",
        "1003",
    ]
