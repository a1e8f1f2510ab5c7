"""Sequential sendMessage calls through telegram.Bot: PTB's HTTPXRequest vs our AiohttpRequest.

Both talk to a loopback Bot API in the same process, so the figures are the client's own cost per
call plus the tiny server's: wall time, and CPU time of the process (steadier on a shared machine).
Run: `python -m benchmarks.bench_request [--calls N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from collections.abc import Callable

from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.request import BaseRequest, HTTPXRequest

from adapters.telegram.request import AiohttpRequest

logger = logging.getLogger(__name__)

TOKEN = "123456:BENCH"
ROUNDS = 3
MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "ok"}
ME = {"id": 7, "is_bot": True, "first_name": "Coach", "username": "CoachBot"}
KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton(f"Goal {i}", callback_data=f"quiz:v1:goal:{i}")] for i in range(4)]
)
CLIENTS: dict[str, Callable[[], BaseRequest]] = {
    "httpx (PTB default)": HTTPXRequest,
    "aiohttp": AiohttpRequest,
}


async def _answer(request: web.Request) -> web.Response:
    await request.read()
    result = ME if request.match_info["method"] == "getMe" else MESSAGE
    return web.json_response({"ok": True, "result": result})


async def _start_server() -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", _answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/bot"


async def _ms_per_call(base_url: str, request: BaseRequest, calls: int) -> tuple[float, float]:
    """(wall ms, CPU ms) per sendMessage call, after a warm-up."""
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        for _ in range(20):  # warm the connection and caches
            await bot.send_message(42, "warm-up")
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(calls):
            await bot.send_message(
                42,
                f"<b>Step {i}</b>: pick a goal",
                parse_mode=ParseMode.HTML,
                reply_markup=KEYBOARD,
            )
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        return wall * 1000 / calls, cpu * 1000 / calls


async def run(calls: int) -> dict[str, tuple[float, float]]:
    """Median (wall ms, CPU ms) per call of each client over ROUNDS interleaved rounds."""
    runner, base_url = await _start_server()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in CLIENTS}
    try:
        for _ in range(ROUNDS):
            for name, make in CLIENTS.items():
                samples[name].append(await _ms_per_call(base_url, make(), calls))
    finally:
        await runner.cleanup()
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    medians = asyncio.run(run(args.calls))
    base_wall, base_cpu = medians["httpx (PTB default)"]
    print(
        f"{args.calls} sequential sendMessage calls, {ROUNDS} rounds, medians "
        f"({os.cpu_count()} CPUs); speed-up = PTB default / this"
    )
    for name, (wall, cpu) in medians.items():
        print(
            f"  {name:<20} wall {wall:6.3f} ms/call ({base_wall / wall:4.2f}x)"
            f"   CPU {cpu:6.3f} ms/call ({base_cpu / cpu:4.2f}x)"
        )


if __name__ == "__main__":
    main()
