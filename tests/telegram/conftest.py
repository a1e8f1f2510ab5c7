"""Fixtures: a fake Bot API server per test and the bot's real Application polling it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.telegram.app import build_application, running
from bot.engine import Engine
from bot.service import CoachService
from bot.settings import Settings, load_settings
from tests.telegram.driver import Person, Telegram, supergroup
from tests.telegram.fake_telegram import FakeTelegram

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


def telegram_settings(fake: FakeTelegram, **overrides: Any) -> Settings:
    """Settings pointing at the fake; flood limits off so tests never wait on them."""
    values: dict[str, Any] = {
        "store_url": "memory://",
        "telegram_bot_token": fake.token,
        "telegram_base_url": fake.base_url,
        "telegram_base_file_url": fake.base_file_url,
        "telegram_rate_limit": False,
        "telegram_webhook_url": None,
        "telegram_webhook_secret": None,
    }
    return load_settings(**(values | overrides))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram(fake: FakeTelegram, service: CoachService) -> AsyncIterator[Telegram]:
    """The bot running against the fake; afterwards every button press must have been answered."""
    settings = telegram_settings(fake)
    async with running(build_application(settings, service), settings):
        yield Telegram(fake, service.store)
    assert not fake.open_queries, f"callback queries left unanswered: {fake.open_queries}"


@pytest.fixture
def content(engine: Engine) -> Any:
    return engine.content


@pytest.fixture
def ann() -> Person:
    return Person(1001, "Ann", "ann_lifts")


@pytest.fixture
def bob() -> Person:
    return Person(1002, "Bob", "bob_squats")


@pytest.fixture
def group() -> Any:
    return supergroup()
