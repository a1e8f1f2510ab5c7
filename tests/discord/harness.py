"""The one place the tests touch discord.py internals: where the REST API lives, feeding an
INTERACTION_CREATE to the client as the gateway would, and waiting for the handlers it starts.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest

from adapters.discord.app import CoachClient, build_client
from bot.service import CoachService
from bot.settings import Settings
from tests.discord.fake_discord import FakeDiscord, JsonDict, Outcome

logger = logging.getLogger(__name__)

# Tasks discord.py starts for an interaction: the command tree, dynamic items, views.
HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_message")


def use_fake_api(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point every REST call (bot and interaction webhooks) at the fake."""
    monkeypatch.setattr(discord.http.Route, "BASE", url)


class DiscordHarness:
    """A logged-in client (no gateway) whose interactions come from the fake's payloads."""

    def __init__(self, fake: FakeDiscord, settings: Settings, service: CoachService) -> None:
        self.fake = fake
        self.settings = settings
        self.service = service
        self.client: CoachClient | None = None

    async def start(self, **client_options: float) -> CoachClient:
        assert self.settings.discord_bot_token is not None
        self.client = build_client(self.settings, self.service, **client_options)
        await self.client.login(self.settings.discord_bot_token.get_secret_value())
        return self.client

    async def restart(self, service: CoachService) -> None:
        """A new process: a fresh client (and service) that never saw the old messages."""
        await self.close()
        self.service = service
        await self.start()

    async def send(self, payload: JsonDict) -> list[Outcome]:
        """Deliver one interaction the way the gateway would and wait until it is handled."""
        assert self.client is not None
        before = asyncio.all_tasks()
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await self._settle(before)
        return self.fake.outcomes(int(payload["id"]))

    async def say(self, payload: JsonDict) -> list[JsonDict]:
        """Deliver one MESSAGE_CREATE as the gateway would; the bot's channel posts it caused."""
        assert self.client is not None
        before, posted = asyncio.all_tasks(), len(self.fake.channel_posts)
        self.client._connection.parse_message_create(payload)  # type: ignore[arg-type]
        await self._settle(before)
        return self.fake.channel_posts[posted:]

    async def _settle(self, before: set[asyncio.Task[object]]) -> None:
        """Wait for every handler task the delivery started."""
        while True:
            started = [
                t
                for t in asyncio.all_tasks() - before
                if t.get_name().startswith(HANDLER_TASKS) and not t.done()
            ]
            if not started:
                break
            await asyncio.wait(started)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
