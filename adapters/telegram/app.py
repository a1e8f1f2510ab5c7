"""Telegram adapter: builds the python-telegram-bot Application and runs it (polling or webhook).

Wiring only: updates.py receives, intake.py makes receiving durable and runs handlers in
parallel across conversations, handlers.py translates, render.py builds messages.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from adapters.metrics_http import add_metrics_routes
from adapters.telegram.coach import (
    COACH,
    build_coach,
    install_coach_handlers,
    register_coach_commands,
)
from adapters.telegram.handlers import (
    CORE_COMMANDS,
    PLATFORM,
    AddressedToBot,
    CoachHandlers,
    Context,
)
from adapters.telegram.intake import DurableIntake
from adapters.telegram.request import AiohttpRequest, closing_requests
from adapters.telegram.typing_indicator import TYPING_DELAY
from adapters.telegram.updates import ALLOWED_UPDATES, poll, serving_webhook, webhook_app
from bot.metrics import Metrics
from bot.service import CoachService
from bot.settings import Settings

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]

RETRIES_ON_FLOOD = 3
DRAIN_ON_STOP = 5.0  # seconds to finish what is in hand; the rest stays in the inbox
SERVICE = "service"  # bot_data key: the service, for the error handler and command menus


def build_application(
    settings: Settings, service: CoachService, *, typing_delay: float = TYPING_DELAY
) -> TelegramApp:
    """The whole bot as one Application: requests, limits, handlers. Used by serve() and tests."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(_rate_limiter(settings, service.metrics))
        .updater(None)  # updates arrive through the durable intake (updates.py, intake.py)
        .build()
    )
    app.bot_data[SERVICE] = service
    coach = build_coach(service, settings)
    install_coach_handlers(app, coach)  # before the core's handlers
    install_handlers(app, CoachHandlers(service, typing_delay, after_turn=coach.after_turn))
    return app


def install_handlers(app: TelegramApp, handlers: CoachHandlers) -> None:
    """Buttons, commands (also /quiz@BotName), text addressed to the bot, other messages."""
    new_message = filters.UpdateType.MESSAGE
    addressed = AddressedToBot()
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(CommandHandler(CORE_COMMANDS, handlers.on_command, filters=new_message))
    app.add_handler(MessageHandler(new_message & filters.COMMAND, handlers.on_unknown_command))
    app.add_handler(MessageHandler(new_message & filters.TEXT & addressed, handlers.on_text))
    private_other = new_message & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(private_other, handlers.on_other_message))
    app.add_error_handler(on_error)


def _rate_limiter(settings: Settings, metrics: Metrics | None) -> AIORateLimiter:
    """Telegram's flood limits when enabled; RetryAfter is honoured (and counted) either way."""
    if settings.telegram_rate_limit:
        return CountingRateLimiter(metrics, max_retries=RETRIES_ON_FLOOD)
    return CountingRateLimiter(
        metrics, overall_max_rate=0, group_max_rate=0, max_retries=RETRIES_ON_FLOOD
    )


Answer = bool | dict[str, Any] | list[dict[str, Any]]  # what a Bot API call returns


class CountingRateLimiter(AIORateLimiter):
    """PTB's limiter, counting each RetryAfter (429) Telegram answers before it waits."""

    def __init__(self, metrics: Metrics | None, **limits: Any) -> None:
        super().__init__(**limits)
        self._metrics = metrics

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        metrics = self._metrics

        async def counted(*a: Any, **k: Any) -> Answer:
            try:
                return await callback(*a, **k)
            except RetryAfter:
                if metrics is not None:
                    metrics.retry_after.labels(PLATFORM).inc()
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)


async def register_commands(bot: Bot, service: CoachService) -> None:
    """The command menus for private chats and for groups, with descriptions from content."""
    for scope, group in (
        (BotCommandScopeAllPrivateChats(), False),
        (BotCommandScopeAllGroupChats(), True),
    ):
        commands = [BotCommand(c, d) for c, d in service.command_menu(group=group)]
        try:
            await bot.set_my_commands(commands, scope=scope)
        except TelegramError as exc:
            logger.warning("could not register the %s command menu: %s", scope.type, exc)


@asynccontextmanager
async def running(app: TelegramApp, settings: Settings) -> AsyncIterator[TelegramApp]:
    """Initialise, register commands, receive updates (polling or webhook) through the durable
    intake; on exit stop receiving, finish what is in hand (briefly), and close everything."""
    service: CoachService = app.bot_data[SERVICE]
    intake = DurableIntake(
        app,
        service.store,
        consumer=f"{socket.gethostname()}-{os.getpid()}",
        in_flight=settings.telegram_in_flight,
        takeover=settings.inbox_takeover_seconds,
        metrics=service.metrics,
    )
    stop = asyncio.Event()
    async with closing_requests(app), app, AsyncExitStack() as stack:
        await register_commands(app.bot, service)
        await register_coach_commands(app.bot, app.bot_data[COACH])
        await app.start()
        tasks = [asyncio.create_task(intake.run(), name="telegram-intake")]
        if settings.telegram_webhook_url:
            await stack.enter_async_context(_webhook(app, settings, intake, service))
        else:
            tasks.append(asyncio.create_task(poll(app.bot, intake, stop), name="telegram-poll"))
        try:
            yield app
        finally:
            stop.set()
            for task in tasks[1:]:
                task.cancel()
            with suppress(TimeoutError):
                await asyncio.wait_for(intake.drain(), DRAIN_ON_STOP)
            tasks[0].cancel()
            await intake.runner.close()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.stop()


@asynccontextmanager
async def _webhook(
    app: TelegramApp, settings: Settings, intake: DurableIntake, service: CoachService
) -> AsyncIterator[None]:
    """Listen for Telegram's POSTs (the secret token is checked on each) and tell Telegram where.

    With METRICS_PORT equal to the webhook port, /metrics and /healthz are served here too."""
    assert settings.telegram_webhook_url is not None
    secret = settings.telegram_webhook_secret
    token = secret.get_secret_value() if secret is not None else secrets.token_urlsafe(32)
    path = urlsplit(settings.telegram_webhook_url).path
    web_app = webhook_app(intake, path, token)
    if service.metrics is not None and settings.metrics_port == settings.telegram_webhook_port:
        add_metrics_routes(web_app, service.metrics, service.store.ping)
    async with serving_webhook(
        web_app, settings.telegram_webhook_listen, settings.telegram_webhook_port
    ):
        await app.bot.set_webhook(
            settings.telegram_webhook_url, secret_token=token, allowed_updates=ALLOWED_UPDATES
        )
        yield


async def serve(settings: Settings, service: CoachService, stop: asyncio.Event) -> None:
    """Run the Telegram bot until `stop` is set (SIGINT/SIGTERM in the CLI), then shut down."""
    app = build_application(settings, service)
    async with running(app, settings):
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        logger.info("Telegram bot @%s is up (%s)", app.bot.username, mode)
        await stop.wait()
        logger.info("Telegram bot stopping")


async def on_error(update: object, context: Context) -> None:
    """Log with context (never the token) and tell the user something went wrong."""
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("a chat blocked the bot or removed it: %s", error)
        return
    if isinstance(error, BadRequest) and "not modified" in str(error).lower():
        return
    details = "".join(traceback.format_exception(error)) if error else "no exception"
    details = details.replace(context.bot.token, "<token>")
    if not isinstance(update, Update):
        logger.warning("Telegram error outside an update: %s", details)
        return
    chat, user = update.effective_chat, update.effective_user
    logger.error(
        "failed to handle update %s (chat %s, user %s): %s",
        update.update_id,
        chat.id if chat else None,
        user.id if user else None,
        details,
    )
    if chat is not None:
        with suppress(TelegramError):
            service: CoachService = context.application.bot_data[SERVICE]
            await context.bot.send_message(chat.id, service.texts.something_went_wrong)
