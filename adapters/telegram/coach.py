"""Telegram: the coach's tools in a group. Admins (creator, administrators) are coaches; their
commands post shared entry points, run the goal poll and the weekly check-in. Members' taps on
the poll come here; everything else goes to the core's handlers (handlers.py)."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from adapters.telegram.handlers import (
    PLATFORM,
    Context,
    command_name,
    deliver,
    edit_message,
    is_group,
    send,
)
from adapters.telegram.render import alert_text, render
from bot.groups.commands import CoachCommand
from bot.groups.records import GroupKey
from bot.groups.service import GroupService
from bot.groups.throttle import EditThrottle
from bot.messages import Event, Origin, Reply, TextEvent
from bot.service import CoachService
from bot.settings import Settings
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

COACH = "coach"  # bot_data key: the TelegramCoach, for tests and the scheduled check-in
ROLE_CACHE_SECONDS = 60.0
CHECKIN_TICK = 60.0  # seconds between looks for due check-ins
COACH_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}


class CoachRoles:
    """Who coaches a group: its creator and administrators, asked of Telegram, cached briefly."""

    def __init__(self, ttl: float = ROLE_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_coach(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        cached = self._cache.get((chat_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            logger.warning("could not check the role of a member of %s: %s", chat_id, exc)
            return False
        coach = member.status in COACH_STATUSES
        self._cache[(chat_id, user_id)] = (now + self.ttl, coach)
        return coach


class TelegramCoach:
    """The coach's commands and the poll's buttons, and the members' group questions counted."""

    def __init__(self, groups: GroupService, service: CoachService, edit_interval: float) -> None:
        self.groups = groups
        self.service = service
        self.roles = CoachRoles()
        self.edits = EditThrottle(edit_interval)

    # -- coach commands ------------------------------------------------------------------------
    async def on_command(self, update: Update, context: Context) -> None:
        """/post, /groupquiz, /groupresults, /unanswered, /checkin: coaches only, in groups."""
        message, user = update.message, update.effective_user
        assert message is not None and user is not None
        allowed = is_group(message) and await self.roles.is_coach(
            context.bot, message.chat_id, user.id
        )
        if not allowed:
            await reply_to(context.bot, message, self.groups.not_coach())
            return
        group = GroupKey(PLATFORM, str(message.chat_id))
        argument = " ".join(context.args or [])
        match CoachCommand(command_name(message)):
            case CoachCommand.POST:
                await reply_to(context.bot, message, self.groups.post(argument), quote=False)
            case CoachCommand.GROUPQUIZ:
                await self._open_poll(context.bot, message, group, argument)
            case CoachCommand.GROUPRESULTS:
                await self._close_poll(context.bot, message.chat_id, group, None)
            case CoachCommand.UNANSWERED:
                await self._privately(context.bot, message, await self.groups.unanswered(group))
            case CoachCommand.CHECKIN:
                await reply_to(context.bot, message, await self.groups.set_checkin(group, argument))

    async def _open_poll(self, bot: Bot, message: Message, group: GroupKey, words: str) -> None:
        poll, opened = await self.groups.open_poll(group, words)
        sent = await reply_to(bot, message, poll, quote=not opened)
        if opened and sent is not None:
            await self.groups.attach(group, str(sent))

    async def _close_poll(self, bot: Bot, chat_id: int, group: GroupKey, raw: str | None) -> None:
        """Post the group plan once; the poll message loses its buttons."""
        replies, closed = await self.groups.close_poll(group, raw)
        if closed is not None and closed.message:
            await self._show_poll(bot, chat_id, int(closed.message), self.groups.poll_view(closed))
        await deliver(bot, chat_id, replies)

    async def _privately(self, bot: Bot, message: Message, reply: Reply) -> None:
        """To the coach's private chat; in the group only if they never started the bot."""
        assert message.from_user is not None
        if not await send(bot, message.from_user.id, render(reply, bot.username)):
            await reply_to(bot, message, reply)

    # -- poll buttons --------------------------------------------------------------------------
    async def on_poll_press(self, update: Update, context: Context) -> None:
        """A vote (toast to the voter, a throttled edit of the tally) or the coach's Close."""
        query, user = update.callback_query, update.effective_user
        assert query is not None and query.data is not None and user is not None
        pressed = query.message if isinstance(query.message, Message) else None
        if pressed is None:
            await query.answer()
            return
        group = GroupKey(PLATFORM, str(pressed.chat_id))
        if self.groups.is_close(query.data):
            if not await self.roles.is_coach(context.bot, pressed.chat_id, user.id):
                await query.answer(alert_text(self.groups.not_coach()), show_alert=True)
                return
            await query.answer()
            await self._close_poll(context.bot, pressed.chat_id, group, query.data)
            return
        name = user.first_name
        confirmation, poll = await self.groups.vote(group, str(user.id), query.data, name)
        await query.answer(alert_text(confirmation))
        if poll is not None:
            chat_id, message_id = pressed.chat_id, pressed.message_id
            self.edits.request(
                f"{chat_id}:{message_id}", self._refresh(context.bot, group, chat_id, message_id)
            )

    def _refresh(self, bot: Bot, group: GroupKey, chat_id: int, message_id: int) -> Any:
        async def refresh() -> None:
            poll = await self.groups.poll(group)
            if poll is not None:
                await self._show_poll(bot, chat_id, message_id, self.groups.poll_view(poll))

        return refresh

    async def _show_poll(self, bot: Bot, chat_id: int, message_id: int, view: Reply) -> None:
        await edit_message(bot, chat_id, message_id, render(view, bot.username))

    # -- members' questions in the group -------------------------------------------------------
    async def after_turn(
        self, key: SessionKey, event: Event, where: Origin, replies: list[Reply]
    ) -> None:
        """After the core answered: a question it declined in a group is counted for the coach."""
        if where.group and isinstance(event, TextEvent) and self.groups.declined(replies):
            await self.groups.note_declined(GroupKey(PLATFORM, key.chat), event)

    # -- weekly check-in -----------------------------------------------------------------------
    async def tick(self, context: Context) -> None:
        """A JobQueue run: post each due check-in this worker claimed."""
        await self.post_checkins(context.bot)

    async def post_checkins(self, bot: Bot, now: datetime | None = None) -> int:
        posted = 0
        for chat in await self.groups.due_checkins(PLATFORM, now):
            try:
                await deliver(bot, int(chat), [self.groups.checkin_post()])
                posted += 1
            except TelegramError as exc:
                logger.warning("check-in for %s not posted: %s", chat, exc)
        return posted


async def reply_to(bot: Bot, message: Message, reply: Reply, *, quote: bool = True) -> int | None:
    """Send one reply in the message's chat (quoting it); the sent message's id, if it was sent."""
    quoted = message.message_id if quote else None
    return await send(bot, message.chat_id, render(reply, bot.username), quoted)


def is_poll_press(data: object) -> bool:
    return isinstance(data, str) and GroupService.is_group_press(data)


def install_coach_handlers(
    app: Application[Any, Any, Any, Any, Any, Any], coach: TelegramCoach
) -> None:
    """Before the core's handlers: coach commands, poll presses, group questions; the tick."""
    new_message = filters.UpdateType.MESSAGE
    app.bot_data[COACH] = coach
    commands = [c.value for c in CoachCommand]
    app.add_handler(CommandHandler(commands, coach.on_command, filters=new_message))
    app.add_handler(CallbackQueryHandler(coach.on_poll_press, pattern=is_poll_press))
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            coach.tick, interval=CHECKIN_TICK, first=CHECKIN_TICK, name="checkin"
        )


def build_coach(service: CoachService, settings: Settings) -> TelegramCoach:
    groups = GroupService(service.engine, service.store, settings.event_ttl_seconds)
    return TelegramCoach(groups, service, settings.group_poll_edit_seconds)


async def register_coach_commands(bot: Bot, coach: TelegramCoach) -> None:
    """Administrators see the coach commands next to the members' ones; members never do."""
    menu = coach.service.command_menu(group=True) + coach.groups.command_menu()
    try:
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in menu], scope=BotCommandScopeAllChatAdministrators()
        )
    except TelegramError as exc:
        logger.warning("could not register the coach command menu: %s", exc)
