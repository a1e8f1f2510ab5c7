"""Console chat: stdin/stdout. Options print as numbers; a number picks one; '/x' is a command."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
from typing import TextIO

from bot.messages import Command, Event, Option, Reply
from bot.service import CoachService
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

KEY = SessionKey("console", "local", "me")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_COMMANDS = {c.value for c in Command}


def render(reply: Reply) -> str:
    """Plain text: bold markers dropped, options as numbered lines."""
    lines = [_BOLD.sub(r"\1", reply.text)]
    lines += [f"  {i}. {option.label}" for i, option in enumerate(reply.options, start=1)]
    return "\n".join(lines)


def to_event(line: str, offered: list[Option]) -> Event:
    """A number picks an offered option; '/quiz arg' is a command; anything else is text."""
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(offered):
        return Event.choice(offered[int(text) - 1].data)
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        if name.lower() in _COMMANDS:
            return Event.command(name.lower(), argument.strip())
    return Event.text(line)


async def chat(
    service: CoachService, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    """Run until EOF: greet, then read a line, answer it, repeat."""
    offered: list[Option] = []

    async def send(event: Event) -> None:
        nonlocal offered
        for reply in await service.handle(KEY, event):
            print(render(reply), end="\n\n", file=stdout, flush=True)
            if reply.options:
                offered = list(reply.options)

    await send(Event.command(Command.START))
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
