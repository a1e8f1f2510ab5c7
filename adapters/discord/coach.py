"""Discord: the coach's tools in a server. Members with Manage Server (or DISCORD_COACH_ROLE)
coach; their slash commands are registered so Discord shows them to such members only. Poll
taps and channel text come through CoachedHandlers, the core handlers with group rules added."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import tasks

from adapters.discord.handlers import (
    PLATFORM,
    DiscordHandlers,
    Interaction,
    event_id,
    session_key,
)
from adapters.discord.render import Outgoing, markdown, render
from bot.groups.commands import CoachCommand
from bot.groups.records import GroupKey
from bot.groups.service import GroupService
from bot.messages import Origin, Reply, TextEvent
from bot.service import CoachService

logger = logging.getLogger(__name__)

CHECKIN_TICK = 60.0  # seconds between looks for due check-ins
COACH_PERMISSIONS = discord.Permissions(manage_guild=True)
IN_CHANNEL_TEXT = Origin(group=True)  # a channel message can't be answered privately in place


def is_coach(interaction: Interaction, coach_role: str | None) -> bool:
    """Manage Server, or the coach role (by name or id); never in DMs."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild:
        return True
    wanted = (coach_role or "").strip()
    return bool(wanted) and any(wanted in (role.name, str(role.id)) for role in member.roles)


def fields(part: Outgoing) -> dict[str, Any]:
    out: dict[str, Any] = {"content": part.content, "embeds": list(part.embeds)}
    if part.view is not None:
        out["view"] = part.view
    return out


class CoachedHandlers(DiscordHandlers):
    """The core's handlers plus the group's: coach commands, poll taps, quiet channel text."""

    def __init__(
        self, service: CoachService, groups: GroupService, coach_role: str | None, **options: Any
    ) -> None:
        super().__init__(service, **options)
        self.groups = groups
        self.coach_role = coach_role
        self.client: discord.Client | None = None
        self.checkins = tasks.loop(seconds=CHECKIN_TICK)(self._tick)

    # -- coach commands ------------------------------------------------------------------------
    async def coach_command(
        self, interaction: Interaction, name: CoachCommand, argument: str
    ) -> None:
        """Coaches only; the post, poll and plan are public, everything else is ephemeral."""
        if not is_coach(interaction, self.coach_role):
            await self._say(interaction, self.groups.not_coach(), public=False)
            return
        group = GroupKey(PLATFORM, str(interaction.channel_id))
        match name:
            case CoachCommand.POST:
                await self._say(interaction, self.groups.post(argument), public=True)
            case CoachCommand.GROUPQUIZ:
                poll, opened = await self.groups.open_poll(group, argument)
                sent = await self._say(interaction, poll, public=opened)
                if opened and sent is not None:
                    await self.groups.attach(group, str(sent))
            case CoachCommand.GROUPRESULTS:
                await self._close(interaction, group, None)
            case CoachCommand.UNANSWERED:
                await self._say(interaction, await self.groups.unanswered(group), public=False)
            case CoachCommand.CHECKIN:
                reply = await self.groups.set_checkin(group, argument)
                await self._say(interaction, reply, public=False)

    async def _say(self, interaction: Interaction, reply: Reply, *, public: bool) -> int | None:
        """Answer the interaction with one reply; the id of the message it made, when known."""
        first, sent = True, None
        for part in render(reply):
            if first:
                response = await interaction.response.send_message(
                    **fields(part), ephemeral=not public
                )
                sent = response.message_id
                first = False
            else:
                await interaction.followup.send(**fields(part), ephemeral=not public)
        return sent

    async def _close(self, interaction: Interaction, group: GroupKey, raw: str | None) -> None:
        """Post the plan once, publicly; the poll message keeps its tally and loses its buttons."""
        replies, closed = await self.groups.close_poll(group, raw)
        if closed is None:
            await self._say(interaction, replies[0], public=False)
            return
        final = render(self.groups.poll_view(closed))[0]
        if raw is not None:  # the Close button: update the poll in place, then the plan
            await interaction.response.edit_message(**fields(final) | {"view": None})
            for part in render(replies[0]):
                await interaction.followup.send(**fields(part))
            return
        await self._say(interaction, replies[0], public=True)
        if closed.message and interaction.channel is not None:
            poll = interaction.channel.get_partial_message(int(closed.message))  # type: ignore[union-attr]
            try:
                await poll.edit(**fields(final) | {"view": None})
            except discord.HTTPException as exc:
                logger.info("poll message %s not updated: %s", closed.message, exc)

    # -- poll taps -----------------------------------------------------------------------------
    async def press(self, interaction: Interaction, data: str, selected: list[str]) -> None:
        """Votes and Close go to the group; every other press to the core as before."""
        if not GroupService.is_group_press(data):
            await super().press(interaction, data, selected)
            return
        group = GroupKey(PLATFORM, str(interaction.channel_id))
        if GroupService.is_close(data):
            if not is_coach(interaction, self.coach_role):
                await self._say(interaction, self.groups.not_coach(), public=False)
                return
            await self._close(interaction, group, data)
            return
        confirmation, poll = await self.groups.vote(
            group, str(interaction.user.id), data, interaction.user.display_name
        )
        if poll is None:
            await self._say(interaction, confirmation, public=False)
            return
        latest = await self.groups.poll(group) or poll  # the newest tally, votes of others too
        view = render(self.groups.poll_view(latest))[0]
        await interaction.response.edit_message(**fields(view))
        await interaction.followup.send(markdown(confirmation), ephemeral=True)

    # -- channel text --------------------------------------------------------------------------
    async def text(self, message: discord.Message, text: str) -> None:
        """In a server: only messages that mention the bot or reply to it are answered; what
        the bot can't answer there is counted for the coach, and nothing is said in public."""
        if message.guild is None and getattr(message.channel, "guild_id", None) is None:
            await super().text(message, text)
            return
        if not self._addressed(message):
            return
        event = TextEvent(text)
        replies = await self.service.handle(
            session_key(message), event, event_id(message), IN_CHANNEL_TEXT
        )
        if self.groups.declined(replies):
            await self.groups.note_declined(GroupKey(PLATFORM, str(message.channel.id)), event)
            return
        for reply in replies:
            for part in render(reply):
                await message.channel.send(
                    **fields(part), reference=message.to_reference(fail_if_not_exists=False)
                )

    def _addressed(self, message: discord.Message) -> bool:
        me = self.client.user if self.client is not None else None
        if me is None:
            return False
        if me.id in {m.id for m in message.mentions}:
            return True
        replied = message.reference.resolved if message.reference is not None else None
        return isinstance(replied, discord.Message) and replied.author.id == me.id

    # -- weekly check-in -----------------------------------------------------------------------
    def attach(self, client: discord.Client) -> None:
        """From setup_hook: the client to post with and to know the bot's own id."""
        self.client = client

    def start_checkins(self) -> None:
        """From on_ready (which fires again after a reconnect): the check-in loop, once."""
        if not self.checkins.is_running():
            self.checkins.start()

    async def _tick(self) -> None:
        if self.client is not None:
            await self.post_checkins(self.client)

    async def post_checkins(self, client: discord.Client, now: datetime | None = None) -> int:
        posted = 0
        for channel in await self.groups.due_checkins(PLATFORM, now):
            target = client.get_partial_messageable(int(channel))
            try:
                for part in render(self.groups.checkin_post()):
                    await target.send(**fields(part))
                posted += 1
            except discord.HTTPException as exc:
                logger.warning("check-in for %s not posted: %s", channel, exc)
        return posted


def add_coach_commands(tree: app_commands.CommandTree[Any], groups_texts: dict[str, str]) -> None:
    """The coach commands: server-only, shown by default to members with Manage Server."""
    describe = groups_texts

    async def run(interaction: Interaction, name: CoachCommand, argument: str = "") -> None:
        handlers = interaction.client.handlers
        if not isinstance(handlers, CoachedHandlers):
            raise RuntimeError("this client has no coach handlers")
        await handlers.coach_command(interaction, name, argument)

    @app_commands.command(name="post", description=describe["post"])
    async def post(interaction: Interaction, kind: Literal["quiz", "faq", "compare"]) -> None:
        await run(interaction, CoachCommand.POST, kind)

    @app_commands.command(name="groupquiz", description=describe["groupquiz"])
    async def groupquiz(interaction: Interaction, show_names: bool = False) -> None:
        await run(interaction, CoachCommand.GROUPQUIZ, "names" if show_names else "")

    @app_commands.command(name="groupresults", description=describe["groupresults"])
    async def groupresults(interaction: Interaction) -> None:
        await run(interaction, CoachCommand.GROUPRESULTS)

    @app_commands.command(name="unanswered", description=describe["unanswered"])
    async def unanswered(interaction: Interaction) -> None:
        await run(interaction, CoachCommand.UNANSWERED)

    @app_commands.command(name="checkin", description=describe["checkin"])
    async def checkin(interaction: Interaction, schedule: app_commands.Range[str, 2, 80]) -> None:
        await run(interaction, CoachCommand.CHECKIN, schedule)

    commands: tuple[app_commands.Command[Any, Any, None], ...] = (
        post,
        groupquiz,
        groupresults,
        unanswered,
        checkin,
    )
    for command in commands:
        command.default_permissions = COACH_PERMISSIONS
        command.guild_only = True
        tree.add_command(command)


def build_handlers(
    service: CoachService, coach_role: str | None, retention: float, **options: Any
) -> CoachedHandlers:
    groups = GroupService(service.engine, service.store, retention)
    return CoachedHandlers(service, groups, coach_role, **options)
