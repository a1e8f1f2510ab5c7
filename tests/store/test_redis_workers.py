"""A bot worker killed mid-quiz (SIGKILL): another worker on the same Redis carries on."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.engine import Engine
from bot.messages import Layout, Option, PressEvent, Reply, ReplyKind
from bot.service import CoachService
from bot.store.base import SessionKey
from bot.store.redis import RedisStore
from tests.workers.conversation import next_press

REPO = Path(__file__).resolve().parents[2]
ALICE = SessionKey("telegram", "-100200", "42")


async def read_line(process: subprocess.Popen[bytes]) -> bytes:
    assert process.stdout is not None
    return await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), timeout=30)


async def test_a_worker_killed_mid_quiz_leaves_a_quiz_another_worker_finishes(
    redis_url: str, redis_prefix: str, engine: Engine
) -> None:
    command = [
        sys.executable,
        "-m",
        "tests.workers.quiz_worker",
        redis_url,
        redis_prefix,
        *(ALICE.platform, ALICE.chat, ALICE.user),
    ]
    doomed = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, env=os.environ.copy())
    try:
        report = json.loads(await read_line(doomed))
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    assert doomed.returncode == -signal.SIGKILL
    survivor = CoachService(engine, RedisStore.from_url(redis_url, redis_prefix))
    options = tuple(Option("", data) for data in report["options"])
    shown = Reply(ReplyKind(report["kind"]), options=options, layout=Layout(report["layout"]))

    assert await survivor.handle(ALICE, PressEvent(report["options"][0]), "telegram:2") == []
    kinds = []
    while (press := next_press(shown)) is not None:
        [shown] = await survivor.handle(ALICE, PressEvent(press), None)
        kinds.append(shown.kind)

    assert kinds[-1] is ReplyKind.RECOMMENDATION
    assert set(kinds[:-1]) == {ReplyKind.QUESTION}
    await survivor.store.close()
