"""Reading the bot's replies like a user would: which option to press next."""

from __future__ import annotations

import logging

from bot.buttons import Action, ButtonData
from bot.messages import Layout, Reply, ReplyKind

logger = logging.getLogger(__name__)


def _action(data: str) -> Action:
    return ButtonData.unpack(data).action


def answers(reply: Reply) -> list[str]:
    """The data of every quiz answer on offer."""
    return [o.data for o in reply.options if o.data and _action(o.data) is Action.ANSWER]


def toggles(reply: Reply) -> list[str]:
    """On a multi-answer step: the answers that pick or unpick, not 'Done'/'Nothing else'."""
    return answers(reply) if reply.layout is Layout.TOGGLES else []


def next_press(reply: Reply) -> str | None:
    """Move the quiz on: 'Done'/'Nothing else' on a multi step, else the first answer."""
    if reply.kind is not ReplyKind.QUESTION:
        return None
    finishing = [
        o.data for o in reply.options if o.data and _action(o.data) in (Action.DONE, Action.NONE)
    ]
    return (finishing or answers(reply) or [None])[0]
