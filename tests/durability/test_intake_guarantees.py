"""What the Telegram intake promises, through the real library against the fake Bot API: one
user's flood or a slow store never holds other users up, each user's updates are answered in
order, and the webhook acknowledges an update only once it is stored (refusing junk quietly).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from adapters.telegram.app import build_application, running
from adapters.telegram.intake import IDLE_CHECK, DurableIntake
from bot.engine import Engine
from bot.service import CoachService
from bot.session import Session
from bot.store.base import SessionKey, StoreUnavailable
from bot.store.memory import MemoryStore
from tests.core.helpers import as_read, squash
from tests.store.redis_server import free_port
from tests.telegram.conftest import telegram_settings
from tests.telegram.driver import Person, Telegram, private_chat, shown
from tests.telegram.fake_telegram import Call, FakeTelegram
from tests.telegram.fake_webhook import SECRET_HEADER, WebhookSender

ANN = Person(1001, "Ann", "ann_lifts")
BOB = Person(1002, "Bob", "bob_squats")
FLOOD = 2000
SLOW_LOAD = 1.0  # seconds each session load takes on the slow store
SECRET = "hook-secret-for-tests"


class SlowStore(MemoryStore):
    """A store whose every session load takes a second (a store under strain)."""

    async def load(self, key: SessionKey) -> Session | None:
        await asyncio.sleep(SLOW_LOAD)
        return await super().load(key)


class InboxDownStore(MemoryStore):
    """A store whose inbox writes fail while `down`; counts the refused writes."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.refused = 0

    async def inbox_put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        if self.down:
            self.refused += 1
            raise StoreUnavailable("the store is down (test)")
        return await super().inbox_put(platform, entries)


@asynccontextmanager
async def bot_on(fake: FakeTelegram, service: CoachService, **settings: Any) -> AsyncIterator[None]:
    """The real Application receiving from the fake (polling, or a webhook if configured)."""
    configured = telegram_settings(fake, **settings)
    async with running(build_application(configured, service), configured):
        yield


def replies_to(fake: FakeTelegram, person: Person) -> list[Call]:
    return [c for c in fake.sent_to(person.id) if c.method == "sendMessage"]


def topic_answered(engine: Engine, call: Call) -> str:
    """Which FAQ topic a reply answers, read from its text as the user sees it."""
    text = squash(shown(call))
    hits = [t.id for t in engine.content.faq.topics if squash(as_read(t.answer)) in text]
    assert len(hits) == 1, f"reply answers {hits}: {text[:80]!r}"
    return hits[0]


async def test_a_flooding_user_does_not_delay_another_beyond_a_second(
    fake: FakeTelegram, engine: Engine
) -> None:
    """Ann sends 2,000 messages, then Bob one: Bob is answered within a second while Ann's are
    still being worked through, and Ann's answers come back in the order she asked."""
    service = CoachService(engine, MemoryStore())
    telegram = Telegram(fake, service.store)
    topics = [t.id for t in engine.content.faq.topics]
    asked = [topics[n % len(topics)] for n in range(FLOOD)]

    async with bot_on(fake, service):
        for topic in asked:
            fake.push(telegram.message_update(private_chat(ANN), ANN, f"/faq {topic}"))
        pushed = time.monotonic()
        fake.push(telegram.message_update(private_chat(BOB), BOB, "/help"))
        await fake.wait_for(lambda: bool(replies_to(fake, BOB)), timeout=10)
        bob_waited = time.monotonic() - pushed
        ann_answered_by_then = len(replies_to(fake, ANN))
        await telegram.settle(timeout=60)

    assert bob_waited < 1.0, f"Bob waited {bob_waited:.2f} s behind Ann's flood"
    assert ann_answered_by_then < FLOOD, "Ann's flood was over before Bob was answered"
    assert [topic_answered(engine, c) for c in replies_to(fake, ANN)] == asked


async def test_a_slow_store_does_not_make_users_wait_for_each_other(
    fake: FakeTelegram, engine: Engine
) -> None:
    """Ten users, one message each, on a store that takes a second per load: all ten are
    answered in about the time of one (one after the other would take ten seconds)."""
    service = CoachService(engine, SlowStore())
    telegram = Telegram(fake, service.store)
    users = [Person(5000 + n, f"Lifter {n}") for n in range(10)]

    async with bot_on(fake, service):
        started = time.monotonic()
        for person in users:
            fake.push(telegram.message_update(private_chat(person), person, "/help"))
        await fake.wait_for(lambda: all(replies_to(fake, p) for p in users), timeout=15)
        took = time.monotonic() - started

    assert took < 2.5, f"ten users on a 1 s store took {took:.1f} s"
    assert all(len(replies_to(fake, p)) == 1 for p in users)


async def test_a_webhook_body_that_is_not_an_update_is_refused_and_never_logged(
    fake: FakeTelegram, service: CoachService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "MARKER-7f3c-do-not-log"
    bodies = [f'{{"note": "{marker}"}}', f"not json at all {marker}", f'["{marker}"]']

    async with webhook_bot(fake, service) as url, aiohttp.ClientSession() as web:
        statuses = [await post(web, url, body, SECRET) for body in bodies]

    assert statuses == [400, 400, 400]
    assert marker not in caplog.text
    assert not any(marker in str(r.args) for r in caplog.records)


async def test_a_webhook_body_with_an_update_id_but_no_update_is_refused_and_not_kept(
    fake: FakeTelegram, service: CoachService
) -> None:
    bodies = [{"update_id": 77, "message": {"text": "hi"}}, {"update_id": 78, "callback_query": {}}]

    async with webhook_bot(fake, service) as url, aiohttp.ClientSession() as web:
        statuses = [await post(web, url, json.dumps(body), SECRET) for body in bodies]
        await asyncio.sleep(0.3)
        left_in_inbox = (await service.store.inbox_stats("telegram"))[0]

    assert statuses == [400, 400]
    assert left_in_inbox == 0


async def test_a_webhook_post_without_the_secret_is_refused_and_not_handled(
    fake: FakeTelegram, service: CoachService
) -> None:
    update = Telegram(fake, service.store).message_update(private_chat(ANN), ANN, "/help")
    body = json.dumps(update | {"update_id": 1})

    async with webhook_bot(fake, service) as url, aiohttp.ClientSession() as web:
        statuses = [await post(web, url, body, secret) for secret in (None, "", "guess")]
        await asyncio.sleep(0.2)

    assert statuses == [403, 403, 403]
    assert replies_to(fake, ANN) == []
    assert (await service.store.inbox_stats("telegram"))[0] == 0


async def test_a_webhook_update_refused_while_the_store_is_down_is_answered_once_it_is_back(
    fake: FakeTelegram, engine: Engine
) -> None:
    """503 while the inbox cannot be written, so Telegram keeps the update and sends it again;
    once the store is back the update is stored, acknowledged and answered, exactly once."""
    store = InboxDownStore()
    service = CoachService(engine, store)
    telegram = Telegram(fake, store)
    fake.push(telegram.message_update(private_chat(ANN), ANN, "/help"))
    update = fake.undelivered()[0]
    store.down = True

    async with webhook_bot(fake, service) as url:
        async with aiohttp.ClientSession() as web:
            first_try = await post(web, url, json.dumps(update), SECRET)
        async with WebhookSender(fake):
            await until(lambda: store.refused >= 3, timeout=5)  # Telegram keeps trying
            assert replies_to(fake, ANN) == [] and fake.undelivered() == [update]
            store.down = False
            await fake.wait_for(lambda: bool(replies_to(fake, ANN)), timeout=5)
            await until(lambda: not fake.undelivered(), timeout=5)
        await asyncio.sleep(0.2)  # room for a wrongly repeated answer to show

    assert first_try == 503
    assert [shown(c) for c in replies_to(fake, ANN)] == [as_read(engine.content.texts.help)]


@asynccontextmanager
async def webhook_bot(fake: FakeTelegram, service: CoachService) -> AsyncIterator[str]:
    """The bot in webhook mode on a free local port; yields the URL Telegram posts to."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with bot_on(
        fake,
        service,
        telegram_webhook_url=url,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret=SECRET,
    ):
        assert fake.webhook["url"] == url
        yield url


async def post(web: aiohttp.ClientSession, url: str, body: str, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with web.post(url, data=body.encode(), headers=headers) as response:
        return response.status


async def until(condition: Callable[[], bool], timeout: float) -> None:
    async def check() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(check(), timeout)


class RecordingApp:
    """What the intake needs of a PTB Application: a bot, bot_data and process_update."""

    def __init__(self) -> None:
        self.bot = None
        self.bot_data: dict[str, Any] = {}
        self.handled: list[int] = []

    async def process_update(self, update: Any) -> None:
        await asyncio.sleep(0)
        self.handled.append(update.update_id)


async def test_a_burst_bigger_than_the_buffer_is_worked_through_without_a_pause() -> None:
    """Ten times more updates than the intake buffers arrive at once (all already in the
    inbox, so no new arrival wakes it): a full buffer resumes as soon as a job finishes,
    never waiting for the idle check (5 s) to look at the inbox again."""
    app, store = RecordingApp(), MemoryStore()
    intake = DurableIntake(app, store, consumer="test", max_buffered=8)
    burst = [{"update_id": n, "message": None} for n in range(80)]
    await intake.receive(burst)
    running_intake = asyncio.create_task(intake.run())
    try:
        await until(lambda: len(app.handled) == len(burst), timeout=IDLE_CHECK / 2)
    finally:
        running_intake.cancel()
        await intake.runner.close()
    assert sorted(app.handled) == list(range(80))


async def test_a_stored_entry_that_is_not_an_update_is_dropped_and_the_rest_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An inbox row damaged on disk (not JSON, or JSON but no update) is logged by id and
    marked done; the updates stored around it are handled as usual."""
    app, store = RecordingApp(), MemoryStore()
    intake = DurableIntake(app, store, consumer="test")
    rows = [
        ("1", b'{"update_id": 1}'),
        ("2", b"\\xff not json"),
        ("3", b"[3]"),
        ("4", b'{"update_id": 4}'),
    ]
    await store.inbox_put("telegram", rows)
    running_intake = asyncio.create_task(intake.run())
    try:
        await until(lambda: len(app.handled) == 2, timeout=IDLE_CHECK / 2)
        await intake.drain()
    finally:
        running_intake.cancel()
        await intake.runner.close()
    assert app.handled == [1, 4]
    assert (await store.inbox_stats("telegram"))[0] == 0  # nothing left waiting
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 2 and "not json" not in caplog.text
