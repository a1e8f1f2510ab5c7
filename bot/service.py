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
from collections.abc import Callable
from dataclasses import replace

from bot.engine import Engine
from bot.messages import Command, Event, EventKind, Reply
from bot.option_data import split_owner, stamp_owner
from bot.session import Session
from bot.store.base import SessionKey, Store, StoreUnavailable, VersionConflict

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_BACKOFF = 0.005  # seconds after a lost race; doubles with each retry, with full jitter


class CoachService:
    """Runs one event for one session against a store; safe to share between tasks and workers."""

    def __init__(
        self, engine: Engine, store: Store, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.store = store
        self._clock = clock
        self._store_down = False
        # One turn at a time per session in this process: its own tasks never race each other,
        # so version conflicts come only from other workers, and backing off settles those.
        self._turns: weakref.WeakValueDictionary[SessionKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def handle(
        self, key: SessionKey, event: Event, event_id: str | None = None
    ) -> list[Reply]:
        """Apply `event` to the session `key`; the replies to send (none for a duplicate)."""
        try:
            replies = await self._handle(key, event, event_id)
        except StoreUnavailable as exc:
            self._note_store_down(exc)
            return [self.engine.store_unavailable_reply()]
        if self._store_down:
            self._store_down = False
            logger.info("session store reachable again")
        return [self._stamp(key, reply) for reply in replies]

    async def _handle(self, key: SessionKey, event: Event, event_id: str | None) -> list[Reply]:
        if event.kind is EventKind.CHOICE:
            owner, data = split_owner(event.value)
            if owner is not None and owner != key.user:
                return [self.engine.not_yours_reply()]
            event = Event.choice(data)
        if event.kind is EventKind.COMMAND and event.value == Command.FORGET:
            if event_id is not None and not await self.store.mark_seen(event_id):
                return []
            await self.store.forget_user(key.platform, key.user)
            return self.engine.handle(self._fresh(), event)[1]
        async with self._turns.setdefault(key, asyncio.Lock()):
            return await self._apply(key, event, event_id)

    async def _apply(self, key: SessionKey, event: Event, event_id: str | None) -> list[Reply]:
        for attempt in range(MAX_ATTEMPTS):
            stored = await self._load(key)
            session = stored if stored is not None else self._fresh()
            if event_id is not None and event_id in session.seen_events:
                logger.debug("duplicate event %s for %s ignored", event_id, key)
                return []
            expected = session.version
            new_session, replies = self.engine.handle(session, event)
            if event_id is not None:
                new_session.remember_event(event_id)
            new_session.version = expected + 1
            new_session.updated_at = self._clock()
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
            logger.warning("unreadable session %s dropped: %s", key, str(exc)[:200])
            await self.store.delete(key)
            return None

    def _fresh(self) -> Session:
        return Session(salt=secrets.token_hex(2), updated_at=self._clock())

    def _stamp(self, key: SessionKey, reply: Reply) -> Reply:
        if not reply.options:
            return reply
        options = tuple(replace(o, data=stamp_owner(key.user, o.data)) for o in reply.options)
        return replace(reply, options=options)

    def _note_store_down(self, exc: Exception) -> None:
        if not self._store_down:
            logger.error("session store unavailable: %s", exc)
            self._store_down = True
        else:
            logger.debug("session store still unavailable: %s", exc)
