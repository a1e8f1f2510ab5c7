"""A fake Discord HTTP API on 127.0.0.1 (aiohttp) that answers discord.py's REST calls.

It keeps the synced application commands and the messages interactions produced, records every
interaction response and follow-up in order, and refuses what Discord refuses: a second
acknowledgement (40060), an answer after the 3-second window (10062), content, embeds and
components over Discord's limits (50035), slash options that the synced schema lacks.
It also builds INTERACTION_CREATE payloads, so tests speak Discord's wire format, not the
library's objects.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]
APP_ID = 1_200_000_000_000_000_001
BOT = {
    "id": str(APP_ID),
    "username": "hipstep",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}
EPHEMERAL = 64
LOADING = 128
ACK_WINDOW = 3.0
COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
BUTTON, SELECT = 2, 3


@dataclass(frozen=True)
class Person:
    """A Discord user, as the wire shows them."""

    id: int
    name: str

    def payload(self) -> JsonDict:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
        }


@dataclass(frozen=True)
class Place:
    """Where an interaction happens: a guild text channel, or a DM when guild_id is None."""

    channel_id: int
    guild_id: int | None = None

    def channel(self, person: Person) -> JsonDict:
        if self.guild_id is None:
            return {"id": str(self.channel_id), "type": 1, "recipients": [person.payload()]}
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "training",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "permissions": "0",
        }


@dataclass
class Shown:
    """A message as Discord shows it now; edits change it in place."""

    payload: JsonDict
    for_user: int
    edits: int = 0

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def ephemeral(self) -> bool:
        return bool(self.payload["flags"] & EPHEMERAL)

    @property
    def text(self) -> str:
        """Content and every embed part, joined: what a reader sees."""
        parts = [self.payload.get("content") or ""]
        for embed in self.payload.get("embeds", []):
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(p for p in parts if p)

    def components(self) -> list[JsonDict]:
        return [c for row in self.payload.get("components", []) for c in row["components"]]

    @property
    def buttons(self) -> list[str]:
        return [c["label"] for c in self.components() if c["type"] == BUTTON]

    @property
    def selects(self) -> list[JsonDict]:
        return [c for c in self.components() if c["type"] == SELECT]


@dataclass
class Outcome:
    """One thing the bot did for an interaction: reply, update, defer, follow-up, autocomplete."""

    kind: str
    message: Shown | None = None
    choices: list[JsonDict] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return self.message is not None and self.message.ephemeral


@dataclass
class Pending:
    """An interaction the fake handed out, and what was done with it."""

    payload: JsonDict
    created: float
    acked: int | None = None
    original: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def type(self) -> int:
        return int(self.payload["type"])

    @property
    def user_id(self) -> int:
        user = self.payload.get("member", {}).get("user") or self.payload["user"]
        return int(user["id"])


class Refused(Exception):
    """A request Discord would refuse; answered as Discord's JSON error."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FakeDiscord:
    """The REST side of Discord for one application; start() binds a free loopback port."""

    def __init__(self, ack_window: float = ACK_WINDOW) -> None:
        self.ack_window = ack_window
        self.commands: dict[int | None, list[JsonDict]] = {}
        self.messages: dict[int, Shown] = {}
        self.interactions: dict[int, Pending] = {}
        self.refused: list[str] = []
        self.channel_posts: list[JsonDict] = []  # plain messages the bot sent to channels
        self.requests: list[str] = []
        self.permissions: dict[int, int] = {}  # user id -> their permission bits in the guild
        self.roles: dict[int, list[int]] = {}  # user id -> their role ids in the guild
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(middlewares=[self._refusals])
        r = app.router
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_put("/api/v10/applications/{app}/commands", self._sync)
        r.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._sync)
        r.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        r.add_post("/api/v10/channels/{channel}/messages", self._channel_message)
        r.add_patch("/api/v10/channels/{channel}/messages/{message}", self._edit_channel_message)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_patch(
            "/api/v10/webhooks/{app}/{token}/messages/{message}", self._edit_webhook_message
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/v10"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests build and read -----------------------------------------------------------
    def slash(self, person: Person, place: Place, name: str, **options: str) -> JsonDict:
        """A CHAT_INPUT interaction, its options checked against the synced schema."""
        command = self.command(name, place)
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": self._options(command, options, focused=None),
        }
        return self._interaction(COMMAND, person, place, data)

    def autocomplete(
        self, person: Person, place: Place, name: str, option: str, typed: str
    ) -> JsonDict:
        command = self.command(name, place)
        data = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": self._options(command, {option: typed}, focused=option),
        }
        return self._interaction(AUTOCOMPLETE, person, place, data)

    def click(self, person: Person, place: Place, message: Shown, label: str) -> JsonDict:
        """Press the button whose label contains `label` on the message as it is now."""
        hits = [
            c
            for c in message.components()
            if c["type"] == BUTTON and label.lower() in c["label"].lower()
        ]
        assert hits, f"no button like {label!r} in {message.buttons}"
        data = {"custom_id": hits[0]["custom_id"], "component_type": BUTTON}
        return self._interaction(COMPONENT, person, place, data, message)

    def choose(
        self, person: Person, place: Place, message: Shown, labels: list[str], select: int = 0
    ) -> JsonDict:
        """Submit a select menu with the options whose labels contain each of `labels`."""
        menu = message.selects[select]
        values = []
        for label in labels:
            hits = [o["value"] for o in menu["options"] if label.lower() in o["label"].lower()]
            assert hits, f"no option like {label!r} in {[o['label'] for o in menu['options']]}"
            values.append(hits[0])
        assert menu.get("min_values", 1) <= len(values) <= menu.get("max_values", 1)
        data = {"custom_id": menu["custom_id"], "component_type": SELECT, "values": values}
        return self._interaction(COMPONENT, person, place, data, message)

    def press_first(self, person: Person, place: Place, message: Shown) -> JsonDict:
        """Press the first button, or pick the first option of the first select menu."""
        if message.buttons:
            return self.click(person, place, message, message.buttons[0])
        return self.choose(person, place, message, [message.selects[0]["options"][0]["label"]])

    def command(self, name: str, place: Place) -> JsonDict:
        synced = self.commands.get(place.guild_id) or self.commands.get(None) or []
        hits = [c for c in synced if c["name"] == name]
        assert hits, f"/{name} was never synced"
        return hits[0]

    def outcomes(self, interaction_id: int) -> list[Outcome]:
        return self.interactions[interaction_id].outcomes

    # -- payloads ----------------------------------------------------------------------------
    def _interaction(
        self, kind: int, person: Person, place: Place, data: JsonDict, message: Shown | None = None
    ) -> JsonDict:
        ident = next(self._ids)
        payload: JsonDict = {
            "id": str(ident),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": f"tok{ident}",
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "channel_id": str(place.channel_id),
            "channel": place.channel(person),
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "context": 0 if place.guild_id else 1,
        }
        if place.guild_id is None:
            payload["user"] = person.payload()
        else:
            payload["guild_id"] = str(place.guild_id)
            payload["member"] = {
                "user": person.payload(),
                "roles": [str(r) for r in self.roles.get(person.id, [])],
                "deaf": False,
                "mute": False,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "permissions": str(self.permissions.get(person.id, 0)),
                "flags": 0,
            }
        if message is not None:
            payload["message"] = copy.deepcopy(message.payload)
        self.interactions[ident] = Pending(payload, time.monotonic())
        return payload

    def _options(
        self, command: JsonDict, given: dict[str, str], focused: str | None
    ) -> list[JsonDict]:
        schema = {o["name"]: o for o in command.get("options", [])}
        out = []
        for name, value in given.items():
            assert name in schema, f"/{command['name']} has no option {name!r}"
            limit = schema[name].get("max_length", 6000)
            assert focused == name or len(value) <= limit, f"{name} longer than {limit}"
            option: JsonDict = {"name": name, "type": schema[name]["type"], "value": value}
            if focused == name:
                option["focused"] = True
            out.append(option)
        missing = [n for n, o in schema.items() if o.get("required") and n not in given]
        assert focused or not missing, f"required options missing: {missing}"
        return out

    def _message(self, body: JsonDict, pending: Pending, flags: int = 0) -> Shown:
        ident = next(self._ids)
        place = pending.payload
        payload = {
            "id": str(ident),
            "type": 0,
            "channel_id": place["channel_id"],
            "author": BOT,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "flags": (body.get("flags") or 0) | flags,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "application_id": str(APP_ID),
            "webhook_id": str(APP_ID),
        }
        shown = Shown(payload, pending.user_id)
        self.messages[ident] = shown
        return shown

    @staticmethod
    def _apply_edit(shown: Shown, body: JsonDict) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                shown.payload[key] = body[key] or ([] if key != "content" else "")
        shown.payload["flags"] &= ~LOADING
        shown.edits += 1

    # -- handlers ----------------------------------------------------------------------------
    @web.middleware
    async def _refusals(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(f"{request.method} {request.path}")
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except Refused as exc:
            self.refused.append(f"{exc.code}: {exc.message}")
            body = {"code": exc.code, "message": exc.message}
            if exc.code == 50035:
                body["errors"] = {
                    "body": {"_errors": [{"code": "INVALID", "message": exc.message}]}
                }
            return _json(body, exc.status)

    async def _me(self, request: web.Request) -> web.Response:
        return _json(BOT)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(APP_ID),
                "name": "hipstep",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": BOT,
                "verify_key": "00",
                "flags": 0,
                "summary": "",
                "team": None,
            }
        )

    async def _sync(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        body = await request.json()
        for command in body:
            _check_command(command)
        scope = int(guild) if guild else None
        self.commands[scope] = [
            {
                **c,
                "id": str(next(self._ids)),
                "application_id": str(APP_ID),
                "version": "1",
                "type": c.get("type", 1),
                **({"guild_id": guild} if guild else {}),
            }
            for c in body
        ]
        return _json(self.commands[scope])

    async def _callback(self, request: web.Request) -> web.Response:
        pending = self._pending(int(request.match_info["id"]), request.match_info["token"])
        if pending.acked is not None:
            raise Refused(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - pending.created > self.ack_window:
            raise Refused(404, 10062, "Unknown interaction")
        body = await request.json()
        kind, data = body["type"], body.get("data") or {}
        allowed = {COMMAND: {4, 5}, COMPONENT: {4, 5, 6, 7}, AUTOCOMPLETE: {8}}[pending.type]
        if kind not in allowed:
            raise Refused(
                400, 50035, f"response type {kind} invalid for interaction {pending.type}"
            )
        pending.acked = kind
        return _json(self._respond(pending, kind, data))

    def _respond(self, pending: Pending, kind: int, data: JsonDict) -> JsonDict:
        info: JsonDict = {"id": pending.payload["id"], "type": pending.type}
        shown: Shown | None = None
        if kind == 8:
            _check_choices(data.get("choices", []))
            pending.outcomes.append(Outcome("autocomplete", choices=data.get("choices", [])))
        elif kind in (4, 5):
            if kind == 4:
                _check_message(data, creating=True)
            body = data if kind == 4 else {"flags": data.get("flags", 0)}
            shown = self._message(body, pending, LOADING if kind == 5 else 0)
            pending.original = shown.id
            pending.outcomes.append(Outcome("reply" if kind == 4 else "defer", shown))
            info.update(
                response_message_id=str(shown.id),
                response_message_loading=kind == 5,
                response_message_ephemeral=shown.ephemeral,
            )
        elif kind == 6:
            pending.outcomes.append(Outcome("defer_update"))
        else:
            _check_message(data, creating=False)
            shown = self.messages[int(pending.payload["message"]["id"])]
            self._apply_edit(shown, data)
            pending.outcomes.append(Outcome("update", shown))
        resource = {"type": kind, "message": shown.payload} if shown is not None else None
        return {"interaction": info, **({"resource": resource} if resource else {})}

    def user_message(
        self, person: Person, place: Place, text: str, mentions: tuple[Person, ...] = ()
    ) -> JsonDict:
        """A MESSAGE_CREATE payload: `person` typed `text` in `place`."""
        payload: JsonDict = {
            "id": str(next(self._ids)),
            "type": 0,
            "channel_id": str(place.channel_id),
            "author": person.payload(),
            "content": text,
            "embeds": [],
            "components": [],
            "flags": 0,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [m.payload() for m in mentions],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
        }
        if place.guild_id is not None:
            payload["guild_id"] = str(place.guild_id)
        return payload

    async def _channel_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        _check_message(body, creating=True)
        post = {
            **body,
            "id": str(next(self._ids)),
            "channel_id": request.match_info["channel"],
            "author": BOT,
            "type": 0,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "content": body.get("content") or "",
        }
        self.channel_posts.append(post)
        return _json(post)

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        """The bot edits one of its messages (e.g. a poll it posted earlier) by its id."""
        shown = self.messages.get(int(request.match_info["message"]))
        if shown is None:
            raise Refused(404, 10008, "Unknown Message")
        body = await request.json()
        _check_message(body, creating=False)
        self._apply_edit(shown, body)
        return _json(shown.payload)

    async def _followup(self, request: web.Request) -> web.Response:
        pending = self._by_token(request.match_info["token"])
        body = await request.json()
        _check_message(body, creating=True)
        loading = self.messages.get(pending.original or 0)
        if loading is not None and loading.payload["flags"] & LOADING:
            self._apply_edit(loading, body)
            pending.outcomes.append(Outcome("followup", loading))
            return _json(loading.payload)
        shown = self._message(body, pending)
        pending.outcomes.append(Outcome("followup", shown))
        return _json(shown.payload)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        pending = self._by_token(request.match_info["token"])
        if request.match_info["message"] != "@original":
            raise Refused(404, 10008, "Unknown Message")
        body = await request.json()
        _check_message(body, creating=False)
        if pending.type == COMPONENT and pending.acked in (6, 7):
            target = self.messages[int(pending.payload["message"]["id"])]
        elif pending.original is not None:
            target = self.messages[pending.original]
        else:
            raise Refused(404, 10008, "Unknown Message")
        self._apply_edit(target, body)
        pending.outcomes.append(Outcome("update", target))
        return _json(target.payload)

    def _pending(self, ident: int, token: str) -> Pending:
        pending = self.interactions.get(ident)
        if pending is None or pending.payload["token"] != token:
            raise Refused(404, 10062, "Unknown interaction")
        return pending

    def _by_token(self, token: str) -> Pending:
        hits = [p for p in self.interactions.values() if p.payload["token"] == token]
        if not hits or hits[0].acked is None:
            raise Refused(404, 10015, "Unknown Webhook")
        return hits[0]


def _json(body: Any, status: int = 200) -> web.Response:
    # discord.py decodes JSON only for exactly this content type (no charset).
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _refuse(problem: str) -> None:
    raise Refused(400, 50035, problem)


def _check_command(command: JsonDict) -> None:
    name, description = command.get("name", ""), command.get("description", "")
    if not (1 <= len(name) <= 32 and name == name.lower()):
        _refuse(f"command name {name!r}")
    if not 1 <= len(description) <= 100:
        _refuse(f"/{name} description length {len(description)}")
    for option in command.get("options", []):
        if not 1 <= len(option.get("description", "")) <= 100:
            _refuse(f"/{name} option {option.get('name')} description")


def _check_choices(choices: list[JsonDict]) -> None:
    if len(choices) > 25:
        _refuse(f"{len(choices)} autocomplete choices")
    for choice in choices:
        if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
            _refuse(f"autocomplete choice {choice}")


def _check_message(body: JsonDict, creating: bool) -> None:
    content, embeds = body.get("content") or "", body.get("embeds") or []
    rows = body.get("components") or []
    if len(content) > 2000:
        _refuse(f"content is {len(content)} characters")
    if creating and not (content or embeds or rows):
        raise Refused(400, 50006, "Cannot send an empty message")
    _check_embeds(embeds)
    _check_components(rows)


def _check_embeds(embeds: list[JsonDict]) -> None:
    if len(embeds) > 10:
        _refuse(f"{len(embeds)} embeds")
    total = 0
    for embed in embeds:
        limits = (("title", 256), ("description", 4096))
        for key, limit in limits:
            if len(embed.get(key, "")) > limit:
                _refuse(f"embed {key} over {limit}")
        fields = embed.get("fields", [])
        if len(fields) > 25:
            _refuse(f"{len(fields)} embed fields")
        for f in fields:
            if not (1 <= len(f["name"]) <= 256 and 1 <= len(f["value"]) <= 1024):
                _refuse(f"embed field {f['name'][:40]!r} of {len(f['value'])} characters")
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
        total += len(embed.get("footer", {}).get("text", ""))
    if total > 6000:
        _refuse(f"embeds total {total} characters")


def _check_components(rows: list[JsonDict]) -> None:
    if len(rows) > 5:
        _refuse(f"{len(rows)} action rows")
    seen: set[str] = set()
    for row in rows:
        items = row["components"]
        if row["type"] != 1 or not 1 <= len(items) <= 5:
            _refuse(f"action row with {len(items)} components")
        if any(c["type"] == SELECT for c in items) and len(items) > 1:
            _refuse("a select menu must be alone in its row")
        for item in items:
            custom_id = item.get("custom_id", "")
            if not 1 <= len(custom_id) <= 100 or custom_id in seen:
                _refuse(f"custom_id {custom_id!r}")
            seen.add(custom_id)
            if item["type"] == BUTTON and not 1 <= len(item.get("label", "")) <= 80:
                _refuse(f"button label {item.get('label', '')!r}")
            if item["type"] == SELECT:
                _check_select(item)


def _check_select(menu: JsonDict) -> None:
    options = menu["options"]
    if not 1 <= len(options) <= 25:
        _refuse(f"select with {len(options)} options")
    low, high = menu.get("min_values", 1), menu.get("max_values", 1)
    if not (0 <= low <= high <= len(options)) or len(menu.get("placeholder", "")) > 150:
        _refuse(f"select values {low}..{high} of {len(options)}")
    for option in options:
        if not (1 <= len(option["label"]) <= 100 and 1 <= len(option["value"]) <= 100):
            _refuse(f"select option {option['label'][:40]!r}")
    if sum(bool(o.get("default")) for o in options) > high:
        _refuse("more defaults than max_values")
