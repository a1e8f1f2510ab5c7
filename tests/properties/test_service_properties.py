"""Random conversations of three sessions through the service: exactly once, version +1 each."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.buttons import BadButtonData, ButtonData
from bot.engine import Engine
from bot.messages import (
    Command,
    CommandEvent,
    Delivery,
    Event,
    PressEvent,
    Reply,
    TextEvent,
)
from bot.service import CoachService
from bot.store.base import SessionKey
from bot.store.memory import MemoryStore
from tests.properties.checks import assert_replies_valid, assert_session_valid
from tests.properties.conftest import GENERATED_EVENTS
from tests.properties.strategies import user_action

MIN_EVENTS = 5_000
# Two members of one group, and the first of them again in a private chat.
KEYS = [
    SessionKey("telegram", "-100500", "11"),
    SessionKey("telegram", "-100500", "22"),
    SessionKey("telegram", "11", "11"),
]
OTHER_MEMBER = {0: 1, 1: 0, 2: 1}

Call = tuple[int, Event, str]


class Conversations:
    """Plays generated actions against the service and keeps the model of what must be stored."""

    def __init__(self, engine: Engine) -> None:
        self.service = CoachService(engine, MemoryStore())
        self.latest: list[list[str]] = [[] for _ in KEYS]
        self.shown: list[list[str]] = [[] for _ in KEYS]
        self.versions = [0 for _ in KEYS]
        self.ids = itertools.count(1)
        self.last: Call | None = None
        self.last_stored = True

    def call_for(self, who: int, action: tuple[object, ...]) -> Call:
        match action:
            case ("press", int(n)) if self.latest[who]:
                event = PressEvent(self.latest[who][n % len(self.latest[who])])
            case ("stale", int(n)) if self.shown[who]:
                event = PressEvent(self.shown[who][n % len(self.shown[who])])
            case ("foreign", int(n)) if self.latest[OTHER_MEMBER[who]]:
                theirs = self.latest[OTHER_MEMBER[who]]
                event = PressEvent(theirs[n % len(theirs)])
            case ("command", str(name), str(argument)):
                event = CommandEvent(name, argument)
            case ("text", str(text)):
                event = TextEvent(text)
            case ("forged", str(data)):
                event = PressEvent(data)
            case ("redeliver",) if self.last is not None:
                return self.last
            case _:
                event = TextEvent("")
        return who, event, f"telegram:{next(self.ids)}"

    async def play(self, who: int, action: tuple[object, ...]) -> None:
        call = self.call_for(who, action)
        key, event = KEYS[call[0]], call[1]
        replies = await self.service.handle(key, event, call[2])
        GENERATED_EVENTS["service"] += 1
        assert_replies_valid(replies, owner=key.user)
        self.expect(call, replies)
        self.last = call
        offered = [o.data for r in replies for o in r.options]
        self.latest[call[0]] = offered or self.latest[call[0]]
        self.shown[call[0]] += offered
        await self.check_store()

    def expect(self, call: Call, replies: list[Reply]) -> None:
        """Update the model: who must have been changed by this call, and how."""
        who, event, _ = call
        key = KEYS[who]
        stray = all(r.delivery is Delivery.ALERT for r in replies)
        if isinstance(event, PressEvent) and not pressable_by(event.raw, key.user):
            assert [r.delivery for r in replies] == [Delivery.ALERT]  # refused, nothing touched
        elif call == self.last and self.last_stored:
            assert replies == []
        elif isinstance(event, CommandEvent) and event.name is Command.FORGET:
            assert replies
            for n, other in enumerate(KEYS):
                if (other.platform, other.user) == (key.platform, key.user):
                    self.versions[n] = 0
        elif self.versions[who] == 0 and replies and stray:
            self.last_stored = False  # a stray press on no conversation stores nothing
            return
        else:
            assert replies
            self.versions[who] += 1
        self.last_stored = True

    async def check_store(self) -> None:
        for key, version in zip(KEYS, self.versions, strict=True):
            stored = await self.service.store.load(key)
            if version == 0:
                assert stored is None, key
                continue
            assert stored is not None and stored.version == version, key
            assert_session_valid(self.service.engine, stored)


def test_random_conversations_through_the_service_apply_each_event_exactly_once(
    engine: Engine,
) -> None:
    with asyncio.Runner() as runner:

        @settings(
            max_examples=110,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.lists(st.tuples(st.integers(0, 2), user_action()), min_size=46, max_size=60))
        def conversation(actions: list[tuple[int, tuple[object, ...]]]) -> None:
            model = Conversations(engine)
            for who, action in actions:
                runner.run(model.play(who, action))

        start = GENERATED_EVENTS["service"]
        conversation()
    ran = GENERATED_EVENTS["service"] - start
    print(f"service property test: {ran} generated events")
    assert ran >= MIN_EVENTS


def pressable_by(raw: str, user: str) -> bool:
    """Well-formed data whose owner is `user`: the only presses the service lets through."""
    try:
        return ButtonData.unpack(raw).owner == user
    except BadButtonData:
        return False
