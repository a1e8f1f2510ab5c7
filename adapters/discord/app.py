"""The Discord adapter: a discord.py client with slash commands and persistent components.

Wiring only: intents, the command tree, command sync, `serve` for `hipstep run` and
`sync_commands` for `hipstep discord-sync`. handlers.py translates interactions into events and
delivers the core's replies; render.py and components.py build the messages.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.coach import CoachedHandlers, add_coach_commands, build_handlers
from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.handlers import ACK_BUDGET, DiscordHandlers
from adapters.discord.render import MAX_OPTION_LABEL, clip
from bot.content import Texts, load_content
from bot.messages import Command, CommandEvent
from bot.service import CoachService
from bot.settings import Settings

logger = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit for autocomplete results
MAX_QUESTION = 300

# slash commands that take no argument; descriptions come from content (texts.commands)
SIMPLE_COMMANDS = (
    Command.QUIZ,
    Command.COMPARE,
    Command.HELP,
    Command.BACK,
    Command.CANCEL,
    Command.FORGET,
)


class CoachClient(discord.Client):
    """A client holding the command tree and the handlers (None when it only syncs commands)."""

    def __init__(
        self,
        settings: Settings,
        handlers: DiscordHandlers | None,
        texts: Texts,
        *,
        sync_on_start: bool,
    ) -> None:
        super().__init__(
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_id=settings.discord_shard_id,
            shard_count=settings.discord_shard_count,
        )
        self.settings = settings
        self.handlers = handlers
        self.sync_on_start = sync_on_start
        self.tree = CoachTree(self)
        add_commands(self.tree, texts)
        add_coach_commands(self.tree, texts.coach.commands)

    async def setup_hook(self) -> None:
        """Components are dynamic items: presses on messages from earlier runs still arrive."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if isinstance(self.handlers, CoachedHandlers):
            self.handlers.attach(self)
        if self.sync_on_start:
            await sync_tree(self)

    async def on_ready(self) -> None:
        if isinstance(self.handlers, CoachedHandlers):
            self.handlers.start_checkins()

    async def on_message(self, message: discord.Message) -> None:
        """Free text: in DMs and when mentioned; in any channel only if DISCORD_FREE_TEXT."""
        if message.author.bot or self.handlers is None or self.user is None:
            return
        mentioned = self.user in message.mentions
        if in_guild(message) and not (mentioned or self.settings.discord_free_text):
            return
        text = message.content.replace(self.user.mention, "").replace(f"<@!{self.user.id}>", "")
        await self.handlers.text(message, text.strip())


class CoachTree(app_commands.CommandTree[CoachClient]):
    """The command tree; its error handler answers the member instead of failing silently."""

    async def on_error(
        self, interaction: discord.Interaction[CoachClient], error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.name if interaction.command else "?"
        logger.error("/%s failed", name, exc_info=error)
        if interaction.client.handlers is not None:
            await interaction.client.handlers.failed(interaction)


def in_guild(message: discord.Message) -> bool:
    """A server channel, even when the server is not in the cache yet (only its id is known)."""
    return message.guild is not None or getattr(message.channel, "guild_id", None) is not None


def intents_for(settings: Settings) -> discord.Intents:
    """The least the bot needs; the privileged message-content intent only for channel text."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True
    if settings.discord_free_text:
        intents.guild_messages = True
        intents.message_content = True
    return intents


def _handlers(interaction: discord.Interaction[CoachClient]) -> DiscordHandlers:
    handlers = interaction.client.handlers
    if handlers is None:
        raise RuntimeError("this client only syncs commands")
    return handlers


def add_commands(tree: CoachTree, texts: Texts) -> None:
    """Register the slash commands; each turns into one Event for the core."""
    for command in SIMPLE_COMMANDS:
        tree.add_command(_simple_command(command, texts.commands[command]))

    @tree.command(name="faq", description=texts.commands[Command.FAQ])
    @app_commands.describe(topic=texts.faq_topic_hint)
    async def faq(
        interaction: discord.Interaction[CoachClient],
        topic: app_commands.Range[str, 1, MAX_QUESTION] | None = None,
    ) -> None:
        await _handlers(interaction).command(interaction, CommandEvent(Command.FAQ, topic or ""))

    @faq.autocomplete("topic")
    async def faq_topics(
        interaction: discord.Interaction[CoachClient], current: str
    ) -> list[app_commands.Choice[str]]:
        found = _handlers(interaction).service.search_topics(current, MAX_CHOICES)
        return [
            app_commands.Choice(name=clip(question, MAX_OPTION_LABEL), value=topic_id)
            for topic_id, question, _score in found
        ]

    @tree.command(name="ask", description=texts.commands[Command.ASK])
    @app_commands.describe(question=texts.ask_question_hint)
    async def ask(
        interaction: discord.Interaction[CoachClient],
        question: app_commands.Range[str, 1, MAX_QUESTION],
    ) -> None:
        await _handlers(interaction).command(interaction, CommandEvent(Command.ASK, question))


def _simple_command(command: Command, description: str) -> app_commands.Command[Any, Any, None]:
    async def run(interaction: discord.Interaction[CoachClient]) -> None:
        await _handlers(interaction).command(interaction, CommandEvent(command))

    return app_commands.Command(name=command.value, description=description, callback=run)


async def sync_tree(client: CoachClient) -> list[str]:
    """Register the commands with Discord: to DISCORD_GUILD_ID at once, else globally."""
    guild_id = client.settings.discord_guild_id
    guild = discord.Object(id=guild_id) if guild_id else None
    if guild is not None:
        client.tree.copy_global_to(guild=guild)
    synced = await client.tree.sync(guild=guild)
    names = [command.name for command in synced]
    logger.info(
        "synced %d commands %s", len(names), f"to guild {guild_id}" if guild else "globally"
    )
    return names


def build_client(
    settings: Settings, service: CoachService, ack_budget: float = ACK_BUDGET
) -> CoachClient:
    return CoachClient(
        settings,
        build_handlers(
            service, settings.discord_coach_role, settings.event_ttl_seconds, ack_budget=ack_budget
        ),
        service.texts,
        sync_on_start=settings.discord_sync_on_start,
    )


def _token(settings: Settings) -> str:
    if settings.discord_bot_token is None:
        raise ValueError("DISCORD_BOT_TOKEN is not set")
    return settings.discord_bot_token.get_secret_value()


async def sync_commands(settings: Settings) -> list[str]:
    """`python -m bot discord-sync`: log in over HTTP only, sync, and return the names."""
    texts = load_content(settings.content_dir).texts
    client = CoachClient(settings, None, texts, sync_on_start=False)
    async with client:
        await client.login(_token(settings))
        return await sync_tree(client)


async def serve(settings: Settings, service: CoachService, stop: asyncio.Event) -> None:
    """Run the bot on the gateway until `stop` is set, then close the connection cleanly."""
    client = build_client(settings, service)
    async with client:
        running = asyncio.create_task(client.start(_token(settings)), name="discord-client")
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        await client.close()
        await running
    logger.info("discord client stopped")
