"""Reply -> Telegram HTML chunks and an inline keyboard; all text is escaped before markup."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import CallbackQueryLimit, InlineKeyboardButtonLimit, MessageLimit

from bot.messages import Layout, Reply
from bot.text import split_text

logger = logging.getLogger(__name__)

CHUNK = MessageLimit.MAX_TEXT_LENGTH - 96  # room for a safety margin under Telegram's 4096
ALERT = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH
MAX_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
PAIR_LABEL = 20  # BUTTONS labels up to this long sit two to a row

_BOLD = re.compile(r"\*\*(.+?)\*\*")

Row = Sequence[InlineKeyboardButton]


@dataclass(frozen=True, slots=True)
class Rendered:
    """One reply as Telegram messages: HTML parts in order; the keyboard goes on the last."""

    parts: tuple[str, ...]
    markup: InlineKeyboardMarkup | None


def to_html(text: str) -> str:
    """Escape everything (names, questions, content with '<' or '&'), then turn **x** into bold."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def plain(text: str) -> str:
    """Text without markup, for alerts and toasts (which Telegram shows unformatted)."""
    return _BOLD.sub(r"\1", text)


def alert_text(text: str) -> str:
    flat = plain(text)
    return flat if len(flat) <= ALERT else flat[: ALERT - 1] + "…"


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_for_telegram(text: str, limit: int = CHUNK) -> list[str]:
    """Split light-markup text into parts each under the limit once rendered (UTF-16 counted)."""
    parts = split_text(text, limit)
    if limit > 1 and any(utf16_length(plain(p)) > limit for p in parts):
        return split_for_telegram(text, limit // 2)
    return parts


def keyboard(reply: Reply, extra_rows: Sequence[Row] = ()) -> InlineKeyboardMarkup | None:
    """Options as callback buttons: short BUTTONS in pairs, LIST and TOGGLES one per row."""
    buttons = [
        InlineKeyboardButton(o.label, callback_data=o.data) for o in reply.options if _fits(o.data)
    ]
    rows: list[Row] = []
    pairable = reply.layout is Layout.BUTTONS and all(len(b.text) <= PAIR_LABEL for b in buttons)
    step = 2 if pairable else 1
    rows.extend(buttons[i : i + step] for i in range(0, len(buttons), step))
    rows.extend(extra_rows)
    return InlineKeyboardMarkup(rows) if rows else None


def render(reply: Reply, extra_rows: Sequence[Row] = ()) -> Rendered:
    parts = tuple(to_html(part) for part in split_for_telegram(reply.text))
    return Rendered(parts, keyboard(reply, extra_rows))


def _fits(data: str) -> bool:
    if 0 < len(data.encode()) <= MAX_DATA:
        return True
    logger.error("dropped a button whose data is %d bytes (Telegram allows 1-64)", len(data))
    return False
