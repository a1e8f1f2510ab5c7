"""Fixtures: a fake Discord API per test, a logged-in client on it, the people in the stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.service import CoachService
from bot.settings import Settings, load_settings
from bot.store.memory import MemoryStore
from tests.discord.fake_discord import FakeDiscord, Person, Place
from tests.discord.harness import DiscordHarness, use_fake_api

GUILD_ID = 900_000_000_000_000_001
ALICE = Person(910_000_000_000_000_001, "alice")
BOB = Person(910_000_000_000_000_002, "bob")
CHANNEL = Place(920_000_000_000_000_001, GUILD_ID)
ALICE_DM = Place(920_000_000_000_000_002)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


def discord_settings(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, **overrides: object
) -> Settings:
    use_fake_api(monkeypatch, fake.url)
    values: dict[str, object] = {
        "store_url": "memory://",
        "discord_bot_token": "test-token",
        "discord_guild_id": None,
        **overrides,
    }
    return load_settings(**values)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sessions.db'}"


@asynccontextmanager
async def logged_in(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> AsyncIterator[DiscordHarness]:
    """A client logged in to the fake, serving `engine` from a fresh memory store."""
    harness = DiscordHarness(
        fake, discord_settings(fake, monkeypatch), CoachService(engine, MemoryStore())
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.close()


@pytest.fixture
async def bot(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> AsyncIterator[DiscordHarness]:
    async with logged_in(fake, monkeypatch, engine) as harness:
        yield harness
    assert not fake.refused, f"the fake Discord refused: {fake.refused}"
