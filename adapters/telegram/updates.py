"""Where updates come from: long polling or a webhook, both writing to the durable intake first.

Polling asks for the next offset (which confirms a batch to Telegram) only after the batch is in
the inbox. The webhook answers 200 only after the inbox write; 403 without the secret token,
400 for a body that is not an update, 503 when the store is down (Telegram retries later).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.warnings import PTBUserWarning

from adapters.telegram.intake import DurableIntake
from bot.store.base import StoreUnavailable

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = timedelta(seconds=25)
BACKOFF = 1.0
RAW_GET_UPDATES_HINT = r"Please use 'Bot\.getUpdates'"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# We ask for getUpdates through do_api_request to keep the raw JSON (stored as received, parsed
# once when handled); PTB only suggests the parsing method instead. Harmless, and only this one.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)


async def poll(
    bot: Bot, intake: DurableIntake, stop: asyncio.Event, timeout: timedelta = POLL_TIMEOUT
) -> None:
    """Long polling until `stop`: fetch, write to the inbox, only then move the offset on."""
    await bot.delete_webhook()
    offset = 0
    seconds = int(timeout.total_seconds())
    while not stop.is_set():
        try:
            batch = await raw_updates(bot, offset, seconds)
            await intake.receive([(str(u["update_id"]), json.dumps(u).encode()) for u in batch])
        except (TelegramError, StoreUnavailable) as exc:
            logger.warning("polling paused (%s); retrying in %.0f s", type(exc).__name__, BACKOFF)
            await asyncio.sleep(BACKOFF)
            continue
        if batch:
            offset = max(int(u["update_id"]) for u in batch) + 1


async def raw_updates(bot: Bot, offset: int, seconds: int) -> list[dict[str, Any]]:
    """getUpdates as raw JSON, stored as received and parsed once when handled.

    PTB hints that its parsing method exists; the hint (a warning raised before any request
    is sent) is silenced for this one call only.
    """
    asked = {"offset": offset, "timeout": seconds, "allowed_updates": ALLOWED_UPDATES}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=RAW_GET_UPDATES_HINT, category=PTBUserWarning)
        request = bot.do_api_request("getUpdates", api_kwargs=asked, read_timeout=seconds + 10)
        batch: list[dict[str, Any]] = await request
    return batch


def webhook_app(intake: DurableIntake, path: str, secret: str) -> web.Application:
    """An aiohttp app taking Telegram's POSTs on `path`; add /metrics and /healthz to it freely."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        body = await request.read()
        try:
            update_id = int(json.loads(body)["update_id"])
        except (ValueError, KeyError, TypeError):
            logger.warning("webhook body that is not an update (%d bytes) refused", len(body))
            return web.Response(status=400)
        try:
            await intake.receive([(str(update_id), body)])
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
