"""The bridge between interactions and the core: who is asking (session key), which event, and
how the replies go back (reply, update in place, ephemeral notice, follow-ups) in time.

Every interaction is acknowledged within Discord's 3-second window: when the core has not
answered within `ack_budget` seconds the interaction is deferred and answered afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import discord

from adapters.discord_render import Outgoing, render
from bot.messages import Command, Event, Reply, ReplyKind
from bot.service import CoachService
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds; Discord drops interactions not acknowledged within 3
PLATFORM = "discord"
LOADING = "hipstep_loading"  # Interaction.extras key: a deferred "thinking…" awaits its answer

Interaction = discord.Interaction[Any]


def session_key(interaction: Interaction) -> SessionKey:
    """Per channel and member, so people in one channel never share a quiz (DMs: the DM)."""
    return SessionKey(PLATFORM, str(interaction.channel_id), str(interaction.user.id))


def event_id(interaction: Interaction, part: int = 0) -> str:
    return f"discord:{interaction.id}" + (f":{part}" if part else "")


def is_private(interaction: Interaction) -> bool:
    """In guild channels personal flows are visible only to the member (ephemeral)."""
    return interaction.guild_id is not None


class Bridge:
    """Runs an interaction's event through the service and answers the interaction."""

    def __init__(self, service: CoachService, ack_budget: float = ACK_BUDGET) -> None:
        self.service = service
        self.ack_budget = ack_budget
        self.texts = service.engine.content.texts

    # -- entry points (slash commands and components) ------------------------------------------
    async def command(self, interaction: Interaction, event: Event) -> None:
        work = self.service.handle(session_key(interaction), event, event_id(interaction))
        await self._deliver(interaction, await self._in_time(interaction, work, update=False))

    async def press(self, interaction: Interaction, data: str) -> None:
        """A button or single select: the option's data goes back to the core verbatim."""
        work = self.service.handle(
            session_key(interaction), Event.choice(data), event_id(interaction)
        )
        await self._deliver(interaction, await self._in_time(interaction, work, update=True))

    async def toggle(
        self, interaction: Interaction, offered: list[str], shown: list[str], chosen: list[str]
    ) -> None:
        """A multi-select: each option whose state changed is one toggle, in menu order."""
        changed = [value for value in offered if (value in chosen) != (value in shown)]
        if not changed:
            await interaction.response.defer()
            return
        work = self._toggle_each(interaction, changed)
        await self._deliver(interaction, await self._in_time(interaction, work, update=True))

    async def share(self, interaction: Interaction, topic_id: str) -> None:
        """Post an FAQ answer in the channel for everyone, without the presser's buttons."""
        work = self.service.handle(
            session_key(interaction), Event.command(Command.FAQ, topic_id), event_id(interaction)
        )
        replies = await self._in_time(interaction, work, update=True)
        answers = [r for r in replies if r.kind is ReplyKind.FAQ_ANSWER]
        if not answers:
            await self._deliver(interaction, replies)
            return
        footer = f"Shared by {interaction.user.display_name}"
        for part in render(answers[0], footer=footer, with_options=False):
            await self._send(interaction, part, ephemeral=False)

    async def expired(self, interaction: Interaction) -> None:
        """A component from a format this version no longer reads."""
        text = self.service.engine.content.texts.stale_option
        await self._send(interaction, Outgoing(content=text), ephemeral=True)

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
        key = SessionKey(PLATFORM, str(message.channel.id), str(message.author.id))
        replies = await self.service.handle(key, Event.text(text), f"discord:message:{message.id}")
        for reply in replies:
            for part in render(reply):
                fields: dict[str, Any] = {"content": part.content, "embeds": list(part.embeds)}
                if part.view is not None:
                    fields["view"] = part.view
                await message.channel.send(**fields)

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
                await interaction.response.defer(ephemeral=is_private(interaction), thinking=True)
                interaction.extras[LOADING] = True
        return await task

    async def _toggle_each(self, interaction: Interaction, changed: list[str]) -> list[Reply]:
        replies: list[Reply] = []
        for part, data in enumerate(changed):
            replies = await self.service.handle(
                session_key(interaction), Event.choice(data), event_id(interaction, part)
            )
            if not replies or replies[0].kind is ReplyKind.NOTICE:
                break
        return replies

    # -- answering -------------------------------------------------------------------------------
    async def _deliver(self, interaction: Interaction, replies: list[Reply]) -> None:
        """Send each reply: notices privately, edits in place, the rest as new messages."""
        if not replies:
            logger.debug("interaction %s already handled; nothing to send", interaction.id)
            return
        pressed = interaction.type is discord.InteractionType.component
        private = is_private(interaction)
        for reply in replies:
            if reply.kind is ReplyKind.NOTICE and pressed:
                await self._send(interaction, Outgoing(content=reply.text), ephemeral=True)
                continue
            shareable = private and reply.kind is ReplyKind.FAQ_ANSWER
            parts = render(reply, share_label=self.texts.share_label if shareable else "")
            for index, part in enumerate(parts):
                if reply.edit and pressed and index == 0:
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
