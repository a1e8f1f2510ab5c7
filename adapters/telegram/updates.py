"""Where updates come from: long polling or a webhook, both writing to the durable intake first.

Polling asks for the next offset (which confirms a batch to Telegram) only after the batch is in
the inbox. The webhook answers 200 only after the inbox write; 403 without the secret token,
400 for a body that is not an update, 503 when the store is down (Telegram retries later).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import orjson
from aiohttp import web
from telegram import Bot, Update
from telegram.error import TelegramError

from adapters.telegram import bot_api
from adapters.telegram.intake import DurableIntake
from bot.store.base import StoreUnavailable

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = timedelta(seconds=25)
BACKOFF = 1.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def poll(
    bot: Bot, intake: DurableIntake, stop: asyncio.Event, timeout: timedelta = POLL_TIMEOUT
) -> None:
    """Long polling until `stop`: fetch, write to the inbox, only then move the offset on."""
    await bot.delete_webhook()
    offset = 0
    seconds = int(timeout.total_seconds())
    while not stop.is_set():
        try:
            asked = {"offset": offset, "timeout": seconds, "allowed_updates": ALLOWED_UPDATES}
            batch = await bot_api.call(bot, "getUpdates", asked, read_timeout=seconds + 10)
            await intake.receive(batch)
        except (TelegramError, StoreUnavailable) as exc:
            logger.warning("polling paused (%s); retrying in %.0f s", type(exc).__name__, BACKOFF)
            await asyncio.sleep(BACKOFF)
            continue
        if batch:
            offset = max(int(u["update_id"]) for u in batch) + 1


def webhook_app(intake: DurableIntake, path: str, secret: str) -> web.Application:
    """An aiohttp app taking Telegram's POSTs on `path`; add /metrics and /healthz to it freely."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        body = await request.read()
        try:
            payload = orjson.loads(body)
            int(payload["update_id"])  # raises for a missing or odd id
            Update.de_json(payload, intake.app.bot)  # what cannot be read now never will be
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("webhook body that is not an update (%d bytes) refused", len(body))
            return web.Response(status=400)
        try:
            await intake.receive([payload], raw=body)
        except StoreUnavailable:
            return web.Response(status=503)  # not acknowledged: Telegram sends it again
        return web.Response()

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post("/" + path.strip("/"), receive)
    return app


@asynccontextmanager
async def serving_webhook(
    app: web.Application, listen: str, port: int
) -> AsyncIterator[web.AppRunner]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        yield runner
    finally:
        await runner.cleanup()
