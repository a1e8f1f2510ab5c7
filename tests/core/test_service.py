"""The service: owner checks, exactly-once events, conflicts retried, store outages answered."""

from __future__ import annotations

import asyncio

import pytest

from bot.buttons import MAX_BYTES
from bot.engine import Engine
from bot.messages import Command, CommandEvent, ReplyKind, TextEvent
from bot.service import CoachService
from bot.session import SCHEMA_VERSION, Session
from bot.store.base import SessionKey, StoreUnavailable
from bot.store.memory import MemoryStore
from tests.core.helpers import press, said

ANN = SessionKey("telegram", "-100123", "111")
BOB = SessionKey("telegram", "-100123", "222")


async def test_group_members_have_separate_sessions(service: CoachService) -> None:
    await service.handle(ANN, CommandEvent(Command.QUIZ))
    replies = await service.handle(BOB, TextEvent("hello"))
    assert replies[0].kind is not ReplyKind.QUESTION
    ann = await service.store.load(ANN)
    bob = await service.store.load(BOB)
    assert ann is not None and ann.flow == "quiz"
    assert bob is not None and bob.flow == "idle"


async def test_member_cannot_press_another_members_quiz_button(service: CoachService) -> None:
    question = (await service.handle(ANN, CommandEvent(Command.QUIZ)))[0]
    before = await service.store.load(ANN)
    replies = await service.handle(BOB, press(question, "glutes"))
    assert replies[0].kind is ReplyKind.NOTICE
    assert said(replies[0]) == service.engine.content.texts.not_yours
    assert await service.store.load(ANN) == before
    assert await service.store.load(BOB) is None


async def test_same_event_delivered_twice_is_applied_once(service: CoachService) -> None:
    question = (await service.handle(ANN, CommandEvent(Command.QUIZ), "tg:1"))[0]
    first = await service.handle(ANN, press(question, "glutes"), "tg:2")
    again = await service.handle(ANN, press(question, "glutes"), "tg:2")
    assert first and again == []
    session = await service.store.load(ANN)
    assert session is not None and session.version == 2


async def test_concurrent_presses_are_applied_one_after_the_other(engine: Engine) -> None:
    store = MemoryStore()
    services = [CoachService(engine, store), CoachService(engine, store)]
    await services[0].handle(ANN, CommandEvent(Command.FAQ), "e0")
    events = [services[i % 2].handle(ANN, TextEvent("step height"), f"e{i + 1}") for i in range(20)]
    await asyncio.gather(*events)
    session = await store.load(ANN)
    assert session is not None and session.version == 21


async def test_option_data_fits_telegram_for_the_longest_user_ids(engine: Engine) -> None:
    service = CoachService(engine, MemoryStore())
    key = SessionKey("discord", "1" * 20, "9" * 20)
    replies = await service.handle(key, CommandEvent(Command.QUIZ))
    replies += await service.handle(key, CommandEvent(Command.FAQ))
    for topic in engine.content.faq.topics:
        replies += await service.handle(key, CommandEvent(Command.FAQ, topic.id))
    question = replies[0]
    for label in ("glutes", "Balance"):
        replies += await service.handle(key, press(question, label))
        question = replies[-1]
    for reply in replies:
        for option in reply.options:
            assert len(option.data.encode()) <= MAX_BYTES, option.data


class BrokenStore(MemoryStore):
    async def load(self, key: SessionKey) -> Session | None:
        raise StoreUnavailable("connection refused")


async def test_store_outage_gets_a_try_again_reply(engine: Engine) -> None:
    service = CoachService(engine, BrokenStore())
    replies = await service.handle(ANN, TextEvent("step height"))
    assert replies[0].kind is ReplyKind.ERROR
    assert said(replies[0]) == engine.content.texts.store_unavailable


async def test_forget_deletes_every_session_of_the_user(service: CoachService) -> None:
    other_chat = SessionKey("telegram", "555", "111")
    await service.handle(ANN, CommandEvent(Command.QUIZ))
    await service.handle(other_chat, CommandEvent(Command.QUIZ))
    await service.handle(BOB, CommandEvent(Command.QUIZ))
    replies = await service.handle(ANN, CommandEvent(Command.FORGET))
    assert said(replies[0]) == service.engine.content.texts.forgotten
    assert await service.store.load(ANN) is None
    assert await service.store.load(other_chat) is None
    assert await service.store.load(BOB) is not None


class CorruptingStore(MemoryStore):
    """Simulates a session written by a broken or future release."""

    def corrupt(self, key: SessionKey, body: str) -> None:
        version, expires, _ = self._sessions[key]
        self._sessions[key] = (version, expires, body)


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"schema_version": 99}', '{"flow": 7}'])
async def test_unreadable_session_is_started_afresh_not_crashed(engine: Engine, body: str) -> None:
    store = CorruptingStore()
    service = CoachService(engine, store)
    await service.handle(ANN, CommandEvent(Command.QUIZ))
    store.corrupt(ANN, body)
    replies = await service.handle(ANN, CommandEvent(Command.QUIZ))
    assert replies[0].kind is ReplyKind.QUESTION
    session = await store.load(ANN)
    assert session is not None and session.flow == "quiz"


def test_session_written_before_versioning_reads_as_the_current_schema() -> None:
    session = Session.from_json('{"flow": "idle", "round": 3}')
    assert session.schema_version == SCHEMA_VERSION and session.round == 3


async def test_an_update_replayed_after_a_crash_gets_its_saved_replies_again(
    service: CoachService,
) -> None:
    """Applied once; a plain duplicate gets nothing, a replay (its replies may never have left
    the crashed worker) gets exactly the replies saved with it."""
    first = await service.handle(ANN, TextEvent("how high should the step be"), "tg:7")
    duplicate = await service.handle(ANN, TextEvent("how high should the step be"), "tg:7")
    replayed = await service.handle(
        ANN, TextEvent("how high should the step be"), "tg:7", replay=True
    )
    session = await service.store.load(ANN)

    assert first and duplicate == []
    assert replayed == first
    assert session is not None and session.version == 1
