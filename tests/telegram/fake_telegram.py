"""A fake Telegram Bot API server on 127.0.0.1 (aiohttp) for end-to-end tests and benchmarks.

It speaks the HTTP API python-telegram-bot uses, keeps the chats' messages, records every call,
refuses what Telegram refuses (callback data over 64 bytes, text over 4096, bad HTML, edits that
change nothing, blocked users, injected 429s) and lets a test push updates for getUpdates.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.telegram.fake_rules import ApiError, JsonDict, checked_markup, checked_text

logger = logging.getLogger(__name__)

JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "entities",
    "link_preview_options",
    "reply_parameters",
    "allowed_updates",
    "caption_entities",
    "menu_button",
}
BOT_ID = 7000000001
MAX_ALERT = 200


@dataclass
class Call:
    """One request the bot made: the method and its decoded parameters."""

    method: str
    params: JsonDict
    body: bytes = b""  # the request body as sent, for byte-level comparisons

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


@dataclass
class StoredMessage:
    """A message as the chat shows it now (edits replace text and keyboard)."""

    message_id: int
    chat: JsonDict
    sender: JsonDict
    text: str
    reply_markup: JsonDict | None = None
    date: int = field(default_factory=lambda: int(time.time()))
    edits: int = 0

    def as_json(self) -> JsonDict:
        data: JsonDict = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat,
            "from": self.sender,
            "text": self.text,
        }
        if self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data

    def buttons(self) -> list[JsonDict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass
class Pending:
    """An update waiting for getUpdates; `returned` once the bot has fetched it."""

    update: JsonDict
    returned: bool = False

    @property
    def id(self) -> int:
        return int(self.update["update_id"])


class FakeTelegram:
    """The server: start(), point the bot at base_url, push updates, read calls and chats."""

    def __init__(self, token: str = "123456:TEST-token", username: str = "HipStepBot") -> None:
        self.token = token
        self.me: JsonDict = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "HipStep Coach",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.commands: dict[str, list[JsonDict]] = {}
        self.webhook: JsonDict = {}
        self.open_queries: set[str] = set()
        self.answered_queries: set[str] = set()
        self.blocked_chats: set[int] = set()
        self.chats: dict[int, JsonDict] = {}
        self.statuses: dict[tuple[int, int], str] = {}  # (chat, user) -> creator/administrator
        self._failures: dict[str, list[ApiError]] = {}
        self._updates: list[Pending] = []
        self._counts: dict[str, int] = {}
        self._next_update_id = 1000
        self.last_update_id = 0  # the highest update id pushed
        self.confirmed_offset = 0  # the highest offset the bot asked for: all below are confirmed
        self._next_message_id = 1
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0
        self._methods: dict[str, Callable[[JsonDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "sendChatAction": self._ok,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._ok,
            "logOut": self._ok,
            "deleteMessage": self._delete_message,
            "getChatMember": self._get_chat_member,
        }

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_post("/_fake/push", self._remote_push)
        app.router.add_get("/_fake/wait", self._remote_wait)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self._closing = True  # ends pending long polls, so cleanup does not wait for them
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what a test does --------------------------------------------------------------------
    def push(self, update: JsonDict) -> int:
        """Queue an update for getUpdates; gives it the next update_id unless it has one."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        query = update.get("callback_query")
        if query and query["id"] not in self.answered_queries:  # a re-delivery needs no answer
            self.open_queries.add(query["id"])
        for kind in ("message", "edited_message", "channel_post"):
            if kind in update:
                chat = update[kind]["chat"]
                self.chats.setdefault(int(chat["id"]), chat)
        self._updates.append(Pending(update))
        self.last_update_id = max(self.last_update_id, int(update["update_id"]))
        asyncio.get_running_loop().create_task(self._notify())
        return int(update["update_id"])

    def fail_next(self, method: str, code: int, description: str, **parameters: Any) -> None:
        """Make the next call of `method` fail, e.g. (429, "Too Many Requests", retry_after=1)."""
        failure = ApiError(code, description, parameters or None)
        self._failures.setdefault(method, []).append(failure)

    def post_message(self, chat: JsonDict, sender: JsonDict, text: str) -> StoredMessage:
        """A message that exists in a chat (as if sent earlier), e.g. to reply to it."""
        self.chats.setdefault(int(chat["id"]), chat)
        return self._store(chat, sender, text, None)

    def undelivered(self) -> list[JsonDict]:
        """Updates the bot has not acknowledged yet (for a webhook sender)."""
        return [p.update for p in self._updates]

    def acknowledge(self, update_id: int) -> None:
        """The bot answered a webhook POST with 2xx: Telegram forgets the update."""
        self._updates = [p for p in self._updates if p.id != update_id]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    def sent_to(self, chat_id: int, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.chat_id == chat_id]

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return [m for (chat, _), m in sorted(self.messages.items()) if chat == chat_id]

    # -- HTTP --------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        handler = self._methods.get(method)
        if handler is None:
            return _error(ApiError(404, f"Not Found: method {method} not in the fake"))
        body = await request.read()
        params = await _params(request)
        self.calls.append(Call(method, params, body))
        self._counts[method] = self._counts.get(method, 0) + 1
        await self._notify()
        try:
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            result = await handler(params)
        except ApiError as exc:
            return _error(exc)
        finally:
            await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _remote_push(self, request: web.Request) -> web.Response:
        """For a benchmark in another process: queue a JSON list of updates."""
        for update in await request.json():
            self.push(update)
        return web.json_response({"ok": True})

    async def _remote_wait(self, request: web.Request) -> web.Response:
        """For a benchmark: wait until `method` was called `count` times in total."""
        method, count = request.query["method"], int(request.query["count"])
        timeout = float(request.query.get("timeout", "60"))
        await self.wait_for(lambda: self.count(method) >= count, timeout)
        return web.json_response({"ok": True, "calls": self.count(method)})

    def count(self, method: str) -> int:
        return self._counts.get(method, 0)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- methods -----------------------------------------------------------------------------
    async def _ok(self, params: JsonDict) -> bool:
        return True

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return self.me

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        offset = int(params.get("offset", 0) or 0)
        self.confirmed_offset = max(self.confirmed_offset, offset)
        limit = int(params.get("limit", 100) or 100)
        timeout = float(params.get("timeout", 0) or 0)
        # Returned before and now below the offset = confirmed; an update pushed again with an
        # old update_id (a re-delivery after a crash) is still returned once more.
        self._updates = [p for p in self._updates if p.id >= offset or not p.returned]
        if not self._updates and timeout > 0:
            try:
                await self.wait_for(lambda: bool(self._updates) or self._closing, timeout)
            except TimeoutError:
                return []
        batch = self._updates[:limit]
        for pending in batch:
            pending.returned = True
        return [p.update for p in batch]

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        text = checked_text(params)
        markup = checked_markup(params.get("reply_markup"))
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": "private"}
        return self._store(chat, self.me, text, markup).as_json()

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        message = self._find(params)
        text = checked_text(params)
        markup = checked_markup(params.get("reply_markup"))
        if text == message.text and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of message",
            )
        message.text, message.reply_markup = text, markup
        message.edits += 1
        return message.as_json()

    async def _edit_reply_markup(self, params: JsonDict) -> JsonDict:
        message = self._find(params)
        markup = checked_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        return message.as_json()

    async def _delete_message(self, params: JsonDict) -> bool:
        self.messages.pop((int(params["chat_id"]), int(params["message_id"])), None)
        return True

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self.open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(params.get("text", "")) > MAX_ALERT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.open_queries.discard(query_id)
        self.answered_queries.add(query_id)
        return True

    async def _get_chat_member(self, params: JsonDict) -> JsonDict:
        """A member's status: as set in `statuses` (creator, administrator), else member."""
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = self.statuses.get((chat_id, user_id), "member")
        member: JsonDict = {"status": status, "user": {"id": user_id, "is_bot": False}}
        member["user"]["first_name"] = f"user{user_id}"
        if status == "creator":
            member["is_anonymous"] = False
        if status == "administrator":
            rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats")
            rights += ("can_restrict_members", "can_promote_members", "can_change_info")
            rights += ("can_invite_users", "can_post_stories", "can_edit_stories")
            rights += ("can_delete_stories",)
            member |= dict.fromkeys(rights, True) | {"can_be_edited": False, "is_anonymous": False}
        return member

    async def _set_my_commands(self, params: JsonDict) -> bool:
        for command in params["commands"]:
            name, description = command["command"], command["description"]
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope", {"type": "default"})["type"]
        self.commands[scope] = params["commands"]
        return True

    async def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook = params
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = {}
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    # -- state -------------------------------------------------------------------------------
    def _store(
        self, chat: JsonDict, sender: JsonDict, text: str, markup: JsonDict | None
    ) -> StoredMessage:
        message = StoredMessage(self._next_message_id, chat, sender, text, markup)
        self._next_message_id += 1
        self.messages[(int(chat["id"]), message.message_id)] = message
        return message

    def _find(self, params: JsonDict) -> StoredMessage:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]


async def _params(request: web.Request) -> JsonDict:
    """Form data (PTB's default): strings raw, everything else JSON-encoded (decode only known
    fields). JSON bodies (the project's request class) decode to the very same parameters."""
    if request.content_type == "application/json":  # decoded to what the same form would give
        data: JsonDict = await request.json()
        return {
            k: v if k in JSON_FIELDS or isinstance(v, str) else json.dumps(v)
            for k, v in data.items()
        }
    form = await request.post()
    params: JsonDict = {}
    for name, value in form.items():
        text = value if isinstance(value, str) else ""
        params[name] = json.loads(text) if name in JSON_FIELDS else text
    params.update({k: v for k, v in request.query.items() if k not in params})
    return params


def _error(exc: ApiError) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)


async def _serve_forever() -> None:
    """Run the fake alone (benchmarks drive it from another process); prints its port first."""
    fake = FakeTelegram()
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve_forever())
