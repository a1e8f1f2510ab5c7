"""Console chat: stdin/stdout. Options print as numbers; a number picks one; '/x' is a command."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import TextIO

from bot.messages import Command, CommandEvent, Event, Option, PressEvent, Reply, TextEvent
from bot.service import CoachService
from bot.store.base import SessionKey
from bot.text import plain_text

logger = logging.getLogger(__name__)

KEY = SessionKey("console", "local", "me")
_COMMANDS = {c.value for c in Command}


CHECK = "✓ "  # a picked toggle, since a terminal has no check boxes


def render(reply: Reply, offered: list[Option]) -> str:
    """Plain text, then the options that can be picked here as numbered lines."""
    lines = [plain_text(reply)]
    for number, option in enumerate(offered, start=1):
        mark = CHECK if option.toggle and option.picked else ""
        lines.append(f"  {number}. {mark}{option.label}")
    return "\n".join(lines)


def pickable(reply: Reply) -> list[Option]:
    """Options a number can pick: deep links lead to other chats, which the console has not."""
    return [o for o in reply.options if o.data]


def to_event(line: str, offered: list[Option]) -> Event:
    """A number picks an offered option; '/quiz arg' is a command; anything else is text."""
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(offered):
        return PressEvent(offered[int(text) - 1].data)
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        if name.lower() in _COMMANDS:
            return CommandEvent(Command(name.lower()), argument.strip())
    return TextEvent(line)


async def chat(
    service: CoachService, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    """Run until EOF: greet, then read a line, answer it, repeat."""
    offered: list[Option] = []

    async def send(event: Event) -> None:
        nonlocal offered
        for reply in await service.handle(KEY, event):
            options = pickable(reply)
            print(render(reply, options), end="\n\n", file=stdout, flush=True)
            if options:
                offered = options

    await send(CommandEvent(Command.START))
    interactive = stdin.isatty()
    lines = read_lines(stdin)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await lines.get()
        if not line:
            return
        if line.strip():
            await send(to_event(line, offered))


def read_lines(stdin: TextIO) -> asyncio.Queue[str]:
    """Lines from a daemon thread ('' at EOF): a blocked read never holds up Ctrl-C or exit."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        while True:
            line = stdin.readline()
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if not line:
                return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue
