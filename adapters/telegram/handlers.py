"""Telegram handlers: update -> (session key, event, origin) -> service -> Replies delivered as
the core says (send, edit the pressed message, or an alert on the presser's screen)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import (
    Bot,
    CallbackQuery,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes, filters

from adapters.telegram import bot_api
from adapters.telegram.intake import REPLAYED
from adapters.telegram.render import Rendered, alert_text, render
from adapters.telegram.typing_indicator import TYPING_DELAY, TypingIndicator
from bot.messages import (
    PRIVATE_CHAT,
    Command,
    CommandEvent,
    Delivery,
    Event,
    Origin,
    PressEvent,
    Reply,
    TextEvent,
)
from bot.service import CoachService
from bot.store.base import SessionKey

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
CORE_COMMANDS = tuple(c.value for c in Command)

Context = ContextTypes.DEFAULT_TYPE
# Called after the core answered a message (e.g. the coach tools count declined questions).
AfterTurn = Callable[[SessionKey, Event, Origin, list[Reply]], Awaitable[None]]


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


def replayed(update: Update, context: Context) -> bool:
    """Handled again after a crash (the intake says so): saved replies may be sent again."""
    return update.update_id in context.bot_data.get(REPLAYED, ())


def is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def origin(message: Message) -> Origin:
    """Telegram can't answer one group member privately in place: groups are public."""
    return Origin(group=True) if is_group(message) else PRIVATE_CHAT


def offered_data(message: Message | None) -> tuple[str, ...] | None:
    """The callback data of every button on the pressed message (None when Telegram omits it)."""
    if message is None:
        return None
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return tuple(str(b.callback_data) for row in rows for b in row if b.callback_data is not None)


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


class CoachHandlers:
    """The bot's handlers; they translate and deliver, the service decides what to say."""

    def __init__(
        self,
        service: CoachService,
        typing_delay: float = TYPING_DELAY,
        after_turn: AfterTurn | None = None,
    ) -> None:
        self.service = service
        self.typing = TypingIndicator(typing_delay)
        self.after_turn = after_turn

    # -- messages ----------------------------------------------------------------------------
    async def on_command(self, update: Update, context: Context) -> None:
        """/start (with a deep-link payload), /quiz, /faq <topic>, /ask <question>, ..."""
        message = update.message
        assert message is not None
        argument = " ".join(context.args or [])
        name = Command(command_name(message))  # the handler is registered for these names only
        await self._converse(update, context, CommandEvent(name, argument))

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """An unknown /command meant for us gets the help; other bots' commands are ignored."""
        message = update.message
        assert message is not None
        first = (message.text or "").split(maxsplit=1)[0].lower()
        if is_group(message) and not first.endswith(f"@{context.bot.username}".lower()):
            return
        await self._converse(update, context, CommandEvent(Command.HELP))

    async def on_text(self, update: Update, context: Context) -> None:
        """Free text: a question for the FAQ, or a typed quiz answer."""
        message = update.message
        assert message is not None and message.text is not None
        text = without_mention(message.text, context.bot.username)
        await self._converse(update, context, TextEvent(text))

    async def on_other_message(self, update: Update, context: Context) -> None:
        """A sticker, photo or voice note in a private chat: the core's "send me a question"."""
        await self._converse(update, context, TextEvent(""))

    async def _converse(self, update: Update, context: Context, event: Event) -> None:
        key, message = session_key(update), update.message
        if key is None or message is None:
            return
        typing = self.typing.started(context.bot, message.chat_id)
        try:
            replies = await self.service.handle(
                key, event, event_id(update), origin(message), replay=replayed(update, context)
            )
        finally:
            self.typing.finished(typing)
        if self.after_turn is not None:
            await self.after_turn(key, event, origin(message), replies)
        reply_to = message.message_id if is_group(message) else None
        await deliver(context.bot, message.chat_id, replies, reply_to=reply_to)

    # -- buttons -----------------------------------------------------------------------------
    async def on_button(self, update: Update, context: Context) -> None:
        """A pressed option: always answered (no endless spinner); alerts show on the screen."""
        query = update.callback_query
        assert query is not None
        key = session_key(update)
        pressed = query.message if isinstance(query.message, Message) else None
        replies: list[Reply] = []
        try:
            if key is not None and query.data:
                event = PressEvent(query.data, offered_data(pressed))
                where = origin(pressed) if pressed is not None else PRIVATE_CHAT
                replies = await self.service.handle(
                    key, event, event_id(update), where, replay=replayed(update, context)
                )
        finally:
            await answer_query(query, replies)
        if key is not None:
            shown = [r for r in replies if r.delivery is not Delivery.ALERT]
            await deliver(context.bot, int(key.chat), shown, pressed=pressed)


async def deliver(
    bot: Bot,
    chat_id: int,
    replies: list[Reply],
    *,
    pressed: Message | None = None,
    reply_to: int | None = None,
) -> None:
    """Carry out each reply's delivery: edit the pressed message in place, or send."""
    for reply in replies:
        rendered = render(reply, bot.username)
        editable = pressed is not None and reply.delivery is Delivery.EDIT
        if editable and pressed is not None and await edit_in_place(bot, pressed, rendered):
            continue
        if not await send(bot, chat_id, rendered, reply_to):
            return


async def answer_query(query: CallbackQuery, replies: list[Reply]) -> None:
    alert = next((r for r in replies if r.delivery is Delivery.ALERT), None)
    try:
        if alert is None:
            await query.answer()
        else:
            await query.answer(alert_text(alert), show_alert=True)
    except BadRequest as exc:  # answered already (a duplicate) or too old
        logger.debug("callback query %s not answered: %s", query.id, exc)


async def send(
    bot: Bot, chat_id: int, rendered: Rendered, reply_to: int | None = None
) -> int | None:
    """Send the parts in order: the last one's message id, or None when the user blocked the
    bot (nothing more to send)."""
    last, sent = len(rendered.parts) - 1, None
    for number, part in enumerate(rendered.parts):
        quote = {"allow_sending_without_reply": True, "message_id": reply_to} if reply_to else None
        params = {  # in PTB's order, so the request is byte for byte the one PTB would make
            "chat_id": chat_id,
            "text": part,
            "parse_mode": ParseMode.HTML.value,
            "reply_markup": rendered.markup if number == last else None,
            "reply_parameters": quote if number == 0 else None,
        }
        try:
            sent = await bot_api.call(bot, "sendMessage", params)
        except Forbidden as exc:
            logger.info("chat %s cannot receive messages (%s); skipped", chat_id, exc)
            return None
    return int(sent["message_id"]) if sent else None


async def edit_in_place(bot: Bot, message: Message, rendered: Rendered) -> bool:
    """Replace the pressed message; False if it cannot be edited (then the caller sends anew)."""
    return await edit_message(bot, message.chat_id, message.message_id, rendered)


async def edit_message(bot: Bot, chat_id: int, message_id: int, rendered: Rendered) -> bool:
    """Replace a message's text and keyboard; a second part onwards is sent after it."""
    first, rest = rendered.parts[0], rendered.parts[1:]
    params = {  # in PTB's order, so the request is byte for byte the one PTB would make
        "text": first,
        "chat_id": chat_id,
        "message_id": message_id,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": None if rest else rendered.markup,
    }
    try:
        await bot_api.call(bot, "editMessageText", params)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            logger.info("message %s not editable (%s); sending anew", message_id, exc)
            return False
    if rest:
        await send(bot, chat_id, Rendered(rest, rendered.markup))
    return True
