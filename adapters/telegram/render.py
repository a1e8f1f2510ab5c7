"""Reply -> Telegram HTML parts and an inline keyboard; every string is escaped before markup."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from telegram.constants import CallbackQueryLimit, InlineKeyboardButtonLimit, MessageLimit

from bot.messages import Layout, Option, Reply, Span
from bot.text import pack_blocks, plain_text, render_blocks

logger = logging.getLogger(__name__)

CHUNK = MessageLimit.MAX_TEXT_LENGTH - 96  # room for a safety margin under Telegram's 4096
ALERT = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
MAX_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
PAIR_LABEL = 20  # BUTTONS labels up to this long sit two to a row
CHECK = "✓ "  # Telegram has no check boxes: a picked toggle shows a mark


JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rendered:
    """One reply as Telegram messages: HTML parts in order; the keyboard goes on the last.

    The keyboard is the Bot API's JSON (what PTB's InlineKeyboardMarkup.to_dict gives), built
    directly: replies go out raw (bot_api.py) and never need PTB's objects."""

    parts: tuple[str, ...]
    markup: JsonDict | None


def html_span(span: Span) -> str:
    escaped = html.escape(span.text, quote=False)
    return f"<b>{escaped}</b>" if span.strong else escaped


def html_heading(text: str) -> str:
    return f"<b>{html.escape(text, quote=False)}</b>"


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def alert_text(reply: Reply) -> str:
    """A notice as a callback alert (plain text, at most 200 characters)."""
    flat = plain_text(reply)
    return flat if len(flat) <= ALERT else flat[: ALERT - 1] + "…"


def keyboard(reply: Reply, bot_username: str) -> JsonDict | None:
    """Options as buttons: short BUTTONS in pairs, LIST and TOGGLES one per row; links as URLs."""
    buttons = [b for b in (_button(o, bot_username) for o in reply.options) if b is not None]
    pairable = reply.layout is Layout.BUTTONS and all(len(b["text"]) <= PAIR_LABEL for b in buttons)
    step = 2 if pairable else 1
    rows = [buttons[i : i + step] for i in range(0, len(buttons), step)]
    return {"inline_keyboard": rows} if rows else None


def render(reply: Reply, bot_username: str) -> Rendered:
    blocks = render_blocks(reply, html_span, html_heading)
    parts = pack_blocks(blocks, CHUNK, utf16_length)
    return Rendered(tuple(parts), keyboard(reply, bot_username))


def _button(option: Option, bot_username: str) -> JsonDict | None:
    if option.link:
        payload = "" if option.link == "start" else f"?start={option.link}"
        return {"text": option.label, "url": f"https://t.me/{bot_username}{payload}"}
    if not 0 < len(option.data.encode()) <= MAX_DATA:
        logger.error("dropped a button whose data is %d bytes", len(option.data.encode()))
        return None
    label = CHECK + option.label if option.toggle and option.picked else option.label
    return {"callback_data": option.data, "text": label}  # in to_dict's order
