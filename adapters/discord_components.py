"""Buttons and select menus whose custom ids carry all a press needs, so they outlive restarts.

Every component is a `discord.ui.DynamicItem`: discord.py matches the custom id of any click
against these templates, even on messages sent before the process started. Formats (version
`hs1`, each <= 100 characters):
  hs1:o:<option data>   a button for one of the core's options (data <= 64 bytes, owner-stamped)
  hs1:s:<n>             a select menu; its option values are option data
  hs1:share:<topic id>  post an FAQ answer in the channel for everyone
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

OPTION_ID = r"hs1:o:(?P<data>[^\n]{1,90})"
SELECT_ID = r"hs1:s:(?P<index>\d)"
SHARE_ID = r"hs1:share:(?P<topic>[^:\n]{1,80})"
OTHER_ID = rf"(?!(?:{OPTION_ID}|{SELECT_ID}|{SHARE_ID})$).*"

Interaction = discord.Interaction[Any]


class Presses(Protocol):
    """What the client does with a press; implemented by the bridge to the core."""

    async def press(self, interaction: Interaction, data: str) -> None: ...

    async def toggle(
        self, interaction: Interaction, offered: list[str], shown: list[str], chosen: list[str]
    ) -> None: ...

    async def share(self, interaction: Interaction, topic_id: str) -> None: ...

    async def expired(self, interaction: Interaction) -> None: ...

    async def guarded(self, interaction: Interaction, work: Awaitable[None]) -> None: ...


def _presses(interaction: Interaction) -> Presses:
    return cast(Presses, interaction.client.bridge)


class OptionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=OPTION_ID):
    """A button for one offered option; pressing it sends the option back to the core."""

    def __init__(self, label: str, data: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, custom_id=f"hs1:o:{data}", style=discord.ButtonStyle.secondary
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
        await presses.guarded(interaction, presses.press(interaction, self.data))


class OptionSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_ID):
    """A select menu of options: one pick is a press; a multi-select toggles what changed."""

    def __init__(self, menu: discord.ui.Select[Any]) -> None:
        super().__init__(menu)

    @classmethod
    def build(
        cls, index: int, options: list[discord.SelectOption], *, multi: bool, placeholder: str
    ) -> OptionSelect:
        menu: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"hs1:s:{index}",
            options=options,
            placeholder=placeholder,
            min_values=0 if multi else 1,
            max_values=len(options) if multi else 1,
        )
        return cls(menu)

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OptionSelect:
        return cls(cast(discord.ui.Select[Any], item))

    async def callback(self, interaction: Interaction) -> None:
        menu, presses = self.item, _presses(interaction)
        chosen = [str(v) for v in menu.values]
        if menu.max_values == 1 and menu.min_values == 1:
            await presses.guarded(interaction, presses.press(interaction, chosen[0]))
            return
        offered = [o.value for o in menu.options]
        shown = [o.value for o in menu.options if o.default]
        await presses.guarded(interaction, presses.toggle(interaction, offered, shown, chosen))


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=SHARE_ID):
    """Posts an FAQ answer in the channel for everyone, from the presser's private reply."""

    def __init__(self, label: str, topic_id: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, custom_id=f"hs1:share:{topic_id}", style=discord.ButtonStyle.primary
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


DYNAMIC_ITEMS = (OptionButton, OptionSelect, ShareButton, ExpiredItem)
