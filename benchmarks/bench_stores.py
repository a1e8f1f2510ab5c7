"""Per-turn latency of each store through the service, and Redis turns/s with 1 vs 2 workers.

Run from the repository root: `.venv/bin/python benchmarks/bench_stores.py` (REDIS_URL, default
redis://127.0.0.1:6379/0; keys go under a random prefix and are removed afterwards).
A turn is one user action: a quiz press or an FAQ question typed as free text; the "+inbox" rows
also put the update in the durable inbox, claim it and mark it done, as durable intake does.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_service, load_engine
from bot.buttons import Action, ButtonData
from bot.engine import Engine
from bot.messages import Command, CommandEvent, Event, PressEvent, Reply, ReplyKind, TextEvent
from bot.service import CoachService
from bot.settings import load_settings
from bot.store.base import SessionKey
from bot.store.redis import safe_address

logger = logging.getLogger(__name__)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
FAQ_TURNS_PER_QUIZ = 4
DURABLE = False  # set per latency row: each turn also goes through the inbox


def quiz_press(reply: Reply, rng: random.Random) -> str | None:
    """What a user presses next: 'Done'/'Nothing else' on multi steps, else any answer."""
    if reply.kind is not ReplyKind.QUESTION:
        return None
    actions = {o.data: ButtonData.unpack(o.data).action for o in reply.options if o.data}
    answers = [d for d, action in actions.items() if action is Action.ANSWER]
    finishing = [d for d, action in actions.items() if action in (Action.DONE, Action.NONE)]
    if not answers and not finishing:
        return None
    return rng.choice(finishing or answers)


async def timed(service: CoachService, key: SessionKey, event: Event, laps: list[float]) -> Reply:
    """One turn; with DURABLE on, also the inbox round: put, claim, handle, done."""
    event_id = f"bench:{uuid.uuid4().hex}"
    started = time.perf_counter()
    if DURABLE:
        await service.store.inbox_put("bench", [(event_id, b'{"update_id": 1}')])
        await service.store.inbox_claim("bench", "bench-worker", 1, 30.0)
    replies = await service.handle(key, event, event_id)
    if DURABLE:
        await service.store.inbox_done("bench", [event_id])
    laps.append(time.perf_counter() - started)
    return replies[-1]


async def conversation(
    service: CoachService, key: SessionKey, questions: list[str], rng: random.Random
) -> list[float]:
    """One user: a full quiz pressed through, then a few FAQ questions typed as text."""
    laps: list[float] = []
    reply = await timed(service, key, CommandEvent(Command.QUIZ), laps)
    while (press := quiz_press(reply, rng)) is not None:
        reply = await timed(service, key, PressEvent(press), laps)
    for question in rng.sample(questions, FAQ_TURNS_PER_QUIZ):
        await timed(service, key, TextEvent(question), laps)
    return laps


async def drive(service: CoachService, users: range, concurrency: int, tag: str) -> list[float]:
    """Run one conversation per user, `concurrency` of them at a time; returns every turn's time."""
    questions = [t.question for t in service.engine.content.faq.topics]
    gate = asyncio.Semaphore(concurrency)
    rng = random.Random(users.start)

    async def one(user: int) -> list[float]:
        async with gate:
            return await conversation(service, SessionKey("bench", tag, str(user)), questions, rng)

    results = await asyncio.gather(*(one(u) for u in users))
    return [lap for laps in results for lap in laps]


def percentile(laps: list[float], q: int) -> float:
    return statistics.quantiles(laps, n=100)[q - 1] * 1000


async def latency_row(
    name: str, url: str, prefix: str, engine: Engine, users: int, durable: bool = False
) -> str:
    global DURABLE
    DURABLE = durable
    service = build_service(load_settings(store_url=url, store_prefix=prefix), engine)
    await drive(service, range(10), 1, "warmup")
    laps = await drive(service, range(users), 1, "latency")
    await service.store.close()
    DURABLE = False
    return f"{name:<14} {len(laps):>7} {percentile(laps, 50):>9.3f} {percentile(laps, 99):>9.3f}"


def worker(
    url: str, prefix: str, users: range, concurrency: int, start: object, out: object
) -> None:
    """One bot worker process: own event loop, own RedisStore, its own distinct sessions."""
    service = build_service(load_settings(store_url=url, store_prefix=prefix))
    start.wait()  # type: ignore[attr-defined]
    began = time.time()
    laps = asyncio.run(drive(service, users, concurrency, "throughput"))
    out.put((len(laps), began, time.time()))  # type: ignore[attr-defined]


def throughput(url: str, prefix: str, workers: int, users: int, concurrency: int) -> float:
    """Turns per second across `workers` processes sharing one Redis."""
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    per = users // workers
    procs = [
        ctx.Process(
            target=worker,
            args=(
                url,
                f"{prefix}:{workers}",
                range(i * per, (i + 1) * per),
                concurrency,
                start,
                out,
            ),
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every worker load content before the gun
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join()
    turns = sum(r[0] for r in results)
    return turns / (max(r[2] for r in results) - min(r[1] for r in results))


def clean(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    doomed = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if doomed:
        client.delete(*doomed)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=300, help="conversations per latency run")
    parser.add_argument("--throughput-users", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=32, help="sessions in flight per worker")
    args = parser.parse_args()
    prefix = f"hipstep-bench-{uuid.uuid4().hex[:8]}"
    engine = load_engine(load_settings(store_url="memory://"))
    print(
        f"cpus: {os.cpu_count()}, redis: {safe_address(REDIS_URL)}, python {sys.version.split()[0]}"
    )
    print(f"\nper-turn latency, one conversation at a time ({args.users} users: quiz + FAQ)")
    print(f"{'store':<14} {'turns':>7} {'p50 ms':>9} {'p99 ms':>9}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, url, durable in [
                ("memory", "memory://", False),
                ("sqlite", f"sqlite:///{tmp}/bench.db", False),
                ("redis", REDIS_URL, False),
                ("memory+inbox", "memory://", True),
                ("sqlite+inbox", f"sqlite:///{tmp}/bench-inbox.db", True),
                ("redis+inbox", REDIS_URL, True),
            ]:
                row = latency_row(name, url, prefix, engine, args.users, durable)
                print(asyncio.run(row), flush=True)
        users, in_flight = args.throughput_users, args.concurrency
        print(f"\nredis throughput: {users} users, {in_flight} in flight per worker")
        one = throughput(REDIS_URL, prefix, 1, args.throughput_users, args.concurrency)
        print(f"1 worker : {one:8.0f} turns/s", flush=True)
        two = throughput(REDIS_URL, prefix, 2, args.throughput_users, args.concurrency)
        print(f"2 workers: {two:8.0f} turns/s  ({two / one:.2f}x)")
    finally:
        clean(REDIS_URL, prefix)


if __name__ == "__main__":
    main()
