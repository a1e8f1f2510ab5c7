"""Platform-neutral text helpers for adapters: replies as text blocks, split under a limit."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.messages import Reply, Span

logger = logging.getLogger(__name__)


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries so no chunk exceeds `limit` chars."""
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def pack_blocks(blocks: list[str], limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Join rendered blocks with blank lines into as few messages as fit `limit`.

    A block too long on its own is split at line, then word boundaries (`split_text`).
    """
    messages: list[str] = []
    for block in blocks:
        pieces = [block] if measure(block) <= limit else split_text(block, limit)
        for piece in pieces:
            joined = f"{messages[-1]}\n\n{piece}" if messages else piece
            if messages and measure(joined) <= limit:
                messages[-1] = joined
            else:
                messages.append(piece)
    return messages or [""]


def render_blocks(
    reply: Reply,
    span: Callable[[Span], str],
    heading: Callable[[str], str],
    bullet: str = "• ",
) -> list[str]:
    """A reply as text blocks (title, then one per section), formatted by the adapter's own
    `span` and `heading` functions: the structure is read, never parsed back out of text."""
    blocks = [heading(reply.title)] if reply.title else []
    for section in reply.sections:
        lines = [heading(section.heading)] if section.heading else []
        if section.body:
            lines.append("".join(span(s) for s in section.body))
        lines += [bullet + "".join(span(s) for s in item) for item in section.items]
        if lines:
            blocks.append("\n".join(lines))
    return blocks


def plain_text(reply: Reply) -> str:
    """The reply as plain text, as a user would read it (CLI output, the console chat)."""
    return "\n\n".join(render_blocks(reply, lambda s: s.text, lambda h: h))
