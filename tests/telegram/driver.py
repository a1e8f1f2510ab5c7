"""Story helpers: people and chats, updates as Telegram sends them, and what the bot did back."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from dataclasses import dataclass
from typing import Any

from bot.store.base import Store
from tests.telegram.fake_rules import utf16_length, visible_text
from tests.telegram.fake_telegram import Call, FakeTelegram, JsonDict, StoredMessage

logger = logging.getLogger(__name__)

_ids = itertools.count(1)
_MENTION = re.compile(r"@\w{5,32}")
BOT_OUTPUT = {"sendMessage", "editMessageText", "answerCallbackQuery", "sendChatAction"}


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    username: str | None = None

    def as_json(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class Chat:
    id: int
    type: str = "private"
    title: str | None = None

    def as_json(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        return data


def private_chat(person: Person) -> Chat:
    return Chat(person.id, "private")


def supergroup(chat_id: int = -1001234567890, title: str = "Leg day crew") -> Chat:
    return Chat(chat_id, "supergroup", title)


@dataclass
class Outcome:
    """What the bot did in one chat while handling one update."""

    calls: list[Call]
    update_id: int

    @property
    def sent(self) -> list[Call]:
        return [c for c in self.calls if c.method == "sendMessage"]

    @property
    def edits(self) -> list[Call]:
        return [c for c in self.calls if c.method == "editMessageText"]

    @property
    def answer(self) -> Call | None:
        answers = [c for c in self.calls if c.method == "answerCallbackQuery"]
        assert len(answers) <= 1, "a callback query was answered twice"
        return answers[0] if answers else None

    @property
    def texts(self) -> list[str]:
        """What the user reads: sent and edited texts as Telegram shows them."""
        return [shown(c) for c in self.calls if c.method in ("sendMessage", "editMessageText")]

    @property
    def nothing_visible(self) -> bool:
        return not self.sent and not self.edits


def shown(call: Call) -> str:
    text = str(call.params["text"])
    return visible_text(text) if call.params.get("parse_mode") == "HTML" else text


@dataclass
class Telegram:
    """Drives the fake as Telegram's users would: they type, they press buttons."""

    fake: FakeTelegram
    store: Store

    # -- updates -----------------------------------------------------------------------------
    def message_update(
        self, chat: Chat, person: Person, text: str, reply_to: StoredMessage | None = None
    ) -> JsonDict:
        stored = self.fake.post_message(chat.as_json(), person.as_json(), text)
        message = stored.as_json()
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to.as_json()
        return {"message": message}

    def press_update(
        self, chat: Chat, person: Person, message: StoredMessage, data: str
    ) -> JsonDict:
        query = {
            "id": f"q{next(_ids)}",
            "from": person.as_json(),
            "message": message.as_json(),
            "chat_instance": f"ci{chat.id}",
            "data": data,
        }
        return {"callback_query": query}

    # -- stories -----------------------------------------------------------------------------
    async def says(
        self, chat: Chat, person: Person, text: str, reply_to: StoredMessage | None = None
    ) -> Outcome:
        return await self.deliver(chat, self.message_update(chat, person, text, reply_to))

    async def presses(
        self, chat: Chat, person: Person, label: str, message: StoredMessage | None = None
    ) -> Outcome:
        """Press the button whose label contains `label` on `message` (default: newest with it)."""
        message = message or self.newest_with_button(chat, label)
        data = button_data(message, label)
        return await self.deliver(chat, self.press_update(chat, person, message, data))

    async def deliver(self, chat: Chat, update: JsonDict) -> Outcome:
        """Push one update and wait until the bot has fully handled it."""
        start = len(self.fake.calls)
        update_id = self.fake.push(update)
        await self.settle()
        outputs = [c for c in self.fake.calls[start:] if c.method in BOT_OUTPUT]
        mine = [c for c in outputs if c.chat_id in (chat.id, None)]
        return Outcome(mine, update_id)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed every pushed update (so each is in its inbox) and
        its inbox is empty (so each was handled and its replies sent)."""

        async def handled() -> None:
            while self.fake.confirmed_offset <= self.fake.last_update_id:
                await asyncio.sleep(0.002)
            while (await self.store.inbox_stats("telegram"))[0]:
                await asyncio.sleep(0.002)

        await asyncio.wait_for(handled(), timeout)

    # -- reading the chat --------------------------------------------------------------------
    def newest_with_button(self, chat: Chat, label: str) -> StoredMessage:
        for message in reversed(self.fake.chat_messages(chat.id)):
            if any(label.lower() in b["text"].lower() for b in message.buttons()):
                return message
        raise AssertionError(f"no message in chat {chat.id} has a button like {label!r}")

    def newest_from_bot(self, chat: Chat) -> StoredMessage:
        mine = [m for m in self.fake.chat_messages(chat.id) if m.sender.get("is_bot")]
        assert mine, f"the bot said nothing in chat {chat.id}"
        return mine[-1]


def button_data(message: StoredMessage, label: str) -> str:
    hits = [b for b in message.buttons() if label.lower() in b["text"].lower()]
    labels = [b["text"] for b in message.buttons()]
    assert hits, f"no button like {label!r} among {labels}"
    return str(hits[0]["callback_data"])


def labels(message: StoredMessage) -> list[str]:
    return [b["text"] for b in message.buttons()]


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command for a leading /command, mention for each @username (UTF-16 offsets)."""
    entities: list[dict[str, Any]] = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_length(command)})
    for match in _MENTION.finditer(text):
        offset = utf16_length(text[: match.start()])
        entities.append({"type": "mention", "offset": offset, "length": utf16_length(match[0])})
    return entities
