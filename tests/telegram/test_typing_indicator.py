"""'typing…' shows only for turns that run long, repeats while they run, and stops after."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from telegram import Bot

from adapters.telegram.typing_indicator import TypingIndicator


class ActionsBot:
    """Records the chat actions it is asked to show (all TypingIndicator calls on a bot)."""

    def __init__(self) -> None:
        self.actions: list[tuple[int, str]] = []

    async def send_chat_action(self, chat_id: int, action: Any) -> bool:
        self.actions.append((chat_id, str(action)))
        return True


async def test_a_quick_turn_shows_nothing_and_leaves_no_task_behind() -> None:
    bot, typing = ActionsBot(), TypingIndicator(delay=0.05)
    typing.finished(typing.started(cast(Bot, bot), 7))
    await asyncio.sleep(0.15)
    assert bot.actions == []
    assert not typing.sweeping


async def test_a_slow_turn_shows_typing_and_repeats_it_until_it_ends() -> None:
    bot, typing = ActionsBot(), TypingIndicator(delay=0.05, repeat=0.1)
    slow = typing.started(cast(Bot, bot), 7)
    quick = typing.started(cast(Bot, bot), 8)
    typing.finished(quick)
    await asyncio.sleep(0.33)
    typing.finished(slow)
    shown = len(bot.actions)
    await asyncio.sleep(0.2)

    assert 2 <= shown <= 4, bot.actions
    assert {chat for chat, _ in bot.actions} == {7}
    assert all(action == "typing" for _, action in bot.actions)
    assert len(bot.actions) == shown  # nothing after the turn ended
    assert not typing.sweeping
