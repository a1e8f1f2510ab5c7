"""The service's promise on every store: each event applied exactly once, in turn, never lost."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.buttons import ButtonData
from bot.messages import Command, CommandEvent, PressEvent, Reply, ReplyKind
from bot.service import CoachService
from bot.store.base import SessionKey
from tests.workers.conversation import next_press, toggles

ALICE = SessionKey("telegram", "-100200", "42")


async def reach_multi_answer_step(worker: CoachService) -> Reply:
    """Start a quiz and answer until a 'tap all that apply' step is on screen."""
    [question] = await worker.handle(ALICE, CommandEvent(Command.QUIZ), "telegram:1")
    while not toggles(question):
        [question] = await worker.handle(ALICE, PressEvent(next_press(question) or ""), None)
    return question


def choice_of(data: str) -> str:
    return ButtonData.unpack(data).value


async def test_fifty_simultaneous_presses_on_two_workers_are_each_applied_exactly_once(
    two_workers: list[CoachService],
) -> None:
    """50 toggles, each delivered to both workers at once: the parity of the picks would show
    any press that was lost or applied twice; the version counts the applied ones."""
    first, second = two_workers
    step = await reach_multi_answer_step(first)
    start = (await first.store.load(ALICE)).version  # type: ignore[union-attr]
    presses = [toggles(step)[n % len(toggles(step))] for n in range(50)]

    deliveries = [
        worker.handle(ALICE, PressEvent(data), f"telegram:{1000 + n}")
        for n, data in enumerate(presses)
        for worker in (first, second)
    ]
    outcomes = await asyncio.gather(*deliveries)

    for n in range(50):
        on_first, on_second = outcomes[2 * n], outcomes[2 * n + 1]
        assert [bool(on_first), bool(on_second)].count(True) == 1, n
        assert all(r.kind is ReplyKind.QUESTION for r in on_first + on_second), n
    session = await second.store.load(ALICE)
    assert session is not None and session.version == start + 50
    odd = {choice for choice, count in Counter(map(choice_of, presses)).items() if count % 2}
    assert session.quiz is not None
    assert set(session.quiz.answers.get(session.quiz.step, [])) == odd


async def test_an_update_delivered_twice_is_answered_once(two_workers: list[CoachService]) -> None:
    first, second = two_workers
    [question] = await first.handle(ALICE, CommandEvent(Command.QUIZ), "telegram:7")
    press = PressEvent(next_press(question) or "")

    answered = await first.handle(ALICE, press, "telegram:8")
    again = await second.handle(ALICE, press, "telegram:8")

    assert answered and again == []
    assert (await second.store.load(ALICE)).version == 2  # type: ignore[union-attr]


async def test_forget_clears_every_chat_of_the_user_and_a_redelivery_changes_nothing(
    two_workers: list[CoachService],
) -> None:
    first, second = two_workers
    private = SessionKey("telegram", "42", "42")
    await first.handle(ALICE, CommandEvent(Command.QUIZ), "telegram:1")
    await first.handle(private, CommandEvent(Command.QUIZ), "telegram:2")

    forgotten = await first.handle(private, CommandEvent(Command.FORGET), "telegram:3")
    await second.handle(ALICE, CommandEvent(Command.HELP), "telegram:4")
    redelivered = await second.handle(private, CommandEvent(Command.FORGET), "telegram:3")

    assert forgotten and redelivered == []
    assert await second.store.load(private) is None
    assert (await second.store.load(ALICE)).version == 1  # type: ignore[union-attr]
