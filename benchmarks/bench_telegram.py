"""Telegram end to end: updates/s through our real bot vs a bare python-telegram-bot echo bot.

Five bots poll the same kind of loopback fake Bot API server (tests/telegram/fake_telegram.py,
run in its own process), interleaved round by round in one run, each on a fresh event loop:
  ours, sqlite + durable intake   the default store; every update written to the inbox first;
                                  on the loop `hipstep run` uses (uvloop where installed)
  ours, memory store              the same code path with an in-process store
  echo, PTB defaults              ApplicationBuilder's defaults (HTTPXRequest), echoing the text,
                                  on asyncio's own loop
  echo, our request class         the same echo bot on adapters/telegram/request.AiohttpRequest
  echo, our request class + loop  ... and on our event loop too
The last two show how much of our lead is the HTTP layer and the loop rather than our own work. Each
update is a private-chat question that gets exactly one sendMessage back (ours: the real FAQ
answer, HTML with a keyboard); the clock runs from pushing a batch until the last reply arrives.
Flood limits are OFF for all (ours keeps only RetryAfter handling): with Telegram's limits on,
a bot sends at most ~30 messages/s by design, which would measure the limiter, not the bot.

Run: .venv/bin/python benchmarks/bench_telegram.py [--updates 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

import aiohttp  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

from adapters.event_loop import loop_factory  # noqa: E402
from adapters.telegram.app import build_application, running  # noqa: E402
from adapters.telegram.request import AiohttpRequest  # noqa: E402
from bot.app import build_service, load_engine  # noqa: E402
from bot.metrics import create_metrics  # noqa: E402
from bot.settings import Settings, load_settings  # noqa: E402

TOKEN = "123456:TEST-token"
USERS = 200
Runner = Callable[[str], AbstractAsyncContextManager[None]]
LoopFactory = Callable[[], asyncio.AbstractEventLoop] | None
BASELINE = "echo, PTB defaults"
FAST_ECHO = "echo, our request class + loop"


@asynccontextmanager
async def fake_server() -> AsyncIterator[str]:
    """The fake in a child process, so its work does not share this process's event loop."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.telegram.fake_telegram"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait()


def updates(count: int, questions: list[str], start: int) -> list[dict[str, Any]]:
    """Private-chat questions from many users; each gets exactly one reply."""
    batch = []
    for n in range(start, start + count):
        user = {"id": 10_000 + n % USERS, "is_bot": False, "first_name": f"User {n % USERS}"}
        chat = {"id": user["id"], "type": "private"}
        text = questions[n % len(questions)]
        message = {
            "message_id": n + 1,
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        batch.append({"message": message})
    return batch


async def measure(url: str, runner: Runner, count: int, questions: list[str]) -> float:
    """Updates per second for one batch, after a warm-up batch."""
    async with runner(url), aiohttp.ClientSession() as web:
        sent = 0
        for size in (100, count):
            batch = updates(size, questions, sent)
            t0 = time.perf_counter()
            await web.post(f"{url}/_fake/push", json=batch)
            sent += size
            params: dict[str, str] = {"method": "sendMessage", "count": str(sent)}
            async with web.get(f"{url}/_fake/wait", params=params) as response:
                assert response.status == 200, await response.text()
            elapsed = time.perf_counter() - t0
    return count / elapsed


def settings_for(url: str, store_url: str) -> Settings:
    return load_settings(
        store_url=store_url,
        telegram_bot_token=TOKEN,
        telegram_base_url=f"{url}/bot",
        telegram_base_file_url=f"{url}/file/bot",
        telegram_rate_limit=False,
        telegram_webhook_url=None,
    )


def ours(store_url: str) -> Runner:
    """Our Application; each run gets a fresh store, since a new fake reuses update ids (and a
    store that remembers them would rightly treat the new updates as duplicates)."""
    runs = itertools.count()

    @asynccontextmanager
    async def run(url: str) -> AsyncIterator[None]:
        settings = settings_for(url, store_url.format(run=next(runs)))
        service = build_service(settings, metrics=create_metrics())  # as `hipstep run` does
        try:
            async with running(build_application(settings, service), settings):
                yield
        finally:
            await service.store.close()

    return run


def echo_bot(request: Callable[[], BaseRequest] | None = None) -> Runner:
    """The library's own speed: a bare PTB echo bot, on its default request class or `request`."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await context.bot.send_message(update.message.chat_id, update.message.text)

    return lambda url: _echo_app(url, echo, request)


@asynccontextmanager
async def _echo_app(
    url: str, echo: Any, request: Callable[[], BaseRequest] | None
) -> AsyncIterator[None]:
    builder = ApplicationBuilder().token(TOKEN).base_url(f"{url}/bot")
    if request is not None:
        builder = builder.request(request()).get_updates_request(request())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def one_run(runner: Runner, count: int, questions: list[str]) -> float:
    async with fake_server() as url:
        return await measure(url, runner, count, questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = load_engine(load_settings(store_url="memory://"))
    questions = [t.question for t in engine.content.faq.topics] + ["hi", "which is better?"]
    ours_loop = loop_factory()
    with tempfile.TemporaryDirectory() as tmp:
        runners: dict[str, tuple[Runner, LoopFactory]] = {
            "ours, sqlite + durable intake": (ours(f"sqlite:///{tmp}/bench-{{run}}.db"), ours_loop),
            "ours, memory store": (ours("memory://"), ours_loop),
            BASELINE: (echo_bot(), None),
            "echo, our request class": (echo_bot(AiohttpRequest), None),
            FAST_ECHO: (echo_bot(AiohttpRequest), ours_loop),
        }
        results: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(args.rounds):
            for name, (runner, factory) in runners.items():  # interleaved: drift hits all alike
                with asyncio.Runner(loop_factory=factory) as loop:
                    rate = loop.run(one_run(runner, args.updates, questions))
                print(f"  {name}: {rate:.0f}/s", file=sys.stderr)
                results[name].append(rate)
    report(results, args.updates, args.rounds, "uvloop" if ours_loop else "asyncio")


def report(results: dict[str, list[float]], updates: int, rounds: int, loop: str) -> None:
    print(f"Telegram end to end, {updates} updates x {rounds} rounds, flood limits off,")
    print(f"fake Bot API in its own process on 127.0.0.1, {os.cpu_count()} CPUs, our loop: {loop}")
    print("(median updates/s, min-max):")
    for name, rates in results.items():
        median = statistics.median(rates)
        print(f"  {name:32} {median:7.0f}/s   ({min(rates):.0f}-{max(rates):.0f})")
    echo = statistics.median(results[BASELINE])
    fast_echo = statistics.median(results[FAST_ECHO])
    for name in results:
        if name != BASELINE:
            rate = statistics.median(results[name])
            print(f"  ratio {name:32} {rate / echo:.2f}x the echo bot on PTB defaults")
    for name in ("ours, sqlite + durable intake", "ours, memory store"):
        rate = statistics.median(results[name])
        print(f"  ratio {name:32} {rate / fast_echo:.2f}x the echo bot on our request class + loop")


if __name__ == "__main__":
    main()
