"""Random conversations straight into the engine: it never raises and every session stays valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.buttons import BadButtonData, ButtonData
from bot.engine import Engine
from bot.messages import ChoiceEvent, Command, CommandEvent, EngineEvent, TextEvent
from bot.session import Session
from tests.properties.checks import assert_replies_valid, assert_session_valid
from tests.properties.conftest import GENERATED_EVENTS
from tests.properties.strategies import user_action

MIN_EVENTS = 5_000
OWNER = "42"


def to_event(
    action: tuple[object, ...], latest: list[str], shown: list[str], last: EngineEvent
) -> EngineEvent:
    """Turn a generated action into the engine's event; presses pick from what was shown.

    The engine sees only presses the service admitted (decoded data); forged data that still
    decodes reaches it, the rest is the service's to refuse (tested there)."""
    match action:
        case ("press", int(n)) if latest:
            return choice(latest[n % len(latest)])
        case ("stale" | "foreign", int(n)) if shown:
            return choice(shown[n % len(shown)])
        case ("command", str(name), str(argument)):
            return CommandEvent(Command(name), argument)
        case ("text", str(text)):
            return TextEvent(text)
        case ("forged", str(data)):
            return choice(data)
        case ("redeliver",):
            return last
    return TextEvent("")


def choice(raw: str) -> EngineEvent:
    try:
        return ChoiceEvent(ButtonData.unpack(raw))
    except BadButtonData:
        return TextEvent(raw)


def test_random_conversations_never_break_the_engine_or_a_session(engine: Engine) -> None:
    @settings(
        max_examples=110,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(user_action(), min_size=46, max_size=60))
    def conversation(actions: list[tuple[object, ...]]) -> None:
        session = Session(salt="beef")
        latest: list[str] = []
        shown: list[str] = []
        event: EngineEvent = TextEvent("")
        for action in actions:
            event = to_event(action, latest, shown, event)
            before = session.model_dump()
            after, replies = engine.handle(session, event, OWNER)
            GENERATED_EVENTS["engine"] += 1
            assert session.model_dump() == before, "the engine changed its input"
            assert after.version == session.version, "versions belong to the service"
            assert replies
            assert_session_valid(engine, after)
            assert_replies_valid(replies, owner=OWNER)
            offered = [o.data for r in replies for o in r.options]
            latest = offered or latest
            shown += offered
            session = after

    start = GENERATED_EVENTS["engine"]
    conversation()
    ran = GENERATED_EVENTS["engine"] - start
    print(f"engine property test: {ran} generated events")
    assert ran >= MIN_EVENTS
