"""Configuration read once from the environment and `.env`: the one place settings live."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

_STORE_SCHEMES = ("memory://", "sqlite:///", "redis://", "rediss://", "unix://")


def default_content_dir() -> Path:
    """The `content/` package shipped with the code: works from a checkout and from a wheel."""
    import content

    return Path(content.__file__).resolve().parent


def default_snapshot_dir() -> Path | None:
    """Where validated content is kept between start-ups: the user's cache directory
    ($XDG_CACHE_HOME, else ~/.cache), or nowhere when there is no home directory."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(cache):
        return Path(cache) / "hipstep"
    try:
        return Path.home() / ".cache" / "hipstep"
    except RuntimeError:
        return None


class SettingsError(Exception):
    """Settings that cannot be used; the message is safe to print (no secret values)."""


class Settings(BaseSettings):
    """Every knob of the bot; names match `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    store_url: str = Field(
        "sqlite:///hipstep.db", description="memory://, sqlite:///path, redis://", repr=False
    )
    store_prefix: str = Field("hipstep", description="key prefix when several bots share a store")
    session_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)
    event_ttl_seconds: int = Field(24 * 3600, ge=60)
    content_dir: Path = Field(default_factory=default_content_dir)
    content_snapshot_dir: Path | None = Field(
        default_factory=default_snapshot_dir,
        description="validated content kept here to start faster; empty: none kept",
    )
    log_level: str = "INFO"

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = None
    telegram_rate_limit: bool = True
    telegram_in_flight: int = Field(16, ge=1, le=1024, description="updates handled at once")
    inbox_takeover_seconds: float = Field(
        30.0, ge=1, description="a dead worker's inbox entries are taken over after this"
    )

    discord_bot_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_sync_on_start: bool = True
    discord_shard_id: int | None = Field(None, ge=0, description="this process's shard")
    discord_shard_count: int | None = Field(None, ge=1, description="shards across all processes")
    discord_free_text: bool = Field(False, description="answer any channel message (privileged)")
    discord_coach_role: str | None = Field(None, description="a role whose members coach")
    group_poll_edit_seconds: float = Field(3.0, ge=0, description="least time between poll edits")

    metrics_port: int | None = Field(None, ge=1, le=65535, description="serve /metrics, /healthz")
    metrics_host: str = "127.0.0.1"

    @field_validator("store_url")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if not value.startswith(_STORE_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(_STORE_SCHEMES)}")
        return value

    @field_validator(
        "telegram_bot_token",
        "discord_bot_token",
        "telegram_webhook_secret",
        "telegram_webhook_url",
        "discord_guild_id",
        "discord_shard_id",
        "discord_shard_count",
        "metrics_port",
        "discord_coach_role",
        "content_snapshot_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @model_validator(mode="after")
    def _shards_come_in_pairs(self) -> Settings:
        shard_id, count = self.discord_shard_id, self.discord_shard_count
        if (shard_id is None) != (count is None):
            raise ValueError("set DISCORD_SHARD_ID and DISCORD_SHARD_COUNT together, or neither")
        if shard_id is not None and count is not None and shard_id >= count:
            raise ValueError("DISCORD_SHARD_ID must be below DISCORD_SHARD_COUNT")
        return self


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's error into one readable line per bad field."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: "
            + str(err["msg"]).removeprefix("Value error, ")
            for err in exc.errors(include_input=False)
        )
        raise SettingsError(f"invalid settings: {problems}") from None
    except UnicodeDecodeError as exc:
        env_file = Settings.model_config.get("env_file")
        raise SettingsError(
            f"{env_file}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None
