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

from bot.content import load_content
from bot.settings import default_content_dir
from tests.contracts import FAQ_DEV_FILE

ROOT = Path(__file__).resolve().parents[2]


def cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "STORE_URL": "memory://",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def assert_one_line_refusal(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 2, no traceback, and exactly one `error: ...` line naming what is wrong."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0]


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
    assert done.returncode == 0, done.stderr
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


BAD_EVAL_FILES: list[tuple[str, bytes, list[str]]] = [
    ("invalid JSON", b'{"q": "hip thrust?", "accept": [}\n', ["line 1", "Invalid JSON"]),
    ("missing accept", b'{"q": "what do step-ups improve"}\n', ["line 1", "accept", "required"]),
    ("missing q", b'{"accept": []}\n', ["line 1", "q", "required"]),
    (
        "accept as a string",
        b'{"q": "knees?", "accept": ["knee_concerns"]}\n'
        b'{"q": "knees", "accept": "knee_concerns"}\n',
        ["line 2", "accept", "array"],
    ),
    ("question as a number", b'{"q": 7, "accept": []}\n', ["line 1", "q", "string"]),
    ("blank question", b'{"q": "  ", "accept": []}\n', ["line 1", "empty"]),
    ("a list, not an object", b"[1, 2]\n", ["line 1", "object"]),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000 + b"\n", ["line 1", "recursion"]),
    ("not UTF-8", b'{"q": "caf\xe9", "accept": []}\n', ["line 1", "UTF-8"]),
    ("empty file", b"", ["no questions"]),
    ("only blank lines", b"\n  \n", ["no questions"]),
    (
        "unknown topic",
        b'\n{"q": "hip thrust benefits", "accept": ["hip_thrust_benefits", "big_arms"]}\n',
        ["line 2", "unknown topic 'big_arms'"],
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [row[1:] for row in BAD_EVAL_FILES],
    ids=[row[0] for row in BAD_EVAL_FILES],
)
def test_eval_refuses_a_bad_line_by_number(
    tmp_path: Path, content: bytes, expected: list[str]
) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_bytes(content)
    assert_one_line_refusal(cli("eval", str(questions), "--json"), *expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["eval", "/no/such/file.jsonl"], ["no such file"]),
        (["recommend", "--goal"], ["--goal", "expected one argument"]),
        (["ask"], ["text"]),
        (["content", "check", "/no/such/dir"], ["not found"]),
    ],
)
def test_usage_mistakes_are_one_line(args: list[str], expected: list[str]) -> None:
    assert_one_line_refusal(cli(*args), *expected)


def test_env_file_that_is_not_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"LOG_LEVEL=INFO\nSTORE_PREFIX=caf\xe9\n")
    done = cli("ask", "hello", cwd=tmp_path)
    assert_one_line_refusal(done, ".env", "UTF-8")


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_question_gets_the_ask_me_something_line(empty: str) -> None:
    empty_text = load_content(default_content_dir()).texts.empty_text
    answer = cli("ask", empty, "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {
        "faq_id": None,
        "confidence": 0.0,
        "answer": empty_text,
        "suggestions": [],
        "also": [],
    }
    plain = cli("ask", empty)
    assert plain.returncode == 0 and plain.stdout.strip() == empty_text


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_chat_on_a_terminal_that_cannot_show_symbols_falls_back_to_ascii(encoding: str) -> None:
    """The multi-answer question shows ✓ and ‹ Back; the terminal gets v and < instead."""
    done = cli(
        "chat",
        stdin="/quiz\n1\n1\ncafé ☕\n",
        env={"PYTHONIOENCODING": encoding},
    )
    assert done.returncode == 0, done.stderr
    assert "UnicodeEncodeError" not in done.stderr and "Traceback" not in done.stderr
    assert "Question 2 of 5" in done.stdout
    assert "< Back" in done.stdout and "* Answer five quick questions" in done.stdout
    assert "v " in done.stdout  # the pick marked on the multi-answer question
    if encoding == "ascii":
        assert done.stdout.isascii()


def test_eval_below_the_required_bar_exits_1_naming_the_figure() -> None:
    passing = cli("eval", str(FAQ_DEV_FILE), "--min-correct", "0.5", "--min-declined", "0.5")
    failing = cli("eval", str(FAQ_DEV_FILE), "--min-correct", "1.01")
    assert passing.returncode == 0, passing.stderr
    assert failing.returncode == 1
    assert "below the bar: in-scope correct" in failing.stderr
    assert "Traceback" not in failing.stderr
