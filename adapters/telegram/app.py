"""Telegram adapter: builds the python-telegram-bot Application and runs it (polling or webhook).

Wiring only: handlers.py translates updates, render.py builds messages; the core decides.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from adapters.telegram.coach import (
    COACH,
    build_coach,
    install_coach_handlers,
    register_coach_commands,
)
from adapters.telegram.handlers import (
    CORE_COMMANDS,
    TYPING_DELAY,
    AddressedToBot,
    CoachHandlers,
    Context,
)
from bot.service import CoachService
from bot.settings import Settings

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = timedelta(seconds=25)
RETRIES_ON_FLOOD = 3
SERVICE = "service"  # bot_data key: the service, for the error handler and command menus


def build_application(
    settings: Settings, service: CoachService, *, typing_delay: float = TYPING_DELAY
) -> TelegramApp:
    """The whole bot as one Application: requests, limits, handlers. Used by serve() and tests."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(_request(settings))
        .get_updates_request(_request(settings))
        .rate_limiter(_rate_limiter(settings))
        .build()
    )
    app.bot_data[SERVICE] = service
    install_coach_handlers(app, build_coach(service, settings))  # before the core's handlers
    install_handlers(app, CoachHandlers(service, typing_delay))
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


def _request(settings: Settings) -> HTTPXRequest:
    # Plain-http base URLs (a local Bot API server) skip building a TLS context.
    plain_http = settings.telegram_base_url.startswith("http://")
    return HTTPXRequest(httpx_kwargs={"verify": False} if plain_http else None)


def _rate_limiter(settings: Settings) -> AIORateLimiter:
    """Telegram's flood limits when enabled; RetryAfter is honoured either way."""
    if settings.telegram_rate_limit:
        return AIORateLimiter(max_retries=RETRIES_ON_FLOOD)
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=RETRIES_ON_FLOOD)


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
    """Initialise, register commands, receive updates (polling or webhook); clean stop on exit."""
    async with app:
        await register_commands(app.bot, app.bot_data[SERVICE])
        await register_coach_commands(app.bot, app.bot_data[COACH])
        await app.start()
        updater = app.updater
        assert updater is not None
        if settings.telegram_webhook_url:
            await _start_webhook(app, settings)
        else:
            await updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
        try:
            yield app
        finally:
            if updater.running:
                await updater.stop()
            await app.stop()


async def _start_webhook(app: TelegramApp, settings: Settings) -> None:
    """Listen for Telegram's POSTs; every request must carry the secret token (else 403)."""
    assert app.updater is not None and settings.telegram_webhook_url is not None
    secret = settings.telegram_webhook_secret
    token = secret.get_secret_value() if secret is not None else secrets.token_urlsafe(32)
    await app.updater.start_webhook(
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        url_path=urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
        webhook_url=settings.telegram_webhook_url,
        secret_token=token,
        allowed_updates=ALLOWED_UPDATES,
    )


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
