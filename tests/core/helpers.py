"""Story helpers for core tests: press an option by its label, read what the bot said."""

from __future__ import annotations

from bot.messages import Option, PressEvent, Reply, plain, rich
from bot.text import plain_text


def find_option(reply: Reply, label_part: str) -> Option:
    """The option whose label contains `label_part` (case-insensitive); fails loudly if none."""
    hits = [o for o in reply.options if label_part.lower() in o.label.lower()]
    assert hits, f"no option like {label_part!r} in {[o.label for o in reply.options]}"
    return hits[0]


def press(reply: Reply, label_part: str) -> PressEvent:
    return PressEvent(find_option(reply, label_part).data)


def said(reply: Reply) -> str:
    """What the user reads, as plain text."""
    return plain_text(reply)


def as_read(content_text: str) -> str:
    """A content line as the user reads it (its light markup rendered away)."""
    return plain(rich(content_text))


def squash(text: str) -> str:
    """Text with all runs of white space made one space: layout aside, the same words."""
    return " ".join(text.split())
