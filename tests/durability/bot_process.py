"""The bot as a real process (`python -m adapters run`) pointed at the fake Bot API, to kill."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.telegram.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def start_bot(fake: FakeTelegram, store_url: str, **settings: str) -> subprocess.Popen[bytes]:
    """Start the bot with Telegram only; `settings` are extra environment variables."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
        "TELEGRAM_RATE_LIMIT": "false",
        "TELEGRAM_WEBHOOK_URL": "",
        "DISCORD_BOT_TOKEN": "",
        "STORE_URL": store_url,
        "LOG_LEVEL": "WARNING",
        "NO_PROXY": "127.0.0.1,localhost",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "adapters", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no clean-up, no flush, exactly like a crash."""
    process.kill()
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        kill(process)
