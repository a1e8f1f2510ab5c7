"""A bot killed (SIGKILL) in the middle of a burst loses no update: after a restart every user
is answered. Through the real process, polling and webhook, against the fake Bot API that
re-delivers what was not acknowledged, as Telegram does.

A reply can go out twice only when the kill lands between the reply reaching Telegram and the
inbox recording it (Telegram offers no idempotent send): at most the updates in flight plus
those finished in the loop tick before (marked done together), so at most twice IN_FLIGHT.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from redis.asyncio import Redis

from bot.store.redis_inbox import GROUP
from tests.durability.bot_process import kill, start_bot, stop
from tests.store.redis_server import free_port
from tests.telegram.driver import Person, private_chat
from tests.telegram.fake_telegram import FakeTelegram
from tests.telegram.fake_webhook import WebhookSender

USERS = [Person(700_000 + n, f"Lifter {n}") for n in range(1000)]
IN_FLIGHT = 16
KILL_AFTER = 300  # replies sent before the crash


def push_burst(fake: FakeTelegram) -> None:
    for n, person in enumerate(USERS):
        chat = private_chat(person)
        message = {
            "message_id": 1,
            "date": 1_795_000_000,
            "chat": chat.as_json(),
            "from": person.as_json(),
            "text": "how high should the step be" if n % 2 else "/help",
        }
        if n % 2 == 0:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": 5}]
        fake.push({"message": message})


def replies_per_user(fake: FakeTelegram) -> Counter[int]:
    users = {p.id for p in USERS}
    return Counter(
        c.chat_id for c in fake.calls if c.method == "sendMessage" and c.chat_id in users
    )


async def until(condition: Callable[[], bool], timeout: float) -> None:
    async def check() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(check(), timeout)


async def crash_and_recover(fake: FakeTelegram, store_url: str, **settings: str) -> Counter[int]:
    push_burst(fake)
    doomed = start_bot(fake, store_url, **settings)
    try:
        await until(lambda: sum(replies_per_user(fake).values()) >= KILL_AFTER, 60)
    finally:
        kill(doomed)
    assert len(replies_per_user(fake)) < len(USERS), "the kill came after the burst"
    survivor = start_bot(fake, store_url, **settings)
    try:
        await until(lambda: len(replies_per_user(fake)) == len(USERS), 90)
    finally:
        stop(survivor)
    return replies_per_user(fake)


def assert_everyone_answered(answered: Counter[int]) -> None:
    assert set(answered) == {p.id for p in USERS}
    twice = [user for user, count in answered.items() if count > 1]
    print(f"{len(USERS)} users answered after a SIGKILL; answered twice: {len(twice)}")
    assert len(twice) <= 2 * IN_FLIGHT


async def test_polling_bot_killed_mid_burst_answers_every_user_after_a_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    answered = await crash_and_recover(fake, f"sqlite:///{tmp_path / 'bot.db'}")
    assert_everyone_answered(answered)


async def test_webhook_bot_killed_mid_burst_answers_every_user_after_a_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    async with WebhookSender(fake):
        answered = await crash_and_recover(
            fake,
            f"sqlite:///{tmp_path / 'bot.db'}",
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
            TELEGRAM_WEBHOOK_PORT=str(port),
            TELEGRAM_WEBHOOK_SECRET="s3cret",
        )
    assert_everyone_answered(answered)


async def test_two_workers_on_one_redis_one_killed_the_other_finishes_its_updates(
    fake: FakeTelegram, redis_url: str, redis_prefix: str
) -> None:
    """Both workers take updates from one Redis stream; Telegram posts to the one that dies.
    The survivor takes over what the killed one held (after INBOX_TAKEOVER_SECONDS) and, once
    Telegram's posts fail over to it, the rest: every user is answered."""
    ports = {"survivor": free_port(), "doomed": free_port()}
    urls = {name: f"http://127.0.0.1:{port}/telegram/hook" for name, port in ports.items()}
    shared = {
        "STORE_PREFIX": redis_prefix,
        "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        "INBOX_TAKEOVER_SECONDS": "1",
    }
    async with WebhookSender(fake):
        survivor = start_bot(
            fake,
            redis_url,
            TELEGRAM_WEBHOOK_URL=urls["survivor"],
            TELEGRAM_WEBHOOK_PORT=str(ports["survivor"]),
            **shared,
        )
        await until(lambda: fake.webhook.get("url") == urls["survivor"], 30)
        doomed = start_bot(
            fake,
            redis_url,
            TELEGRAM_WEBHOOK_URL=urls["doomed"],
            TELEGRAM_WEBHOOK_PORT=str(ports["doomed"]),
            **shared,
        )
        try:
            await until(lambda: fake.webhook.get("url") == urls["doomed"], 30)
            push_burst(fake)
            await until(lambda: sum(replies_per_user(fake).values()) >= KILL_AFTER, 60)
            kill(doomed)
            assert len(replies_per_user(fake)) < len(USERS), "the kill came after the burst"
            left_behind = await claimed_by_others(redis_url, redis_prefix, survivor.pid)
            fake.webhook["url"] = urls["survivor"]  # the load balancer routes around the dead
            await until(lambda: len(replies_per_user(fake)) == len(USERS), 90)
        finally:
            if doomed.poll() is None:
                kill(doomed)
            stop(survivor)
    assert_everyone_answered(replies_per_user(fake))
    assert left_behind > 0, "the killed worker held no entries: nothing was taken over"
    assert await claimed_by_others(redis_url, redis_prefix, survivor.pid) == 0


async def claimed_by_others(redis_url: str, prefix: str, survivor_pid: int) -> int:
    """Entries the consumer group says are held, unfinished, by a worker other than `survivor`."""
    client = Redis.from_url(redis_url)
    try:
        summary = await client.xpending(f"{prefix}:inbox:{{telegram}}", GROUP)
    finally:
        await client.aclose()
    held = {c["name"].decode(): c["pending"] for c in summary["consumers"]}
    return sum(n for name, n in held.items() if not name.endswith(f"-{survivor_pid}"))
