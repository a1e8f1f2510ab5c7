"""Settings read without pydantic-settings come out exactly as pydantic-settings made them.

The reference is our own `Settings` under pydantic-settings' `BaseSettings`, configured as it
was (`.env`, UTF-8, extra keys ignored); both are fed the same environment, `.env` and
overrides, and must agree on every value or on every error.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.environment import environment_values
from bot.settings import ENV_FILE, ENV_FILE_ENCODING, Settings, load_settings

logger = logging.getLogger(__name__)


class PydanticSettings(Settings, BaseSettings):
    """The settings as they were: read by pydantic-settings."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


FIELDS = [
    "store_url",
    "log_level",
    "content_dir",
    "telegram_bot_token",
    "telegram_webhook_port",
    "telegram_rate_limit",
    "discord_guild_id",
    "discord_shard_id",
    "discord_shard_count",
    "inbox_takeover_seconds",
    "metrics_port",
]
VALUES = [
    "",
    " ",
    "memory://",
    "redis://:pw@host:6379/0",
    "bogus",
    "debug",
    "WARNING",
    "0",
    "1",
    "3",
    "8443",
    "70000",
    "true",
    "no",
    "2.5",
    "two words",
    "/tmp/content",
]

names = st.sampled_from(FIELDS).flatmap(
    lambda f: st.sampled_from([f, f.upper(), f[:1].upper() + f[1:]])
)
values = st.sampled_from(VALUES)


@st.composite
def env_lines(draw: st.DrawFn) -> str:
    name, value = draw(names), draw(values)
    forms = [
        f"{name}={value}",
        f'{name}="{value}"',
        f"export {name}='{value}'",
        f"{name}",  # no '=': unset
        f"{name}=${{OTHER}}",  # interpolated from the environment
        "# a comment",
        "UNRELATED_SETTING=1",
    ]
    return draw(st.sampled_from(forms))


def outcome(make: Any) -> tuple[str, Any]:
    """("ok", every value) or ("error", every error without its input)."""
    try:
        made = make()
    except ValidationError as exc:
        return "error", exc.errors(include_input=False, include_url=False, include_context=False)
    return "ok", made.model_dump()


def ours(overrides: dict[str, object]) -> Settings:
    found = environment_values(Settings.model_fields, ENV_FILE, ENV_FILE_ENCODING)
    return Settings.model_validate({**found, **overrides})


@settings(max_examples=300, deadline=None)
@given(
    environment=st.dictionaries(names, values, max_size=5),
    other=st.sampled_from(["", "memory://", "7"]),
    dotenv=st.none() | st.lists(env_lines(), max_size=6),
    overrides=st.dictionaries(st.sampled_from(FIELDS), values, max_size=2),
)
def test_settings_match_pydantic_settings(
    environment: dict[str, str],
    other: str,
    dotenv: list[str] | None,
    overrides: dict[str, object],
) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in [*FIELDS, "other"]:
            for spelling in (name, name.upper()):
                patch.delenv(spelling, raising=False)
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.setenv("OTHER", other)
        if dotenv is not None:
            Path(folder, ".env").write_text("\n".join(dotenv) + "\n", encoding="utf-8")

        reference = outcome(lambda: PydanticSettings(**overrides))  # type: ignore[arg-type]
        assert outcome(lambda: ours(overrides)) == reference


def test_overrides_beat_the_environment_which_beats_the_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("LOG_LEVEL=error\nSTORE_PREFIX=from_file\nMETRICS_PORT=9000\n")
    monkeypatch.setenv("log_level", "debug")
    monkeypatch.setenv("STORE_PREFIX", "from_env")
    loaded = load_settings(store_prefix="given")
    assert (loaded.log_level, loaded.store_prefix, loaded.metrics_port) == ("DEBUG", "given", 9000)


def test_a_directory_named_env_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    (tmp_path / ".env").mkdir()
    assert load_settings().log_level == "INFO"
