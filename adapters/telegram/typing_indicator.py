"""'typing…' in chats whose turn runs long, refreshed until it ends; quick turns cost no call.

One sweeping task serves every chat, rather than a timer per update: nearly every turn is quick,
and starting and finishing one then costs a dict entry. The sweeper runs only while turns do.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from contextlib import suppress

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

TYPING_DELAY = 0.4  # seconds before "typing…" shows; quick replies never need it
TYPING_REPEAT = 4.5  # Telegram clears the indicator after 5 s
MIN_TICK = 0.01


class TypingIndicator:
    """`started` when a turn begins, `finished` when its replies are ready."""

    def __init__(self, delay: float = TYPING_DELAY, repeat: float = TYPING_REPEAT) -> None:
        self.delay = delay
        self.repeat = repeat
        self._tick = max(delay / 2, MIN_TICK)
        self._turns: dict[int, tuple[Bot, int]] = {}
        self._due: dict[int, float] = {}
        self._tokens = itertools.count()
        self._sweeper: asyncio.Task[None] | None = None
        self._calls: set[asyncio.Task[None]] = set()

    @property
    def sweeping(self) -> bool:
        """Whether the sweeper runs (only while some turn is in progress)."""
        return self._sweeper is not None

    def started(self, bot: Bot, chat_id: int) -> int:
        token = next(self._tokens)
        self._turns[token] = (bot, chat_id)
        self._due[token] = time.monotonic() + self.delay
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(), name="telegram-typing")
        return token

    def finished(self, token: int) -> None:
        self._turns.pop(token, None)
        self._due.pop(token, None)

    async def _sweep(self) -> None:
        try:
            while self._turns:
                await asyncio.sleep(self._tick)
                now = time.monotonic()
                for token in [t for t, due in self._due.items() if due <= now]:
                    self._due[token] = now + self.repeat
                    bot, chat_id = self._turns[token]
                    call = asyncio.create_task(show_typing(bot, chat_id))
                    self._calls.add(call)  # a slow call must not hold up the other chats
                    call.add_done_callback(self._calls.discard)
        finally:
            self._sweeper = None


async def show_typing(bot: Bot, chat_id: int) -> None:
    with suppress(TelegramError):
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
