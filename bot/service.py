"""The async seam: session key + event -> load session -> engine -> save -> replies.

Exactly-once per event id: the ids of recent events live inside the session and are saved with
it by compare-and-set, so a duplicate delivery or a race between two workers never applies an
event twice and never loses one.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
import weakref
from dataclasses import dataclass

from pydantic import TypeAdapter

from bot.buttons import Action, BadButtonData, ButtonData
from bot.content import Texts
from bot.engine import Engine
from bot.messages import (
    PRIVATE_CHAT,
    ChoiceEvent,
    Command,
    CommandEvent,
    Delivery,
    EngineEvent,
    Event,
    Origin,
    PressEvent,
    Reply,
    ReplyKind,
    TextEvent,
)
from bot.metrics import Metrics
from bot.session import Session
from bot.store.base import SessionKey, Store, StoreUnavailable, VersionConflict

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_BACKOFF = 0.005  # seconds after a lost race; doubles with each retry, with full jitter
SHARED_ACTIONS = {Action.GO, Action.TOPIC, Action.PAGE}  # what a shared post's buttons may do
OUTBOX: TypeAdapter[list[Reply]] = TypeAdapter(list[Reply])
EVENT_KINDS = {CommandEvent: "command", PressEvent: "press", TextEvent: "text"}


@dataclass(frozen=True, slots=True)
class Turn:
    """How one event arrived: its platform id, where, and whether it is a crash replay."""

    event_id: str | None
    origin: Origin
    replay: bool = False


class CoachService:
    """Runs one event for one session against a store; safe to share between tasks and workers."""

    def __init__(self, engine: Engine, store: Store, metrics: Metrics | None = None) -> None:
        self.engine = engine
        self.store = store
        self.metrics = metrics
        self._store_down = False
        # One turn at a time per session in this process: its own tasks never race each other,
        # so version conflicts come only from other workers, and backing off settles those.
        self._turns: weakref.WeakValueDictionary[SessionKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @property
    def texts(self) -> Texts:
        """The bot's own lines, for adapters (labels, command menus, error lines)."""
        return self.engine.content.texts

    def search_topics(self, text: str, limit: int) -> list[tuple[str, str, float]]:
        return self.engine.search_topics(text, limit)

    def command_menu(self, *, group: bool) -> list[tuple[str, str]]:
        return self.engine.command_menu(group=group)

    async def handle(
        self,
        key: SessionKey,
        event: Event,
        event_id: str | None = None,
        origin: Origin = PRIVATE_CHAT,
        *,
        replay: bool = False,
    ) -> list[Reply]:
        """Apply `event` to the session `key`; the replies to send (none for a duplicate).

        `replay` marks an update handled again after a crash: if its event was applied already,
        the replies saved with it are returned to be sent again (they may never have left).
        """
        started = time.perf_counter()
        admitted = self._admit(key, event)
        if isinstance(admitted, Reply):
            replies = [admitted]
        else:
            replies = await self._turn(key, admitted, Turn(event_id, origin, replay))
        if self.metrics is not None:
            self._record(key.platform, event, replies, time.perf_counter() - started)
        return replies

    async def _turn(self, key: SessionKey, event: EngineEvent, turn: Turn) -> list[Reply]:
        try:
            replies = await self._handle(key, event, turn)
        except StoreUnavailable as exc:
            self._note_store_down(exc)
            if self.metrics is not None:
                self.metrics.store_errors.inc()
            return [self.engine.store_unavailable_reply()]
        if self._store_down:
            self._store_down = False
            logger.info("session store reachable again")
        return replies

    def _record(self, platform: str, event: Event, replies: list[Reply], seconds: float) -> None:
        assert self.metrics is not None
        self.metrics.updates.labels(platform, EVENT_KINDS[type(event)]).inc()
        self.metrics.turn_seconds.labels(platform).observe(seconds)
        if any(r.kind is ReplyKind.DECLINE for r in replies):
            self.metrics.faq_declines.labels(platform).inc()

    def _admit(self, key: SessionKey, event: Event) -> EngineEvent | Reply:
        """A press counts only if its data is well formed, on the message pressed, and the
        presser's own (or a shared post's); otherwise a notice, and nothing is touched."""
        if not isinstance(event, PressEvent):
            return event
        try:
            data = ButtonData.unpack(event.raw)
        except BadButtonData:
            return self.engine.bad_button_reply()
        if event.on_message is not None and event.raw not in event.on_message:
            return self.engine.bad_button_reply()
        if not data.shared and data.owner != key.user:
            return self.engine.not_yours_reply()
        if data.shared and data.action not in SHARED_ACTIONS:
            return self.engine.bad_button_reply()
        try:
            selected = tuple(_picked_answer(data, raw) for raw in event.selected)
        except BadButtonData:
            return self.engine.bad_button_reply()
        return ChoiceEvent(data, selected)

    async def _handle(self, key: SessionKey, event: EngineEvent, turn: Turn) -> list[Reply]:
        if isinstance(event, CommandEvent) and event.name is Command.FORGET:
            if turn.event_id is not None and not await self.store.mark_seen(turn.event_id):
                return []
            await self.store.forget_user(key.platform, key.user)
            return [self.engine.forgotten_reply()]
        lock = self._turns.get(key)
        if lock is None:
            lock = self._turns[key] = asyncio.Lock()
        async with lock:
            return await self._apply(key, event, turn)

    async def _apply(self, key: SessionKey, event: EngineEvent, turn: Turn) -> list[Reply]:
        event_id = turn.event_id
        for attempt in range(MAX_ATTEMPTS):
            stored = await self._load(key)
            session = stored if stored is not None else self._fresh()
            if event_id is not None and event_id in session.seen_events:
                logger.debug("duplicate event %s for %s", event_id, key)
                replayed = turn.replay and session.outbox_event == event_id
                return OUTBOX.validate_json(session.outbox) if replayed else []
            if stored is None and event_id is not None and await self.store.seen(event_id):
                return []  # applied before the user's /forget: nothing is created again
            expected = session.version
            new_session, replies = self.engine.handle(session, event, key.user, turn.origin)
            if stored is None and all(r.delivery is Delivery.ALERT for r in replies):
                return replies  # a stray press on no conversation stores nothing
            if event_id is not None:
                new_session.remember_event(event_id)
                new_session.outbox_event = event_id
                new_session.outbox = OUTBOX.dump_json(replies).decode()
            new_session.version = expected + 1
            try:
                await self.store.save(key, new_session, expected)
            except VersionConflict:
                logger.debug("version conflict on %s, retrying", key)
                await asyncio.sleep(random.uniform(0, FIRST_BACKOFF * 2**attempt))
                continue
            return replies
        raise StoreUnavailable(f"could not save {key} after {MAX_ATTEMPTS} attempts")

    async def _load(self, key: SessionKey) -> Session | None:
        """The stored session; one that cannot be read is dropped (logged) and started afresh."""
        try:
            return await self.store.load(key)
        except ValueError as exc:
            # the error's type only: its text may quote the stored answers (health data)
            logger.warning("unreadable session %s dropped (%s)", key, type(exc).__name__)
            await self.store.delete(key)
            return None

    def _fresh(self) -> Session:
        return Session(salt=secrets.token_hex(2))

    def _note_store_down(self, exc: Exception) -> None:
        if not self._store_down:
            logger.error("session store unavailable: %s", exc)
            self._store_down = True
        else:
            logger.debug("session store still unavailable: %s", exc)


def _picked_answer(select: ButtonData, raw: str) -> str:
    """One chosen value of a multi-select: an answer to the select's own question, same quiz."""
    answer = ButtonData.unpack(raw)
    same = (answer.owner, answer.nonce, answer.question) == (
        select.owner,
        select.nonce,
        select.question,
    )
    if select.action is not Action.SELECT or answer.action is not Action.ANSWER or not same:
        raise BadButtonData("a selected value that does not belong to this menu")
    return answer.value
