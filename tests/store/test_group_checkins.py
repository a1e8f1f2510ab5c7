"""Group state on every store: a check-in fires once across workers; a poll survives a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.engine import Engine
from bot.groups.records import GroupKey
from bot.groups.service import GroupService
from tests.store.conftest import StoreKit

GROUP = GroupKey("telegram", "-100777")
MONDAY_EVENING = datetime(2026, 11, 30, 18, 10, tzinfo=UTC)


async def test_a_check_in_fires_once_with_two_workers_on_one_store(
    kit: StoreKit, engine: Engine
) -> None:
    first = GroupService(engine, kit.open())
    second = GroupService(engine, kit.open() if kit.persistent else first.store)
    await first.set_checkin(GROUP, "weekly monday 18:00 Europe/London")

    claims = await asyncio.gather(
        *(w.due_checkins("telegram", MONDAY_EVENING) for w in (first, second, first, second))
    )

    assert sorted(c for claim in claims for c in claim) == [GROUP.chat]
    next_week = MONDAY_EVENING.replace(day=7, month=12)
    assert await second.due_checkins("telegram", next_week) == [GROUP.chat]


async def test_a_check_in_is_not_due_on_another_day_or_after_it_is_stopped(
    kit: StoreKit, engine: Engine
) -> None:
    worker = GroupService(engine, kit.open())
    await worker.set_checkin(GROUP, "weekly tue 07:30")

    assert await worker.due_checkins("telegram", MONDAY_EVENING) == []
    tuesday = datetime(2026, 12, 1, 7, 31, tzinfo=UTC)
    await worker.set_checkin(GROUP, "off")
    assert await worker.due_checkins("telegram", tuesday) == []


async def test_votes_from_two_workers_at_once_are_all_counted(
    kit: StoreKit, engine: Engine
) -> None:
    first = GroupService(engine, kit.open())
    second = GroupService(engine, kit.open() if kit.persistent else first.store)
    poll_reply, opened = await first.open_poll(GROUP)
    assert opened
    goal = engine.content.goals.goals[0]
    vote = next(o.data for o in poll_reply.options if o.label == goal.label)

    await asyncio.gather(
        *(
            worker.vote(GROUP, str(member), vote)
            for member in range(30)
            for worker in ((first, second)[member % 2],)
        )
    )

    poll = await second.poll(GROUP)
    assert poll is not None and poll.voters == 30 and poll.counts()[goal.id] == 30
