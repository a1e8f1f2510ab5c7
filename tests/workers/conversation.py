"""Reading the bot's replies like a user would: which option to press next."""

from __future__ import annotations

import logging

from bot.messages import Layout, Reply, ReplyKind

logger = logging.getLogger(__name__)


def answers(reply: Reply) -> list[str]:
    """The data of every quiz answer on offer (`<user>|1.<nonce>.a.<question>:<choice>`)."""
    return [o.data for o in reply.options if ".a." in o.data]


def toggles(reply: Reply) -> list[str]:
    """On a multi-answer step: the answers that pick or unpick, not 'Done'/'Nothing else'."""
    if reply.layout is not Layout.TOGGLES:
        return []
    return [d for d in answers(reply) if not d.endswith((":+", ":-"))]


def next_press(reply: Reply) -> str | None:
    """Move the quiz on: 'Done'/'Nothing else' on a multi step, else the first answer."""
    if reply.kind is not ReplyKind.QUESTION:
        return None
    offered = answers(reply)
    finishing = [d for d in offered if d.endswith((":+", ":-"))]
    return (finishing or offered or [None])[0]
