"""Stories at Discord's edges: oversize content, a slow store, a failing store."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.app import load_engine
from bot.engine import Engine
from bot.service import CoachService
from bot.session import Session
from bot.settings import Settings
from bot.store.base import SessionKey
from bot.store.memory import MemoryStore
from tests.discord.conftest import ALICE, ALICE_DM, CHANNEL, discord_settings, logged_in
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import DiscordHarness

LONG_PARAGRAPH = " ".join(["Drive through the whole foot and keep the ribs down."] * 12)


class SlowStore(MemoryStore):
    """A store behind a slow network: every load takes `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def load(self, key: SessionKey) -> Session | None:
        await asyncio.sleep(self.delay)
        return await super().load(key)


class BrokenStore(MemoryStore):
    """A store with a bug: every load raises something unexpected."""

    async def load(self, key: SessionKey) -> Session | None:
        raise RuntimeError("unexpected store bug")


@pytest.fixture
def verbose_engine(tmp_path: Path, settings: Settings) -> Engine:
    """Content far longer than Discord allows in one message, field or embed."""
    content_dir = tmp_path / "content"
    shutil.copytree(settings.content_dir, content_dir)
    texts = yaml.safe_load((content_dir / "texts.yaml").read_text())
    texts["help"] = "\n\n".join([LONG_PARAGRAPH] * 9)
    (content_dir / "texts.yaml").write_text(yaml.safe_dump(texts, allow_unicode=True))
    exercises = yaml.safe_load((content_dir / "exercises.yaml").read_text())
    for exercise in exercises["exercises"]:
        exercise["summary"] = "\n".join([LONG_PARAGRAPH] * 6)
        exercise["strengths"] = [LONG_PARAGRAPH] * 4
    (content_dir / "exercises.yaml").write_text(yaml.safe_dump(exercises, allow_unicode=True))
    return load_engine(settings.model_copy(update={"content_dir": content_dir}))


@pytest.fixture
async def verbose_bot(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, verbose_engine: Engine
) -> AsyncIterator[DiscordHarness]:
    async with logged_in(fake, monkeypatch, verbose_engine) as bot:
        yield bot


def words(text: str) -> list[str]:
    return text.replace("**", "").split()


async def test_long_text_is_split_into_messages_within_discords_limit(
    verbose_bot: DiscordHarness, verbose_engine: Engine, fake: FakeDiscord
) -> None:
    outcomes = await verbose_bot.send(fake.slash(ALICE, CHANNEL, "help"))
    assert [o.kind for o in outcomes] == ["reply"] + ["followup"] * (len(outcomes) - 1)
    assert len(outcomes) >= 3 and all(o.ephemeral for o in outcomes)
    shown = "\n".join(o.message.text for o in outcomes if o.message)
    assert words(shown) == words(verbose_engine.content.texts.help)
    assert outcomes[-1].message is not None and outcomes[-1].message.components()
    assert not fake.refused


async def test_long_comparison_is_spread_over_fields_and_embeds_within_limits(
    verbose_bot: DiscordHarness, verbose_engine: Engine, fake: FakeDiscord
) -> None:
    outcomes = await verbose_bot.send(fake.slash(ALICE, ALICE_DM, "compare"))
    assert not fake.refused, fake.refused
    shown = "\n".join(o.message.text for o in outcomes if o.message)
    for exercise in verbose_engine.content.exercises.exercises:
        assert all(line in shown for line in exercise.summary.splitlines())
    embeds = [e for o in outcomes if o.message for e in o.message.payload["embeds"]]
    assert all(len(f["value"]) <= 1024 for e in embeds for f in e.get("fields", []))


async def test_slow_store_is_deferred_within_the_acknowledgement_window(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    fake.ack_window = 0.2  # Discord's 3 s, scaled down with the bot's budget
    bot = DiscordHarness(
        fake, discord_settings(fake, monkeypatch), CoachService(engine, SlowStore(delay=0.3))
    )
    await bot.start(ack_budget=0.05)
    outcomes = await bot.send(fake.slash(ALICE, CHANNEL, "quiz"))
    assert [o.kind for o in outcomes] == ["defer", "update"]
    assert outcomes[0].ephemeral and outcomes[1].message is not None
    message = outcomes[1].message
    assert "Question 1 of" in message.text and message.components()
    pressed = await bot.send(fake.press_first(ALICE, CHANNEL, message))
    assert [o.kind for o in pressed] == ["defer_update", "update"]
    assert "Question 2 of" in message.text
    await bot.close()
    assert not fake.refused


async def test_a_failing_command_is_answered_not_left_hanging(
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = DiscordHarness(
        fake, discord_settings(fake, monkeypatch), CoachService(engine, BrokenStore())
    )
    await bot.start()
    outcomes = await bot.send(fake.slash(ALICE, CHANNEL, "quiz"))
    assert [o.kind for o in outcomes] == ["reply"] and outcomes[0].ephemeral
    assert outcomes[0].message is not None and "went wrong" in outcomes[0].message.text
    assert "test-token" not in caplog.text
    await bot.close()
