"""A bot worker that starts a quiz, answers one question, reports the reply, then hangs.

Run as `python -m tests.workers.quiz_worker REDIS_URL PREFIX PLATFORM CHAT USER`; the test
kills it with SIGKILL and lets another worker continue the quiz.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from bot.app import build_service
from bot.messages import Command, CommandEvent, PressEvent
from bot.settings import load_settings
from bot.store.base import SessionKey
from tests.workers.conversation import answers

logger = logging.getLogger(__name__)


async def work(url: str, prefix: str, key: SessionKey) -> None:
    service = build_service(load_settings(store_url=url, store_prefix=prefix))
    [question] = await service.handle(key, CommandEvent(Command.QUIZ), "telegram:1")
    [reply] = await service.handle(key, PressEvent(answers(question)[0]), "telegram:2")
    shown = {"kind": reply.kind, "layout": reply.layout, "options": [o.data for o in reply.options]}
    print(json.dumps(shown), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    redis_url, key_prefix, platform, chat, user = sys.argv[1:6]
    asyncio.run(work(redis_url, key_prefix, SessionKey(platform, chat, user)))
