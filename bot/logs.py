"""Logging set-up: one format, no secrets and no user text in what we emit, at any level.

Three layers:
- `RedactingFormatter` scrubs the configured secrets (tokens, webhook secret, store password) from
  the fully formatted record: message, exception text and traceback, stack info.
- Library loggers that log request payloads, message text or user names at DEBUG are held at
  INFO even when LOG_LEVEL=DEBUG: `telegram` (with `telegram.ext.*`: API parameters and
  responses, webhook bodies), `httpx` and `httpcore` (requests, headers), `discord.http` and
  `discord.gateway` (REST payloads and gateway events), `aiohttp` (`aiohttp.access`, client and
  server internals).
- `WithholdPayload` drops the update dump python-telegram-bot logs (at CRITICAL) when a webhook
  body cannot be parsed; the record keeps saying what went wrong.
Our own modules log ids (update, chat, user, interaction), never message text or names.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO
from urllib.parse import urlsplit

from bot.settings import Settings

logger = logging.getLogger(__name__)

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "discord.http",
    "discord.gateway",
    "aiohttp",
)
QUIETEST_LEVEL = logging.INFO
WEBHOOK_LOGGER = "telegram.ext.Updater"
REDACTED = "***"


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every secret in the whole text, traceback included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


class WithholdPayload(logging.Filter):
    """Replaces the arguments of a record that dumps a received update by a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "Received data was" in str(record.msg) and record.args:
            record.args = ("<update withheld from logs>",)
        return True


def secret_values(settings: Settings) -> list[str]:
    """Tokens, the webhook secret and a password in STORE_URL (redis://:pw@host)."""
    secrets = (
        settings.telegram_bot_token,
        settings.discord_bot_token,
        settings.telegram_webhook_secret,
    )
    values = [s.get_secret_value() for s in secrets if s is not None]
    password = urlsplit(settings.store_url).password
    return [*values, password] if password else values


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Log to `stream` (stderr) at LOG_LEVEL, secrets scrubbed, chatty libraries held at INFO."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(FORMAT, secret_values(settings)))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    level = max(logging.getLevelName(settings.log_level), QUIETEST_LEVEL)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(level)
    webhook = logging.getLogger(WEBHOOK_LOGGER)
    if not any(isinstance(f, WithholdPayload) for f in webhook.filters):
        webhook.addFilter(WithholdPayload())
