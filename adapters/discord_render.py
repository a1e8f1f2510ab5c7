"""Turns the core's Replies into Discord messages that fit Discord's limits.

Text goes out as message content (split at 2,000 characters); recommendations, comparisons and
FAQ answers as embeds (split over fields, embeds and messages at Discord's limits); options as
buttons (5 a row, 5 rows) or select menus (25 options) built from `discord_components`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any

import discord

from adapters.discord_components import OptionButton, OptionSelect, ShareButton
from bot.messages import Layout, Option, Reply, ReplyKind
from bot.text import split_text

logger = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_TITLE, MAX_DESCRIPTION, MAX_FOOTER = 256, 4096, 2048
MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_FIELDS = 256, 1024, 25
MAX_EMBED_CHARS, MAX_EMBEDS = 6000, 10
MAX_ROWS, ROW_WIDTH, MAX_SELECT_OPTIONS = 5, 5, 25
MAX_BUTTON_LABEL, MAX_OPTION_LABEL = 80, 100
EMBED_KINDS = {ReplyKind.RECOMMENDATION, ReplyKind.COMPARISON, ReplyKind.FAQ_ANSWER}
COLOUR = discord.Colour(0x2E8B57)
CHECK = "✓ "
PICK_ONE = "Choose one…"
PICK_ALL = "Pick all that apply…"

Item = discord.ui.Item[Any]


@dataclass(frozen=True)
class Outgoing:
    """One Discord message: content or embeds, and the components under it."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    view: discord.ui.View | None = None


def render(
    reply: Reply, *, share_label: str = "", footer: str = "", with_options: bool = True
) -> list[Outgoing]:
    """Messages for one reply, components on the last; `share_label` adds a Share button."""
    embedded = reply.kind in EMBED_KINDS and bool(reply.title or reply.fields)
    bodies = _embed_messages(reply, footer) if embedded else _text_messages(reply.text)
    view = build_view(reply, share_label) if with_options else None
    return [*bodies[:-1], replace(bodies[-1], view=view)]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_messages(text: str) -> list[Outgoing]:
    return [Outgoing(content=chunk) for chunk in split_text(text or "…", MAX_CONTENT)]


# -- embeds ----------------------------------------------------------------------------------
def embed_description(reply: Reply) -> str:
    """The reply's text without its title line and without the parts that become fields."""
    text = reply.text
    for heading, body in reply.fields:
        text = text.replace(f"**{heading}**\n{body}", "")
    lines = text.strip().splitlines()
    if lines and lines[0].replace("**", "").strip() == reply.title.strip():
        lines = lines[1:]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _embed_parts(reply: Reply) -> list[tuple[str, str]]:
    """(field name, value) pieces within the per-field limits; name "" is description text."""
    description = embed_description(reply)
    parts = (
        [("", chunk) for chunk in split_text(description, MAX_DESCRIPTION)] if description else []
    )
    for heading, body in reply.fields:
        for index, chunk in enumerate(split_text(body or "—", MAX_FIELD_VALUE)):
            name = heading if index == 0 else f"{heading} (continued)"
            parts.append((clip(name or "—", MAX_FIELD_NAME), chunk or "—"))
    return parts


def _embed_messages(reply: Reply, footer: str) -> list[Outgoing]:
    """Pack the parts into embeds (25 fields each) and messages (10 embeds, 6,000 characters)."""
    footer = clip(footer, MAX_FOOTER)
    messages: list[list[discord.Embed]] = [
        [discord.Embed(title=clip(reply.title, MAX_TITLE) or None, colour=COLOUR)]
    ]
    used = len(footer) + len(reply.title[:MAX_TITLE])
    for name, value in _embed_parts(reply):
        embed = messages[-1][-1]
        if used + len(name) + len(value) > MAX_EMBED_CHARS:
            messages.append([discord.Embed(colour=COLOUR)])
            used = len(footer)
        elif (not name and (embed.description or embed.fields)) or len(embed.fields) == MAX_FIELDS:
            if len(messages[-1]) == MAX_EMBEDS:
                messages.append([])
                used = len(footer)
            messages[-1].append(discord.Embed(colour=COLOUR))
        embed = messages[-1][-1]
        if name:
            embed.add_field(name=name, value=value, inline=False)
        else:
            embed.description = value
        used += len(name) + len(value)
    if footer:
        messages[-1][-1].set_footer(text=footer)
    return [Outgoing(embeds=tuple(embeds)) for embeds in messages]


# -- components ------------------------------------------------------------------------------
def build_view(reply: Reply, share_label: str = "") -> discord.ui.View | None:
    """Buttons or select menus for the reply's options, at most 5 rows; None when there are none."""
    rows = _option_rows(reply)
    if share_label and reply.topic_id:
        rows.append([ShareButton(share_label, reply.topic_id)])
    if len(rows) > MAX_ROWS:
        logger.warning("reply with %d component rows cut to %d", len(rows), MAX_ROWS)
        rows = rows[:MAX_ROWS]
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for item in row:
            item.row = number
            view.add_item(item)
    return view


def _option_rows(reply: Reply) -> list[list[Item]]:
    options = list(reply.options)
    if not options:
        return []
    if reply.layout is Layout.TOGGLES:
        toggles = [o for o in options if is_toggle(o)]
        rest = [o for o in options if not is_toggle(o)]
        return _select_rows(toggles, multi=True) + _button_rows(rest)
    if reply.layout is Layout.LIST and len(options) < MAX_ROWS:
        return [[_button(o)] for o in options]
    if reply.layout is Layout.LIST or len(options) > ROW_WIDTH * (MAX_ROWS - 1):
        return _select_rows(options, multi=False)
    return _button_rows(options)


def is_toggle(option: Option) -> bool:
    """A choice of a multi-answer question (not Done, None, Back or Cancel)."""
    return option.toggle


def _button(option: Option) -> Item:
    return OptionButton(clip(option.label, MAX_BUTTON_LABEL), option.data)


def _button_rows(options: list[Option]) -> list[list[Item]]:
    buttons = [_button(o) for o in options]
    return [buttons[i : i + ROW_WIDTH] for i in range(0, len(buttons), ROW_WIDTH)]


def _select_rows(options: list[Option], *, multi: bool) -> list[list[Item]]:
    rows: list[list[Item]] = []
    for index, start in enumerate(range(0, len(options), MAX_SELECT_OPTIONS)):
        chunk = options[start : start + MAX_SELECT_OPTIONS]
        choices = [
            discord.SelectOption(
                label=clip(o.label.removeprefix(CHECK), MAX_OPTION_LABEL),
                value=o.data,
                default=multi and o.picked,
            )
            for o in chunk
        ]
        menu = OptionSelect.build(
            index, choices, multi=multi, placeholder=PICK_ALL if multi else PICK_ONE
        )
        rows.append([menu])
    return rows
