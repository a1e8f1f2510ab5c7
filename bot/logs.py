"""Logging set-up: one format, and secrets (tokens) scrubbed from every record we emit."""

from __future__ import annotations

import logging
import sys

from bot.settings import Settings

logger = logging.getLogger(__name__)


class RedactSecrets(logging.Filter):
    """Replaces secret values in a record's final text; libraries log URLs that hold tokens."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def secret_values(settings: Settings) -> list[str]:
    secrets = (
        settings.telegram_bot_token,
        settings.discord_bot_token,
        settings.telegram_webhook_secret,
    )
    return [s.get_secret_value() for s in secrets if s is not None]


def configure_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL, with every handler scrubbing the configured secrets."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secret_values(settings)))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
