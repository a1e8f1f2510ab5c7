"""Discord acknowledgement under load: 100 concurrent interactions, time until Discord hears back.

Drives the real discord.py client (adapters/discord/app.py build_client) against the loopback
fake Discord API of the tests. Each round: 100 people each get a quiz question first (untimed),
then 100 interactions arrive at once as from the gateway, mixed: button presses on those
questions, /ask, /faq with a topic, /compare and /quiz. Measured per interaction: from handing
the payload to the client to its callback (reply, update or defer) arriving at the fake; Discord
drops an interaction not acknowledged within 3 s. Stores: SQLite (the default) and memory.

Run: .venv/bin/python benchmarks/bench_discord.py [--rounds 3] [--interactions 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
from aiohttp import web  # noqa: E402

from adapters.discord.app import CoachClient, build_client  # noqa: E402
from bot.app import build_service, load_engine  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.discord.fake_discord import FakeDiscord, JsonDict, Person, Place, Shown  # noqa: E402
from tests.discord.harness import HANDLER_TASKS  # noqa: E402

GUILD_ID = 900_000_000_000_000_001
CHANNEL = Place(920_000_000_000_000_001, GUILD_ID)
QUESTIONS = [
    "are step ups bad for my knees",
    "how high should the box be",
    "which is better for glutes",
    "how many sets and reps",
]


class TimedFake(FakeDiscord):
    """The tests' fake Discord, noting when each interaction's callback arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.acked_at: dict[int, float] = {}

    async def _callback(self, request: web.Request) -> web.Response:
        self.acked_at.setdefault(int(request.match_info["id"]), time.perf_counter())
        return await super()._callback(request)


async def settle(before: set[asyncio.Task[Any]]) -> None:
    """Wait for every handler task discord.py started since `before`."""
    while True:
        started = [
            t
            for t in asyncio.all_tasks() - before
            if t.get_name().startswith(HANDLER_TASKS) and not t.done()
        ]
        if not started:
            return
        await asyncio.wait(started)


async def deliver(client: CoachClient, payloads: list[JsonDict]) -> dict[int, float]:
    """Hand the payloads to the client back to back, as a gateway burst; when each went in."""
    before = asyncio.all_tasks()
    sent: dict[int, float] = {}
    for payload in payloads:
        sent[int(payload["id"])] = time.perf_counter()
        client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await settle(before)
    return sent


def question_of(fake: FakeDiscord, interaction_id: int) -> Shown:
    outcome = fake.outcomes(interaction_id)[-1]
    assert outcome.message is not None, "the quiz question was not shown"
    return outcome.message


async def one_round(store_url: str, engine: Engine, count: int) -> list[float]:
    """Latencies (seconds) of `count` concurrent interactions on a fresh client and store."""
    fake = TimedFake()
    await fake.start()
    discord.http.Route.BASE = fake.url
    settings = load_settings(
        store_url=store_url, discord_bot_token="bench-token", discord_guild_id=None
    )
    service = build_service(settings, engine)
    client = build_client(settings, service)
    try:
        await client.login("bench-token")
        people = [Person(910_000_000_000_000_000 + n, f"p{n}") for n in range(count)]
        warm = [fake.slash(person, CHANNEL, "quiz") for person in people[::2]]
        await deliver(client, warm)
        questions = [question_of(fake, int(p["id"])) for p in warm]
        burst = []
        for n, person in enumerate(people):
            if n % 2 == 0:
                burst.append(fake.press_first(person, CHANNEL, questions[n // 2]))
            elif n % 6 == 1:
                burst.append(fake.slash(person, CHANNEL, "ask", question=QUESTIONS[n % 4]))
            elif n % 6 == 3:
                topic = engine.content.faq.topics[n % len(engine.content.faq.topics)].id
                burst.append(fake.slash(person, CHANNEL, "faq", topic=topic))
            else:
                burst.append(fake.slash(person, CHANNEL, "compare" if n % 4 else "quiz"))
        sent = await deliver(client, burst)
        missing = [i for i in sent if i not in fake.acked_at]
        if missing or fake.refused:
            print(f"  !! {len(missing)} never acknowledged; refused: {fake.refused[:3]}")
        return [fake.acked_at[i] - t for i, t in sent.items() if i in fake.acked_at]
    finally:
        await client.close()
        await service.store.close()
        await fake.close()


def summary(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


async def main(rounds: int, count: int) -> None:
    engine = load_engine(load_settings(store_url="memory://"))
    load = os.getloadavg()[0]
    print(json.dumps({"interactions": count, "rounds": rounds, "load_1min": round(load, 2)}))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("sqlite", "memory"):
            per_round = []
            for n in range(rounds):
                url = f"sqlite:///{tmp}/bench-{n}.db" if name == "sqlite" else "memory://"
                p50, p99, worst = summary(await one_round(url, engine, count))
                per_round.append((p50, p99, worst))
                print(
                    f"  {name:6s} round {n + 1}: p50 {p50 * 1e3:6.1f} ms  p99 {p99 * 1e3:6.1f} ms"
                    f"  max {worst * 1e3:6.1f} ms"
                )
            medians = [statistics.median(r[i] for r in per_round) for i in range(3)]
            print(
                f"{name:6s} {count} concurrent interactions, dispatch -> callback at Discord "
                f"(median of {rounds} rounds): p50 {medians[0] * 1e3:.1f} ms, "
                f"p99 {medians[1] * 1e3:.1f} ms, max {medians[2] * 1e3:.1f} ms (window 3000 ms)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--interactions", type=int, default=100)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(options.rounds, options.interactions))
