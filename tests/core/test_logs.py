"""An operator turns on LOG_LEVEL=DEBUG: the logs still hold no token and no word a user wrote."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from adapters.telegram.app import build_application, running
from bot.engine import Engine
from bot.logs import QUIET_LIBRARIES, WEBHOOK_LOGGER, configure_logging
from bot.service import CoachService
from bot.settings import Settings, load_settings
from bot.store.memory import MemoryStore
from tests.telegram.driver import Person, Telegram, private_chat
from tests.telegram.fake_telegram import FakeTelegram

TOKEN = "987654321:AAH-never-log-me-Zq81xKw"
WEBHOOK_SECRET = "webhook-secret-Pv73"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Where configure_logging writes; the logging set-up is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    yield io.StringIO()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def debug_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "store_url": "memory://",
        "log_level": "DEBUG",
        "telegram_bot_token": TOKEN,
        "telegram_webhook_secret": WEBHOOK_SECRET,
    }
    return load_settings(**(values | overrides))


def test_token_in_an_exception_message_and_traceback_is_redacted(log_output: io.StringIO) -> None:
    configure_logging(debug_settings(), log_output)
    log = logging.getLogger("bot.telegram_test")
    try:
        try:
            raise ValueError(f"bad url https://api.telegram.org/bot{TOKEN}/getMe")
        except ValueError as cause:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server") from cause
    except RuntimeError:
        log.debug("start-up failed", exc_info=True)
        log.error("start-up failed (secret %s)", WEBHOOK_SECRET, exc_info=True, stack_info=True)
    output = log_output.getvalue()
    assert "RuntimeError: The token `***` was rejected" in output
    assert "ValueError: bad url https://api.telegram.org/bot***/getMe" in output
    assert "Stack (most recent call last)" in output and "DEBUG" in output
    assert TOKEN not in output and WEBHOOK_SECRET not in output


def test_chatty_libraries_are_held_at_info_while_our_code_logs_debug(
    log_output: io.StringIO,
) -> None:
    configure_logging(debug_settings(), log_output)
    for name in (*QUIET_LIBRARIES, "telegram.ext.Updater", "httpcore.http11", "aiohttp.access"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    assert logging.getLogger("bot.service").isEnabledFor(logging.DEBUG)


def test_a_malformed_webhook_update_is_not_dumped(log_output: io.StringIO) -> None:
    configure_logging(debug_settings(), log_output)
    update = {"update_id": 5, "message": {"text": "my knee hurts Kx19", "from": {"id": 1}}}
    logging.getLogger(WEBHOOK_LOGGER).critical(
        "Something went wrong processing the data received from Telegram. "
        "Received data was *not* processed! Received data was: %r",
        update,
    )
    output = log_output.getvalue()
    assert "Received data was: '<update withheld from logs>'" in output
    assert "Kx19" not in output


async def converse_at_debug(engine: Engine, log_output: io.StringIO, *, hold: bool) -> str:
    """The real Application polls a fake Telegram; a person writes, then presses a button."""
    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    settings = debug_settings(
        telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.base_file_url,
        telegram_rate_limit=False,
        telegram_webhook_secret=None,
    )
    configure_logging(settings, log_output)
    if not hold:
        logging.getLogger("telegram").setLevel(logging.DEBUG)
    service = CoachService(engine, MemoryStore())
    try:
        async with running(build_application(settings, service), settings):
            telegram = Telegram(fake, service.store)
            said = await telegram.says(private_chat(ANNWYL), ANNWYL, WORDS)
            pressed = await telegram.presses(private_chat(ANNWYL), ANNWYL, "best fit")
    finally:
        await fake.close()
    assert said.texts and pressed.answer is not None  # the bot really handled both
    return log_output.getvalue()


ANNWYL = Person(31337, "Annwyl-Qx4", "annwyl_qx4_lifts")
WORDS = "is bench press hard on my shoulders Wq93 Zz-unique"  # declined: the reply offers the quiz
PRIVATE = (TOKEN, "Wq93", "Zz-unique", "Annwyl", "annwyl_qx4")


async def test_a_conversation_at_debug_logs_neither_token_nor_text_nor_name(
    log_output: io.StringIO, engine: Engine
) -> None:
    output = await converse_at_debug(engine, log_output, hold=True)
    assert "telegram.ext.Application: Application started" in output
    for private in PRIVATE:
        assert private not in output, private


async def test_without_the_hold_the_library_would_log_what_she_wrote(
    log_output: io.StringIO, engine: Engine
) -> None:
    """Why the hold exists: python-telegram-bot logs API payloads at DEBUG (the token stays out)."""
    output = await converse_at_debug(engine, log_output, hold=False)
    assert "Wq93" in output and "Annwyl" in output
    assert TOKEN not in output


def test_a_password_in_the_store_url_is_redacted(log_output: io.StringIO) -> None:
    settings = debug_settings(store_url="redis://:s3cret-Pw88@127.0.0.1:1/0")
    configure_logging(settings, log_output)
    logging.getLogger("bot.service").error("session store unavailable: %s", settings.store_url)
    assert "redis://:***@127.0.0.1:1/0" in log_output.getvalue()
