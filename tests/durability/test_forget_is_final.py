"""/forget is final, on every store: after it, a stale button press or an update re-delivered
from before it creates no stored row and changes nothing; a brand-new message works as ever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.buttons import Action, ButtonData
from bot.engine import Engine
from bot.messages import (
    Command,
    CommandEvent,
    Delivery,
    Origin,
    PressEvent,
    Reply,
    ReplyKind,
    TextEvent,
)
from bot.service import CoachService
from bot.store.base import SessionKey, Store
from bot.store.memory import MemoryStore
from bot.store.redis import RedisStore
from bot.store.sqlite import SqliteStore

ANN = "1001"
PRIVATE = SessionKey("telegram", ANN, ANN)
GROUP = SessionKey("telegram", "-1001234567890", ANN)
IN_GROUP = Origin(group=True)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def coach(
    request: pytest.FixtureRequest, engine: Engine, tmp_path: Path
) -> AsyncIterator[CoachService]:
    """The service on each kind of store (Redis under this test's own key prefix)."""
    store: Store
    if request.param == "redis":
        url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
        store = RedisStore.from_url(url, prefix)
    elif request.param == "sqlite":
        store = SqliteStore(tmp_path / "sessions.db")
    else:
        store = MemoryStore()
    yield CoachService(engine, store)
    await store.close()


def first_answer(reply: Reply) -> str:
    answers = [o.data for o in reply.options if o.data]
    return next(d for d in answers if ButtonData.unpack(d).action is Action.ANSWER)


async def quiz_then_forget(coach: CoachService) -> tuple[Reply, Reply]:
    """Ann starts a quiz in private and one in a group, answers the first question in each
    (updates 1-4), then sends /forget (update 5). The question replies she was shown."""
    [private_q1] = await coach.handle(PRIVATE, CommandEvent(Command.QUIZ), "telegram:1")
    [group_q1] = await coach.handle(GROUP, CommandEvent(Command.QUIZ), "telegram:2", IN_GROUP)
    [private_q2] = await coach.handle(PRIVATE, PressEvent(first_answer(private_q1)), "telegram:3")
    await coach.handle(GROUP, PressEvent(first_answer(group_q1)), "telegram:4", IN_GROUP)
    assert await coach.store.load(PRIVATE) is not None and await coach.store.load(GROUP)
    [forgotten] = await coach.handle(PRIVATE, CommandEvent(Command.FORGET), "telegram:5")
    assert forgotten.kind is not ReplyKind.ERROR
    assert await coach.store.load(PRIVATE) is None and await coach.store.load(GROUP) is None
    return private_q1, private_q2


async def test_a_stale_quiz_press_after_forget_stores_nothing(coach: CoachService) -> None:
    first_question, second_question = await quiz_then_forget(coach)
    stale = [first_answer(first_question), first_answer(second_question)]
    stale += [o.data for o in second_question.options if o.data and o.data not in stale][-2:]

    outcomes = [
        await coach.handle(PRIVATE, PressEvent(data), f"telegram:{10 + n}")
        for n, data in enumerate(stale)
    ]
    in_group = await coach.handle(GROUP, PressEvent(stale[1]), "telegram:20", IN_GROUP)

    assert all(r.delivery is Delivery.ALERT for out in [*outcomes, in_group] for r in out)
    assert await coach.store.load(PRIVATE) is None
    assert await coach.store.load(GROUP) is None


async def test_updates_from_before_forget_delivered_again_store_nothing(
    coach: CoachService,
) -> None:
    """Telegram re-sends what it thinks was not received: the /quiz and the answers."""
    first_question, _ = await quiz_then_forget(coach)
    press = PressEvent(first_answer(first_question))

    again = [
        await coach.handle(PRIVATE, CommandEvent(Command.QUIZ), "telegram:1"),
        await coach.handle(GROUP, CommandEvent(Command.QUIZ), "telegram:2", IN_GROUP),
        await coach.handle(PRIVATE, press, "telegram:3"),
        await coach.handle(PRIVATE, CommandEvent(Command.QUIZ), "telegram:1", replay=True),
        await coach.handle(PRIVATE, CommandEvent(Command.FORGET), "telegram:5"),
    ]

    assert again == [[]] * len(again)
    assert await coach.store.load(PRIVATE) is None
    assert await coach.store.load(GROUP) is None


async def test_a_new_message_after_forget_is_answered_and_remembered(
    coach: CoachService,
) -> None:
    await quiz_then_forget(coach)

    [question] = await coach.handle(PRIVATE, CommandEvent(Command.QUIZ), "telegram:30")
    [asked] = await coach.handle(GROUP, TextEvent("how high should the step be"), "telegram:31")

    assert question.kind is ReplyKind.QUESTION and asked.kind is not ReplyKind.ERROR
    stored = await coach.store.load(PRIVATE)
    assert stored is not None and stored.flow == "quiz"
    assert "telegram:30" in stored.seen_events
    assert await coach.store.load(GROUP) is not None
