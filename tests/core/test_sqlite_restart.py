"""A restart loses nothing: a quiz saved by one process is continued by the next."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def chat(db: Path, lines: str) -> str:
    env = {**os.environ, "STORE_URL": f"sqlite:///{db}", "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "adapters", "chat"],
        input=lines,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_quiz_started_before_a_restart_continues_after_it(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    first = chat(db, "/quiz\n1\n")
    assert "Question 2 of 5" in first
    second = chat(db, "/back\n")
    assert "Question 1 of 5" in second
