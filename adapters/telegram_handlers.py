"""Telegram handlers: update -> (session key, core event) -> service -> messages, edits, alerts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes, filters

from adapters.telegram_render import Rendered, Row, alert_text, render
from bot.messages import Command, Event, Reply, ReplyKind
from bot.service import CoachService
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
TYPING_DELAY = 0.4  # seconds before "typing…" shows; quick replies never need it
TYPING_REPEAT = 4.5  # Telegram clears the indicator after 5 s
CORE_COMMANDS = tuple(c.value for c in Command)

Context = ContextTypes.DEFAULT_TYPE


class AddressedToBot(filters.MessageFilter):
    """Private chats: every message. Groups: only mentions of the bot and replies to it."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        replied_to = message.reply_to_message
        author = replied_to.from_user if replied_to is not None else None
        if author is not None and author.id == bot.id:
            return True
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return f"@{bot.username}".lower() in (m.lower() for m in mentions)


def session_key(update: Update) -> SessionKey | None:
    """One session per member per chat, so group members never share a quiz."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return SessionKey(PLATFORM, str(chat.id), str(user.id))


def event_id(update: Update) -> str:
    return f"{PLATFORM}:{update.update_id}"


def is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def command_name(message: Message) -> str:
    """'/Quiz@HipStepBot extra' -> 'quiz'."""
    first = (message.text or "").split(maxsplit=1)[0]
    return first[1:].partition("@")[0].lower()


def without_mention(text: str, username: str) -> str:
    """The question without '@HipStepBot', so the FAQ matcher sees only the words."""
    mention = f"@{username}"
    start = text.lower().find(mention.lower())
    while start >= 0:
        text = (text[:start] + text[start + len(mention) :]).strip()
        start = text.lower().find(mention.lower())
    return " ".join(text.split())


def private_link(message: Message, bot: Bot, payload: str, label: str) -> Sequence[Row]:
    """In a group, a deep link (t.me/<bot>?start=quiz) that moves a long flow to a private chat."""
    if not is_group(message):
        return ()
    url = f"https://t.me/{bot.username}" + (f"?start={payload}" if payload != "start" else "")
    return ([InlineKeyboardButton(label, url=url)],)


@asynccontextmanager
async def typing_while_slow(bot: Bot, chat_id: int, delay: float) -> AsyncIterator[None]:
    """Show "typing…" only if the work takes longer than `delay`; a quick reply costs no call.

    A timer rather than a task per update: nearly every reply is quick, and a timer is cheaper.
    """
    typing: list[asyncio.Task[None]] = []

    async def keep_typing() -> None:
        while True:
            await asyncio.shield(show_typing(bot, chat_id))  # a sent request may finish
            await asyncio.sleep(TYPING_REPEAT)

    timer = asyncio.get_running_loop().call_later(
        delay, lambda: typing.append(asyncio.create_task(keep_typing()))
    )
    try:
        yield
    finally:
        timer.cancel()
        for task in typing:
            task.cancel()


async def show_typing(bot: Bot, chat_id: int) -> None:
    with suppress(TelegramError):
        await bot.send_chat_action(chat_id, ChatAction.TYPING)


class CoachHandlers:
    """The bot's handlers; they translate and deliver, the service decides what to say."""

    def __init__(self, service: CoachService, typing_delay: float = TYPING_DELAY) -> None:
        self.service = service
        self.typing_delay = typing_delay

    # -- messages ----------------------------------------------------------------------------
    async def on_command(self, update: Update, context: Context) -> None:
        """/start (with a deep-link payload), /quiz, /faq <topic>, /ask <question>, ..."""
        message = update.message
        assert message is not None
        name = command_name(message)
        argument = " ".join(context.args or [])
        label = self.service.engine.content.texts.continue_in_private_label
        extra = private_link(message, context.bot, name, label) if name in ("start", "quiz") else ()
        await self._converse(update, context, Event.command(name, argument), extra)

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """An unknown /command meant for us gets the help; other bots' commands are ignored."""
        message = update.message
        assert message is not None
        first = (message.text or "").split(maxsplit=1)[0].lower()
        if is_group(message) and not first.endswith(f"@{context.bot.username}".lower()):
            return
        await self._converse(update, context, Event.command(Command.HELP))

    async def on_text(self, update: Update, context: Context) -> None:
        """Free text: a question for the FAQ, or a typed quiz answer."""
        message = update.message
        assert message is not None and message.text is not None
        text = without_mention(message.text, context.bot.username)
        await self._converse(update, context, Event.text(text))

    async def on_other_message(self, update: Update, context: Context) -> None:
        """A sticker, photo or voice note in a private chat: the core's "send me a question"."""
        await self._converse(update, context, Event.text(""))

    async def _converse(
        self, update: Update, context: Context, event: Event, extra: Sequence[Row] = ()
    ) -> None:
        key, message = session_key(update), update.message
        if key is None or message is None:
            return
        async with typing_while_slow(context.bot, message.chat_id, self.typing_delay):
            replies = await self.service.handle(key, event, event_id(update))
        reply_to = message.message_id if is_group(message) else None
        await self._deliver(context.bot, message.chat_id, replies, reply_to=reply_to, extra=extra)

    # -- buttons -----------------------------------------------------------------------------
    async def on_button(self, update: Update, context: Context) -> None:
        """A pressed option: always answered (no endless spinner); notices become an alert."""
        query = update.callback_query
        assert query is not None
        key = session_key(update)
        replies: list[Reply] = []
        try:
            if key is not None and query.data:
                replies = await self.service.handle(key, Event.choice(query.data), event_id(update))
        finally:
            await answer_query(query, replies)
        pressed = query.message if isinstance(query.message, Message) else None
        if key is not None:
            await self._deliver(context.bot, int(key.chat), replies, pressed=pressed)

    # -- delivery ----------------------------------------------------------------------------
    async def _deliver(
        self,
        bot: Bot,
        chat_id: int,
        replies: list[Reply],
        *,
        pressed: Message | None = None,
        reply_to: int | None = None,
        extra: Sequence[Row] = (),
    ) -> None:
        """Send (or edit in place) each reply; the quiz advancing edits its own message."""
        shown = [r for r in replies if not (pressed is not None and r.kind is ReplyKind.NOTICE)]
        for number, reply in enumerate(shown, start=1):
            rendered = render(reply, extra if number == len(shown) else ())
            if pressed is not None and reply.edit and await edit_in_place(bot, pressed, rendered):
                continue
            if not await send(bot, chat_id, rendered, reply_to):
                return


async def answer_query(query: CallbackQuery, replies: list[Reply]) -> None:
    notice = next((r for r in replies if r.kind is ReplyKind.NOTICE), None)
    try:
        if notice is None:
            await query.answer()
        else:
            await query.answer(alert_text(notice.text), show_alert=True)
    except BadRequest as exc:  # answered already (a duplicate) or too old
        logger.debug("callback query %s not answered: %s", query.id, exc)


async def send(bot: Bot, chat_id: int, rendered: Rendered, reply_to: int | None = None) -> bool:
    """Send the parts in order; False when the user blocked the bot (nothing more to send)."""
    last = len(rendered.parts) - 1
    for number, part in enumerate(rendered.parts):
        quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            await bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=rendered.markup if number == last else None,
                reply_parameters=quote if number == 0 else None,
            )
        except Forbidden as exc:
            logger.info("chat %s cannot receive messages (%s); skipped", chat_id, exc)
            return False
    return True


async def edit_in_place(bot: Bot, message: Message, rendered: Rendered) -> bool:
    """Replace the pressed message; False if it cannot be edited (then the caller sends anew)."""
    first, rest = rendered.parts[0], rendered.parts[1:]
    try:
        await bot.edit_message_text(
            first,
            chat_id=message.chat_id,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=None if rest else rendered.markup,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            logger.info("message %s not editable (%s); sending anew", message.message_id, exc)
            return False
    if rest:
        await send(bot, message.chat_id, Rendered(rest, rendered.markup))
    return True
