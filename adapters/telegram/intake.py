"""Durable intake: an update is acknowledged to Telegram only once it is in the store's inbox.

Polling and the webhook both call `receive` (one write per batch) before Telegram is told the
updates arrived; a consumer claims entries from the inbox, runs them through the Application's
handlers (per conversation in order, conversations in parallel) and marks them done once the
replies are sent. Entries a dead worker claimed are taken over after `takeover` seconds (at once
on start when no other process shares the store). An entry claimed for the second time is a
replay: its handler is told so, and the service sends the replies saved with it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Hashable, Sequence
from contextlib import suppress
from typing import Any

from telegram import Update

from bot.keyed import KeyedRunner
from bot.metrics import Metrics
from bot.store.base import InboxEntry, Store, StoreUnavailable

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
REPLAYED = "replayed_updates"  # bot_data key: update ids being handled again after a crash
CLAIM_LIMIT = 256
MAX_BUFFERED = 2048  # claimed and not finished; past this, claiming waits
IDLE_CHECK = 5.0  # seconds between looks for a dead worker's entries when nothing arrives
RETRY_AFTER_OUTAGE = 1.0
ROUTED = ("message", "edited_message", "callback_query")


def conversation_of(payload: dict[str, Any]) -> Hashable:
    """(chat, user) of an update, read from the raw JSON; the update id when it has neither."""
    for field in ROUTED:
        part = payload.get(field)
        if isinstance(part, dict):
            chat = part.get("chat") or (part.get("message") or {}).get("chat") or {}
            return (chat.get("id"), (part.get("from") or {}).get("id"))
    return payload.get("update_id")


class DurableIntake:
    """The inbox between Telegram and the handlers; `app` is a PTB Application (or anything with
    `bot`, `bot_data` and `process_update`)."""

    def __init__(
        self,
        app: Any,
        store: Store,
        *,
        consumer: str,
        in_flight: int = 16,
        takeover: float = 30.0,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.consumer = consumer
        self.takeover = takeover
        self.metrics = metrics
        self.runner = KeyedRunner(in_flight)
        self._wake = asyncio.Event()
        self._first_claim = True
        app.bot_data.setdefault(REPLAYED, set())

    async def receive(self, entries: Sequence[tuple[str, bytes]]) -> None:
        """Write received updates durably; raises StoreUnavailable (then don't acknowledge)."""
        if entries:
            await self.store.inbox_put(PLATFORM, entries)
            self._wake.set()

    async def run(self) -> None:
        """Claim and dispatch until cancelled; a store outage pauses it, never ends it."""
        while True:
            self._wake.clear()
            try:
                entries = await self._claim()
            except StoreUnavailable as exc:
                logger.warning("inbox unreachable, retrying: %s", exc)
                await asyncio.sleep(RETRY_AFTER_OUTAGE)
                continue
            for entry in entries:
                payload = json.loads(entry.payload)
                self.runner.submit(conversation_of(payload), self._job(entry, payload))
            if not entries:
                await self._record_depth()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_CHECK)

    async def drain(self) -> None:
        """Wait for everything claimed so far to be handled (a graceful stop)."""
        await self.runner.join()

    async def _claim(self) -> list[InboxEntry]:
        room = MAX_BUFFERED - self.runner.pending
        if room <= 0:
            await asyncio.sleep(0.01)
            return []
        takeover = 0.0 if self._first_claim and not self.store.shared else self.takeover
        self._first_claim = False
        return await self.store.inbox_claim(
            PLATFORM, self.consumer, min(room, CLAIM_LIMIT), takeover
        )

    def _job(self, entry: InboxEntry, payload: dict[str, Any]) -> Any:
        async def handle() -> None:
            update = Update.de_json(payload, self.app.bot)
            replayed: set[int] = self.app.bot_data[REPLAYED]
            if entry.attempts > 1:
                replayed.add(update.update_id)
            try:
                await self.app.process_update(update)
            finally:
                replayed.discard(update.update_id)
            await self._done(entry.id)

        return handle

    async def _done(self, entry_id: str) -> None:
        for _ in range(3):
            try:
                await self.store.inbox_done(PLATFORM, [entry_id])
                return
            except StoreUnavailable:
                await asyncio.sleep(RETRY_AFTER_OUTAGE)
        logger.error("inbox entry %s handled but not marked done; it may be replayed", entry_id)

    async def _record_depth(self) -> None:
        if self.metrics is None:
            return
        with suppress(StoreUnavailable):
            depth, oldest = await self.store.inbox_stats(PLATFORM)
            self.metrics.inbox_depth.labels(PLATFORM).set(depth)
            self.metrics.inbox_oldest_seconds.labels(PLATFORM).set(oldest)
