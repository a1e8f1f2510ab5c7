"""The command line as a user runs it: real processes, real exit codes, real JSON."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.contracts import FAQ_DEV_FILE

ROOT = Path(__file__).resolve().parents[2]


def cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "STORE_URL": "memory://", "LOG_LEVEL": "WARNING", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=60,
    )


def test_ask_json_reports_a_topic_id_and_confidence() -> None:
    done = cli("ask", "are step ups bad for my knees", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["faq_id"] == "knee_concerns"
    assert 0 < answer["confidence"] <= 1 and answer["answer"]


def test_ask_declines_what_it_does_not_know() -> None:
    answer = json.loads(cli("ask", "best pizza in town", "--json").stdout)
    assert answer["faq_id"] is None and answer["answer"]


def test_recommend_json_follows_the_contract() -> None:
    done = cli(
        "recommend",
        "--goal",
        "glute_hypertrophy",
        "--goal",
        "balance",
        "--concern",
        "knee",
        "--experience",
        "beginner",
        "--json",
    )
    result = json.loads(done.stdout)
    assert result["prioritize"] == "both"
    assert result["goals"] == ["glute_hypertrophy", "balance"]
    assert result["cautions"] == ["knee", "balance"]
    assert "step-ups" in result["text"].lower()


def test_recommend_unknown_goal_exits_2_naming_valid_ids() -> None:
    done = cli("recommend", "--goal", "big_arms", "--json")
    assert done.returncode == 2
    assert "big_arms" in done.stderr and "glute_hypertrophy" in done.stderr


def test_eval_json_prints_the_three_shares() -> None:
    done = cli("eval", str(FAQ_DEV_FILE), "--json")
    figures = json.loads(done.stdout)
    assert set(figures) >= {"in_scope_top1", "in_scope_correct", "oos_rejected", "misses"}
    assert 0 <= figures["in_scope_correct"] <= 1


def test_content_check_names_the_broken_file(tmp_path: Path) -> None:
    assert cli("content", "check").returncode == 0
    (tmp_path / "texts.yaml").write_text("welcome: [")
    done = cli("content", "check", str(tmp_path))
    assert done.returncode == 2 and "texts.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_chat_with_piped_stdin_runs_a_conversation_and_exits_0() -> None:
    done = cli("chat", stdin="/quiz\n1\n/cancel\nare step ups bad for my knees\n")
    assert done.returncode == 0, done.stderr
    assert "Question 2 of 5" in done.stdout and "Quiz cancelled" in done.stdout
    assert "1. " in done.stdout


@pytest.mark.parametrize("bad", ["postgres://x", "sqlite:///"])
def test_bad_store_url_fails_at_start_with_a_clear_message(bad: str) -> None:
    done = cli("chat", env={"STORE_URL": bad})
    assert done.returncode == 2 and "STORE_URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_without_tokens_explains_what_to_set() -> None:
    done = cli("run", env={"TELEGRAM_BOT_TOKEN": "", "DISCORD_BOT_TOKEN": ""})
    assert done.returncode == 2 and "TELEGRAM_BOT_TOKEN" in done.stderr


def test_chat_in_a_terminal_exits_0_on_ctrl_c() -> None:
    """A person at a real terminal presses Ctrl-C at the prompt: the chat ends at once."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the chat on a pseudo-terminal
        os.environ.update(STORE_URL="memory://", LOG_LEVEL="WARNING")
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "adapters", "chat"])
    seen = b""
    deadline = time.monotonic() + 30
    while b"> " not in seen and time.monotonic() < deadline:
        seen += os.read(fd, 4096)
    os.kill(pid, signal.SIGINT)
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    pytest.fail("the chat did not exit after Ctrl-C")


def test_run_that_cannot_reach_telegram_fails_in_one_line_without_the_token() -> None:
    token = "123456:NEVER-PRINT-THIS"
    done = cli(
        "run",
        env={
            "TELEGRAM_BOT_TOKEN": token,
            "LOG_LEVEL": "DEBUG",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        },
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: NetworkError")
    assert token not in done.stdout + done.stderr
