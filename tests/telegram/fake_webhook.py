"""Telegram's side of a webhook: POST every unacknowledged update until the bot answers 2xx.

Like Telegram, it retries after a refused connection or an error status (after a pause), and
sends up to `connections` updates at once; an acknowledged update is never sent again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import suppress
from typing import Any

import aiohttp

from tests.telegram.fake_telegram import FakeTelegram

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER = 0.1


class WebhookSender:
    """Runs while inside `async with`; delivers to whatever URL the bot last set."""

    def __init__(self, fake: FakeTelegram, connections: int = 40) -> None:
        self.fake = fake
        self.connections = connections
        self._task: asyncio.Task[None] | None = None
        self._posts: set[asyncio.Task[None]] = set()
        self._busy: dict[int, float] = {}  # update id -> not before (in flight: infinity)

    async def __aenter__(self) -> WebhookSender:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        for post in self._posts:
            post.cancel()
        with suppress(asyncio.CancelledError):
            await self._task

    def _ready(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        return [u for u in self.fake.undelivered() if self._busy.get(u["update_id"], 0) <= now]

    async def _run(self) -> None:
        slots = asyncio.Semaphore(self.connections)
        async with aiohttp.ClientSession() as web:
            while True:
                url, ready = self.fake.webhook.get("url"), self._ready()
                if not url or not ready:
                    await asyncio.sleep(0.01)
                    continue
                for update in ready:
                    await slots.acquire()
                    self._busy[update["update_id"]] = float("inf")
                    post = asyncio.create_task(self._post(web, url, update, slots))
                    self._posts.add(post)
                    post.add_done_callback(self._posts.discard)

    async def _post(
        self, web: aiohttp.ClientSession, url: str, update: dict[str, Any], slots: asyncio.Semaphore
    ) -> None:
        update_id = int(update["update_id"])
        headers = {SECRET_HEADER: str(self.fake.webhook.get("secret_token", ""))}
        try:
            async with web.post(url, data=json.dumps(update), headers=headers) as response:
                delivered = 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError):
            delivered = False
        finally:
            slots.release()
        if delivered:
            self.fake.acknowledge(update_id)
            self._busy.pop(update_id, None)
        else:
            self._busy[update_id] = time.monotonic() + RETRY_AFTER
