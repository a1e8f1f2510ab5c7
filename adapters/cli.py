"""The composition root: the core's command line plus the commands that need the adapters.

`hipstep chat | run | discord-sync` (and everything `python -m bot` offers). Imports adapters
with real types; the core never imports this module.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack

from adapters import console, event_loop
from adapters.metrics_http import serving_metrics
from bot.app import build_service
from bot.cli import CliError, RunFailed, build_parser, close_after, redacted
from bot.cli import main as core_main
from bot.metrics import create_metrics
from bot.service import CoachService
from bot.settings import Settings

logger = logging.getLogger(__name__)

Serve = Callable[[Settings, CoachService, asyncio.Event], Awaitable[None]]


def main(argv: Sequence[str] | None = None) -> int:
    parser, sub = build_parser()
    sub.add_parser("chat", help="chat in the terminal (no token needed)").set_defaults(func=_chat)
    sub.add_parser("run", help="run the Telegram and/or Discord bots").set_defaults(func=_run)
    sync = sub.add_parser("discord-sync", help="register Discord slash commands now")
    sync.set_defaults(func=_discord_sync)
    return core_main(argv, parser)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    service = build_service(settings)
    event_loop.run(close_after(service, console.chat(service)))
    return 0


def _servers(settings: Settings) -> list[Serve]:
    """The platforms whose tokens are set; each adapter is imported only when used."""
    serves: list[Serve] = []
    if settings.telegram_bot_token:
        from adapters.telegram import app as telegram_app

        serves.append(telegram_app.serve)
    if settings.discord_bot_token:
        from adapters.discord import app as discord_app

        serves.append(discord_app.serve)
    return serves


def _run(args: argparse.Namespace, settings: Settings) -> int:
    serves = _servers(settings)
    if not serves:
        raise CliError("set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN (or try: hipstep chat)")
    service = build_service(settings, metrics=create_metrics())
    try:
        event_loop.run(close_after(service, _serve_all(settings, service, serves)))
    except Exception as exc:
        logger.debug("run failed", exc_info=True)
        raise RunFailed(redacted(f"{type(exc).__name__}: {exc}", settings)) from None
    return 0


async def _serve_all(settings: Settings, service: CoachService, serves: list[Serve]) -> None:
    """Run every configured platform in one loop until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.store.ping()
    assert service.metrics is not None
    webhook_serves_metrics = bool(settings.telegram_webhook_url) and (
        settings.metrics_port == settings.telegram_webhook_port
    )
    async with AsyncExitStack() as stack:
        if not webhook_serves_metrics:
            await stack.enter_async_context(
                serving_metrics(settings, service.metrics, service.store.ping)
            )
        await asyncio.gather(*(serve(settings, service, stop) for serve in serves))


def _discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_bot_token is None:
        raise CliError("set DISCORD_BOT_TOKEN to sync Discord commands")
    from adapters.discord import app as discord_app

    names = event_loop.run(discord_app.sync_commands(settings))
    print("synced: " + ", ".join(names))
    return 0
