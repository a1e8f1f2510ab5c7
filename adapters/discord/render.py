"""Turns the core's Replies into Discord messages that fit Discord's limits.

Text goes out as message content (split at 2,000 characters); recommendations, comparisons and
FAQ answers as embeds (sections with a heading become fields; split over fields, embeds and
messages at Discord's limits); options as buttons (5 a row, 5 rows) or select menus (25 options)
built from `components`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import discord

from adapters.discord.components import AnswersSelect, OptionButton, OptionSelect, ShareButton
from bot.messages import Layout, Option, Reply, ReplyKind, Section, Span
from bot.text import pack_blocks, render_blocks, split_text

logger = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_TITLE, MAX_DESCRIPTION, MAX_FOOTER = 256, 4096, 2048
MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_FIELDS = 256, 1024, 25
MAX_EMBED_CHARS, MAX_EMBEDS = 6000, 10
MAX_ROWS, ROW_WIDTH, MAX_SELECT_OPTIONS = 5, 5, 25
MAX_BUTTON_LABEL, MAX_OPTION_LABEL = 80, 100
EMBED_KINDS = {ReplyKind.RECOMMENDATION, ReplyKind.COMPARISON, ReplyKind.FAQ_ANSWER}
COLOUR = discord.Colour(0x2E8B57)

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
    embedded = reply.kind in EMBED_KINDS and bool(reply.title)
    bodies = _embed_messages(reply, footer) if embedded else _text_messages(reply)
    view = build_view(reply, share_label) if with_options else None
    return [*bodies[:-1], replace(bodies[-1], view=view)]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def markdown_span(span: Span) -> str:
    escaped = discord.utils.escape_markdown(span.text)
    return f"**{escaped}**" if span.strong else escaped


def markdown_heading(text: str) -> str:
    return f"**{discord.utils.escape_markdown(text)}**"


def markdown(reply: Reply) -> str:
    """The whole reply as Discord markdown (alerts, DM text)."""
    return "\n\n".join(render_blocks(reply, markdown_span, markdown_heading))


def _text_messages(reply: Reply) -> list[Outgoing]:
    blocks = render_blocks(reply, markdown_span, markdown_heading) or ["…"]
    return [Outgoing(content=chunk) for chunk in pack_blocks(blocks, MAX_CONTENT)]


# -- embeds ----------------------------------------------------------------------------------
def _section_text(section: Section) -> str:
    """A section's body and bullet items as markdown (its heading becomes the field name)."""
    bare = Section(body=section.body, items=section.items)
    return "\n".join(render_blocks(Reply(ReplyKind.MESSAGE, sections=(bare,)), markdown_span, str))


def _embed_parts(reply: Reply) -> list[tuple[str, str]]:
    """(field name, value) pieces within the per-field limits; name "" is description text."""
    parts: list[tuple[str, str]] = []
    description = "\n\n".join(_section_text(s) for s in reply.sections if not s.heading)
    sections_before_fields = [s for s in reply.sections if not s.heading]
    if sections_before_fields:
        parts += [("", chunk) for chunk in split_text(description, MAX_DESCRIPTION)]
    for section in reply.sections:
        if not section.heading:
            continue
        body = _section_text(section)
        for index, chunk in enumerate(split_text(body or "—", MAX_FIELD_VALUE)):
            name = section.heading if index == 0 else f"{section.heading} (…)"
            parts.append((clip(name, MAX_FIELD_NAME), chunk or "—"))
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
    options = [o for o in reply.options if o.data]  # deep links: ephemeral replies instead
    if not options:
        return []
    if reply.layout is Layout.TOGGLES:
        toggles = [o for o in options if o.toggle]
        rest = [o for o in options if not o.toggle]
        return _select_rows(toggles, reply, multi=True) + _button_rows(rest)
    if reply.layout is Layout.LIST and len(options) < MAX_ROWS:
        return [[_button(o)] for o in options]
    if reply.layout is Layout.LIST or len(options) > ROW_WIDTH * (MAX_ROWS - 1):
        return _select_rows(options, reply, multi=False)
    return _button_rows(options)


def _button(option: Option) -> Item:
    return OptionButton(clip(option.label, MAX_BUTTON_LABEL), option.data)


def _button_rows(options: list[Option]) -> list[list[Item]]:
    buttons = [_button(o) for o in options]
    return [buttons[i : i + ROW_WIDTH] for i in range(0, len(buttons), ROW_WIDTH)]


def _select_rows(options: list[Option], reply: Reply, *, multi: bool) -> list[list[Item]]:
    """Select menus of at most 25 options; a multi-answer question's toggles form one menu."""
    rows: list[list[Item]] = []
    hint = clip(reply.select_hint, 150)
    for index, start in enumerate(range(0, len(options), MAX_SELECT_OPTIONS)):
        chunk = options[start : start + MAX_SELECT_OPTIONS]
        choices = [
            discord.SelectOption(
                label=clip(o.label, MAX_OPTION_LABEL), value=o.data, default=multi and o.picked
            )
            for o in chunk
        ]
        if multi:
            rows.append([AnswersSelect.build(reply.select_data, choices, hint)])
        else:
            rows.append([OptionSelect.build(index, choices, hint)])
    return rows
