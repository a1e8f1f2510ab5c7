"""Story helpers for core tests: press an option by its label, read what the bot said."""

from __future__ import annotations

from bot.messages import Event, Option, Reply


def find_option(reply: Reply, label_part: str) -> Option:
    """The option whose label contains `label_part` (case-insensitive); fails loudly if none."""
    hits = [o for o in reply.options if label_part.lower() in o.label.lower()]
    assert hits, f"no option like {label_part!r} in {[o.label for o in reply.options]}"
    return hits[0]


def press(reply: Reply, label_part: str) -> Event:
    return Event.choice(find_option(reply, label_part).data)
