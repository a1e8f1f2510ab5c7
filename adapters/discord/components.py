"""Buttons and select menus whose custom ids carry all a press needs, so they outlive restarts.

Every component is a `discord.ui.DynamicItem`: discord.py matches the custom id of any click
against these templates, even on messages sent before the process started. Formats (version
`h2`, each <= 100 characters; `<data>` is the core's packed button data, <= 64 bytes):
  h2:o:<data>    a button for one of the core's options
  h2:l:<n>       a single-choice select menu; its option values are option data
  h2:m:<data>    a multi-answer question's select; its option values are that question's answers
  h2:share:<id>  post an FAQ answer in the channel for everyone
Anything else that reaches the bot (an older format) is answered as expired, never left to
fail with "This interaction failed".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any, Protocol, cast

import discord

logger = logging.getLogger(__name__)

OPTION_ID = r"h2:o:(?P<data>[^\n]{1,90})"
LIST_ID = r"h2:l:(?P<index>\d)"
MULTI_ID = r"h2:m:(?P<select>[^\n]{1,90})"
SHARE_ID = r"h2:share:(?P<topic>[a-z0-9_]{1,80})"
OTHER_ID = rf"(?!(?:{OPTION_ID}|{LIST_ID}|{MULTI_ID}|{SHARE_ID})$).*"
_DATA_IN_ID = re.compile(r"h2:[om]:(?P<data>[^\n]{1,90})")

Interaction = discord.Interaction[Any]


class Presses(Protocol):
    """What the client does with a press; implemented by the handlers."""

    async def press(self, interaction: Interaction, data: str, selected: list[str]) -> None: ...

    async def share(self, interaction: Interaction, topic_id: str) -> None: ...

    async def expired(self, interaction: Interaction) -> None: ...

    async def guarded(self, interaction: Interaction, work: Awaitable[None]) -> None: ...


def _presses(interaction: Interaction) -> Presses:
    return cast(Presses, interaction.client.handlers)


def offered_data(message: discord.Message | None) -> tuple[str, ...] | None:
    """The core data of every component on a message: button and select data, select values."""
    if message is None:
        return None
    found: list[str] = []
    for row in message.components:
        for child in getattr(row, "children", ()):
            match = _DATA_IN_ID.fullmatch(getattr(child, "custom_id", None) or "")
            if match:
                found.append(match["data"])
            found += [str(option.value) for option in getattr(child, "options", ())]
    return tuple(found)


class OptionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=OPTION_ID):
    """A button for one offered option; pressing it sends the option back to the core."""

    def __init__(self, label: str, data: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, custom_id=f"h2:o:{data}", style=discord.ButtonStyle.secondary
        )
        super().__init__(button)
        self.data = data

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OptionButton:
        return cls(getattr(item, "label", None) or "option", match["data"])

    async def callback(self, interaction: Interaction) -> None:
        presses = _presses(interaction)
        await presses.guarded(interaction, presses.press(interaction, self.data, []))


class OptionSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=LIST_ID):
    """A select menu of options: the picked option's data is the press."""

    @classmethod
    def build(cls, index: int, options: list[discord.SelectOption], placeholder: str) -> Any:
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"h2:l:{index}", options=options, placeholder=placeholder
        )
        return cls(menu)

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OptionSelect:
        return cls(cast(discord.ui.Select[Any], item))

    async def callback(self, interaction: Interaction) -> None:
        presses, chosen = _presses(interaction), [str(v) for v in self.item.values]
        await presses.guarded(interaction, presses.press(interaction, chosen[0], []))


class AnswersSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=MULTI_ID):
    """A multi-answer question as one select: the whole selection goes to the core at once."""

    def __init__(self, menu: discord.ui.Select[Any], data: str) -> None:
        super().__init__(menu)
        self.data = data

    @classmethod
    def build(cls, data: str, options: list[discord.SelectOption], placeholder: str) -> Any:
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"h2:m:{data}",
            options=options,
            placeholder=placeholder,
            min_values=0,
            max_values=len(options),
        )
        return cls(menu, data)

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswersSelect:
        return cls(cast(discord.ui.Select[Any], item), match["select"])

    async def callback(self, interaction: Interaction) -> None:
        presses, chosen = _presses(interaction), [str(v) for v in self.item.values]
        await presses.guarded(interaction, presses.press(interaction, self.data, chosen))


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SHARE_ID):
    """Posts an FAQ answer in the channel for everyone, from the presser's private reply."""

    def __init__(self, label: str, topic_id: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, custom_id=f"h2:share:{topic_id}", style=discord.ButtonStyle.primary
        )
        super().__init__(button)
        self.topic_id = topic_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        return cls(getattr(item, "label", None) or "share", match["topic"])

    async def callback(self, interaction: Interaction) -> None:
        presses = _presses(interaction)
        await presses.guarded(interaction, presses.share(interaction, self.topic_id))


class ExpiredItem(discord.ui.DynamicItem[discord.ui.Item[Any]], template=OTHER_ID):
    """Any component in a format this version does not know: answered, never left to fail."""

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ExpiredItem:
        return cls(item)

    async def callback(self, interaction: Interaction) -> None:
        presses = _presses(interaction)
        await presses.guarded(interaction, presses.expired(interaction))


DYNAMIC_ITEMS = (OptionButton, OptionSelect, AnswersSelect, ShareButton, ExpiredItem)
