"""Starting and stopping: a restart mid-quiz, webhook mode with its secret, serve() until stop."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.telegram.app import build_application, running, serve
from bot.app import build_service
from bot.engine import Engine
from tests.core.helpers import as_read as plain
from tests.telegram.conftest import telegram_settings
from tests.telegram.driver import Person, Telegram, labels, private_chat, shown
from tests.telegram.fake_telegram import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_a_restart_mid_quiz_continues_where_the_old_bot_stopped(
    fake: FakeTelegram, engine: Engine, ann: Person, content: Any, tmp_path: Path
) -> None:
    settings = telegram_settings(fake, store_url=f"sqlite:///{tmp_path / 'sessions.db'}")
    chat = private_chat(ann)
    service = build_service(settings, engine)
    telegram = Telegram(fake, service.store)
    async with running(build_application(settings, service), settings):
        await telegram.says(chat, ann, "/quiz")
        quiz = telegram.newest_from_bot(chat)
        await telegram.presses(chat, ann, labels(quiz)[0], quiz)
    await service.store.close()

    service = build_service(settings, engine)
    telegram = Telegram(fake, service.store)
    async with running(build_application(settings, service), settings):
        outcome = await telegram.presses(chat, ann, labels(quiz)[0], quiz)
    await service.store.close()

    assert outcome.answer is not None and "text" not in outcome.answer.params
    assert len(outcome.edits) == 1
    assert plain(content.quiz.questions[1].prompt) in outcome.texts[0]  # still on question 2


async def test_webhook_mode_accepts_updates_only_with_the_secret_token(
    fake: FakeTelegram, service: Any, ann: Person, content: Any
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = telegram_settings(
        fake,
        telegram_webhook_url=url,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret="s3cret-token",
    )
    update = Telegram(fake, service.store).message_update(private_chat(ann), ann, "/help")
    update |= {"update_id": 1}

    async with (
        running(build_application(settings, service), settings),
        aiohttp.ClientSession() as web,
    ):
        assert fake.webhook["url"] == url and fake.webhook["secret_token"] == "s3cret-token"
        refused = [await post(web, url, update, headers) for headers in ({}, {SECRET_HEADER: "x"})]
        accepted = await post(web, url, update, {SECRET_HEADER: "s3cret-token"})
        await fake.wait_for(lambda: bool(fake.sent_to(ann.id)))
        duplicate = await post(web, url, update, {SECRET_HEADER: "s3cret-token"})
        await asyncio.sleep(0.1)

    assert refused == [403, 403] and accepted == 200 and duplicate == 200
    assert [shown(c) for c in fake.sent_to(ann.id)] == [plain(content.texts.help)]


async def test_serve_runs_until_stop_is_set_then_shuts_down(
    fake: FakeTelegram, service: Any, ann: Person
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(telegram_settings(fake), service, stop))
    await fake.wait_for(lambda: any(c.method == "getUpdates" for c in fake.calls))
    answered = await Telegram(fake, service.store).says(private_chat(ann), ann, "/help")

    stop.set()
    await asyncio.wait_for(task, timeout=5)

    assert len(answered.sent) == 1


def test_building_without_a_token_fails_clearly(service: Any) -> None:
    settings = telegram_settings(FakeTelegram(), telegram_bot_token=None)
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        build_application(settings, service)


async def post(web: aiohttp.ClientSession, url: str, update: Any, headers: dict[str, str]) -> int:
    async with web.post(url, json=update, headers=headers) as response:
        return response.status


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
