"""Interactions -> (session key, event, origin) -> service -> Replies delivered as the core says
(send, update the pressed message in place, alert as an ephemeral message), in time.

Every interaction is acknowledged within Discord's 3-second window: when the core has not
answered within `ack_budget` seconds the interaction is deferred and answered afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import discord

from adapters.discord.components import offered_data
from adapters.discord.render import Outgoing, markdown, render
from bot.messages import (
    Command,
    CommandEvent,
    Delivery,
    Event,
    Origin,
    PressEvent,
    Reply,
    ReplyKind,
    TextEvent,
)
from bot.service import CoachService
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds; Discord drops interactions not acknowledged within 3
PLATFORM = "discord"
LOADING = "hipstep_loading"  # Interaction.extras key: a deferred "thinking…" awaits its answer

Interaction = discord.Interaction[Any]


def session_key(where: Interaction | discord.Message) -> SessionKey:
    """Per channel and member, so people in one channel never share a quiz (DMs: the DM)."""
    user = where.user if isinstance(where, discord.Interaction) else where.author
    channel = where.channel_id if isinstance(where, discord.Interaction) else where.channel.id
    return SessionKey(PLATFORM, str(channel), str(user.id))


def event_id(where: Interaction | discord.Message) -> str:
    kind = "i" if isinstance(where, discord.Interaction) else "m"
    return f"{PLATFORM}:{kind}:{where.id}"


def origin(interaction: Interaction) -> Origin:
    """In servers personal flows are ephemeral: Discord can answer one member privately."""
    return Origin(group=True, whisper=True) if interaction.guild_id is not None else Origin()


class DiscordHandlers:
    """Runs an interaction's event through the service and answers the interaction."""

    def __init__(self, service: CoachService, ack_budget: float = ACK_BUDGET) -> None:
        self.service = service
        self.ack_budget = ack_budget
        self.texts = service.texts

    # -- entry points (slash commands and components) ------------------------------------------
    async def command(self, interaction: Interaction, event: Event) -> None:
        await self._converse(interaction, event, update=False)

    async def press(self, interaction: Interaction, data: str, selected: list[str]) -> None:
        """A button or select: the data, the message's own data and any selection go to the core."""
        event = PressEvent(data, offered_data(interaction.message), tuple(selected))
        await self._converse(interaction, event, update=True)

    async def share(self, interaction: Interaction, topic_id: str) -> None:
        """Post an FAQ answer in the channel for everyone, without the presser's buttons."""
        work = self.service.handle(
            session_key(interaction),
            CommandEvent(Command.FAQ, topic_id),
            event_id(interaction),
            origin(interaction),
        )
        replies = await self._in_time(interaction, work, update=True)
        answers = [r for r in replies if r.kind is ReplyKind.FAQ_ANSWER]
        if not answers:
            await self._deliver(interaction, replies)
            return
        footer = self.texts.shared_by.format(name=interaction.user.display_name)
        for part in render(answers[0], footer=footer, with_options=False):
            await self._send(interaction, part, ephemeral=False)

    async def expired(self, interaction: Interaction) -> None:
        """A component from a format this version no longer reads."""
        await self._send(interaction, Outgoing(content=self.texts.stale_option), ephemeral=True)

    async def guarded(self, interaction: Interaction, work: Awaitable[None]) -> None:
        """Run a component's work; a failure is logged and answered, never left hanging."""
        try:
            await work
        except Exception:
            logger.exception("interaction %s failed", interaction.id)
            await self.failed(interaction)

    async def failed(self, interaction: Interaction) -> None:
        """Tell the member something went wrong (privately), if the interaction is still open."""
        if interaction.type is discord.InteractionType.autocomplete:
            return
        try:
            failed = Outgoing(content=self.texts.something_went_wrong)
            await self._send(interaction, failed, ephemeral=True)
        except discord.HTTPException as exc:
            logger.warning("could not report a failure to interaction %s: %s", interaction.id, exc)

    async def text(self, message: discord.Message, text: str) -> None:
        """Free text in a DM (or a channel, where allowed): answered with plain messages."""
        replies = await self.service.handle(
            session_key(message), TextEvent(text), event_id(message)
        )
        for reply in replies:
            for part in render(reply):
                fields: dict[str, Any] = {"content": part.content, "embeds": list(part.embeds)}
                if part.view is not None:
                    fields["view"] = part.view
                await message.channel.send(**fields)

    async def _converse(self, interaction: Interaction, event: Event, *, update: bool) -> None:
        work = self.service.handle(
            session_key(interaction), event, event_id(interaction), origin(interaction)
        )
        await self._deliver(interaction, await self._in_time(interaction, work, update=update))

    # -- timing ----------------------------------------------------------------------------------
    async def _in_time(
        self, interaction: Interaction, work: Awaitable[list[Reply]], *, update: bool
    ) -> list[Reply]:
        """Await the core; defer first if it takes longer than the acknowledgement budget."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.ack_budget)
        if not done:
            if update:
                await interaction.response.defer()
            else:
                private = interaction.guild_id is not None
                await interaction.response.defer(ephemeral=private, thinking=True)
                interaction.extras[LOADING] = True
        return await task

    # -- answering -------------------------------------------------------------------------------
    async def _deliver(self, interaction: Interaction, replies: list[Reply]) -> None:
        """Send each reply: notices privately, edits in place, the rest as new messages."""
        if not replies:
            logger.debug("interaction %s already handled; nothing to send", interaction.id)
            return
        pressed = interaction.type is discord.InteractionType.component
        private = interaction.guild_id is not None
        for reply in replies:
            if reply.delivery is Delivery.ALERT:
                await self._send(interaction, Outgoing(content=markdown(reply)), ephemeral=True)
                continue
            shareable = private and reply.kind is ReplyKind.FAQ_ANSWER
            parts = render(reply, share_label=self.texts.share_label if shareable else "")
            for index, part in enumerate(parts):
                if reply.delivery is Delivery.EDIT and pressed and index == 0:
                    await self._edit(interaction, part)
                else:
                    await self._send(interaction, part, ephemeral=private)

    async def _edit(self, interaction: Interaction, part: Outgoing) -> None:
        """Replace the message whose component was used (the quiz advancing in place)."""
        fields: dict[str, Any] = {
            "content": part.content,
            "embeds": list(part.embeds),
            "view": part.view,
        }
        if not interaction.response.is_done():
            await interaction.response.edit_message(**fields)
        else:
            await interaction.edit_original_response(**fields)

    async def _send(self, interaction: Interaction, part: Outgoing, *, ephemeral: bool) -> None:
        fields: dict[str, Any] = {"content": part.content, "embeds": list(part.embeds)}
        if part.view is not None:
            fields["view"] = part.view
        if not interaction.response.is_done():
            await interaction.response.send_message(**fields, ephemeral=ephemeral)
        elif interaction.extras.pop(LOADING, False):
            await interaction.edit_original_response(**fields)
        else:
            await interaction.followup.send(**fields, ephemeral=ephemeral)
