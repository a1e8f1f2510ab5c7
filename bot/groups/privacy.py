"""Health answers stay private: in a group that cannot whisper, personal replies become a note."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.content import Content
from bot.messages import Delivery, Option, Origin, Reply, ReplyKind, Section, rich

logger = logging.getLogger(__name__)

PRIVATE_PAYLOAD = "quiz"  # the deep link the note offers: the quiz, from the start, privately


def keep_private(content: Content, out: list[Reply], origin: Origin) -> tuple[list[Reply], bool]:
    """Replies with their private ones replaced by one note linking to a private chat (where the
    group is public); True when anything was moved, so the group's flow can stop there."""
    if not origin.group or origin.whisper or not any(r.private for r in out):
        return out, False
    first = next(r for r in out if r.private)
    texts = content.texts.coach
    note = Reply(
        ReplyKind.MESSAGE,
        sections=(Section(body=rich(texts.private_note)),),
        options=(Option(texts.open_privately_label, link=PRIVATE_PAYLOAD),),
        delivery=first.delivery,
    )
    return [note if r is first else r for r in out if r is first or not r.private], True


def shared_press(out: list[Reply]) -> list[Reply]:
    """Presses on a shared post never change the post: what would edit it is sent anew."""
    return [replace(r, delivery=Delivery.SEND) if r.delivery is Delivery.EDIT else r for r in out]
