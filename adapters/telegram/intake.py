"""Durable intake: an update is acknowledged to Telegram only once it is in the store's inbox.

Polling and the webhook both call `receive` (one write per batch) before Telegram is told the
updates arrived; a consumer claims entries from the inbox, runs them through the Application's
handlers (per conversation in order, conversations in parallel) and marks them done once the
replies are sent. Entries a dead worker claimed are taken over after `takeover` seconds; when no
other process shares the store (SQLite), everything claimed before this process started is
taken over at once. An entry claimed for the second time is a replay: its handler is told so,
and the service sends the replies saved with it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable, Sequence
from contextlib import suppress
from typing import Any

import orjson
from telegram import Update

from bot.keyed import KeyedRunner
from bot.metrics import Metrics
from bot.store.base import InboxEntry, Store, StoreUnavailable

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
REPLAYED = "replayed_updates"  # bot_data key: update ids being handled again after a crash
CLAIM_LIMIT = 256
MAX_BUFFERED = 2048  # claimed and not finished; past this, claiming waits
PARSED_KEPT = 2 * MAX_BUFFERED  # received updates kept parsed, awaiting their claim
# Seconds between looks at the inbox when nothing arrives here: with a shared store another
# worker may have received updates (and some may be a dead worker's to take over).
IDLE_CHECK, SHARED_IDLE_CHECK = 5.0, 0.1
RETRY_AFTER_OUTAGE = 1.0
PROCESS_START_MARGIN = 0.001  # seconds: claims older than our start came from a dead process
ROUTED = ("message", "edited_message", "callback_query")


def conversation_of(payload: dict[str, Any]) -> Hashable:
    """(chat, user) of an update, read from the raw JSON; the update id when it has neither."""
    for field in ROUTED:
        part = payload.get(field)
        if isinstance(part, dict):
            chat = part.get("chat") or (part.get("message") or {}).get("chat") or {}
            return (chat.get("id"), (part.get("from") or {}).get("id"))
    return payload.get("update_id")


def _parsed(entry: InboxEntry) -> dict[str, Any]:
    """A stored update; {} for one that is not a JSON object (its job then drops it, logged)."""
    try:
        payload = orjson.loads(entry.payload)
    except orjson.JSONDecodeError:
        return {}
    return payload if isinstance(payload, dict) else {}


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
        max_buffered: int = MAX_BUFFERED,
        takeover: float = 30.0,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.consumer = consumer
        self.takeover = takeover
        self.max_buffered = max_buffered
        self.metrics = metrics
        self.runner = KeyedRunner(in_flight)
        self._wake = asyncio.Event()
        self._started = time.time()
        self._held: set[str] = set()  # claimed here and not finished
        self._parsed: dict[str, dict[str, Any]] = {}  # received here and not yet claimed
        self._finished: list[str] = []  # finished, to be marked done in the store
        self._flushing: asyncio.Task[None] | None = None
        app.bot_data.setdefault(REPLAYED, set())

    async def receive(self, updates: Sequence[dict[str, Any]], raw: bytes | None = None) -> None:
        """Write received updates durably; raises StoreUnavailable (then don't acknowledge).

        `raw` is the JSON text of a single update as it arrived (the webhook's body). The
        parsed updates are kept in memory too, so what this process claims back is not parsed
        again (another worker's claims, or a replay after a restart, parse the stored text).
        """
        if not updates:
            return
        if raw is not None and len(updates) == 1:
            entries = [(str(updates[0]["update_id"]), raw)]
        else:
            entries = [(str(u["update_id"]), orjson.dumps(u)) for u in updates]
        await self.store.inbox_put(PLATFORM, entries)
        for (entry_id, _), update in zip(entries, updates, strict=True):
            self._parsed[entry_id] = update
        while len(self._parsed) > PARSED_KEPT:  # claimed elsewhere: never collected here
            del self._parsed[next(iter(self._parsed))]
        self._wake.set()

    async def run(self) -> None:
        """Claim and dispatch until cancelled; a store outage pauses it, never ends it."""
        keeping = asyncio.create_task(self._keep_claims()) if self.store.shared else None
        try:
            await self._claim_and_dispatch()
        finally:
            if keeping is not None:
                keeping.cancel()

    async def _claim_and_dispatch(self) -> None:
        while True:
            self._wake.clear()
            try:
                entries = await self._claim()
            except StoreUnavailable as exc:
                logger.warning("inbox unreachable, retrying: %s", exc)
                await asyncio.sleep(RETRY_AFTER_OUTAGE)
                continue
            self._held.update(entry.id for entry in entries)
            for entry in entries:
                payload = self._parsed.pop(entry.id, None) or _parsed(entry)
                self.runner.submit(conversation_of(payload), self._job(entry, payload))
            if not entries:
                await self._record_depth()
                idle = SHARED_IDLE_CHECK if self.store.shared else IDLE_CHECK
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle)

    async def drain(self) -> None:
        """Wait for everything claimed so far to be handled and marked done (a graceful stop)."""
        await self.runner.join()
        if self._flushing is not None:
            await self._flushing

    async def _claim(self) -> list[InboxEntry]:
        # A full buffer waits for a job to finish, not for new updates: a burst bigger than the
        # buffer may already be wholly in the inbox, and nothing else would wake this loop.
        # It claims a chunk at a time, not one entry per finished job: each claim is a store
        # round trip.
        chunk = max(1, min(CLAIM_LIMIT, self.max_buffered // 4))
        await self.runner.wait_below(self.max_buffered - chunk + 1)
        room = self.max_buffered - self.runner.pending
        takeover = self.takeover
        if not self.store.shared:  # only a process before this one can have left entries
            takeover = time.time() - self._started + PROCESS_START_MARGIN
        return await self.store.inbox_claim(
            PLATFORM, self.consumer, min(room, CLAIM_LIMIT), takeover
        )

    def _job(self, entry: InboxEntry, payload: dict[str, Any]) -> Any:
        async def handle() -> None:
            try:
                update = Update.de_json(payload, self.app.bot)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                logger.error(
                    "inbox entry %s is no update PTB can read (%s); dropped", entry.id, exc
                )
                await self._done(entry.id)
                return
            replayed: set[int] = self.app.bot_data[REPLAYED]
            if entry.attempts > 1:
                replayed.add(update.update_id)
            try:
                await self.app.process_update(update)
            finally:
                replayed.discard(update.update_id)
            await self._done(entry.id)

        return handle

    async def _keep_claims(self) -> None:
        """While entries wait in this worker's queues, tell the store they are not abandoned."""
        while True:
            await asyncio.sleep(self.takeover / 3)
            with suppress(StoreUnavailable):
                await self.store.inbox_touch(PLATFORM, self.consumer, list(self._held))

    async def _done(self, entry_id: str) -> None:
        """Mark finished; entries finishing in the same loop tick share one store write."""
        self._held.discard(entry_id)
        self._finished.append(entry_id)
        if len(self._finished) == 1:
            self._flushing = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the other jobs finishing now join this batch
        ids, self._finished = self._finished, []
        for _ in range(3):
            try:
                await self.store.inbox_done(PLATFORM, ids)
                return
            except StoreUnavailable:
                await asyncio.sleep(RETRY_AFTER_OUTAGE)
        logger.error("%d inbox entries handled but not marked done; may be replayed", len(ids))

    async def _record_depth(self) -> None:
        if self.metrics is None:
            return
        with suppress(StoreUnavailable):
            depth, oldest = await self.store.inbox_stats(PLATFORM)
            self.metrics.inbox_depth.labels(PLATFORM).set(depth)
            self.metrics.inbox_oldest_seconds.labels(PLATFORM).set(oldest)
