"""What goes wrong in real chats: markup in names, long texts, duplicates, floods, errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from adapters.telegram.app import build_application, running
from adapters.telegram.handlers import send
from adapters.telegram.render import render
from bot.messages import Option, Reply, ReplyKind, Section, rich
from bot.service import CoachService
from bot.text import plain_text
from tests.core.helpers import as_read
from tests.telegram.conftest import telegram_settings
from tests.telegram.driver import Chat, Person, Telegram, labels, private_chat, shown
from tests.telegram.fake_telegram import FakeTelegram
from tests.telegram.test_groups import sticker


async def test_markup_in_names_and_questions_neither_breaks_nor_injects(
    telegram: Telegram, group: Chat, content: Any
) -> None:
    sneaky = Person(2001, "<b>Ann & Co</b>", "ann_and_co")

    started = await telegram.says(group, sneaky, "/quiz")
    asked = await telegram.says(group, sneaky, "@HipStepBot <script>alert(1)</script> & knees?")

    replies = started.sent + asked.sent
    went_wrong = content.texts.something_went_wrong
    assert started.sent and asked.sent and went_wrong not in started.texts + asked.texts
    assert all("<script>" not in str(c.params["text"]) for c in replies)


def test_text_is_escaped_before_bold_is_applied() -> None:
    reply = Reply(ReplyKind.MESSAGE, sections=(Section(body=rich("<b>Ann & Co</b> says **hi**")),))
    html = render(reply, "HipStepBot").parts[0]
    assert html == "&lt;b&gt;Ann &amp; Co&lt;/b&gt; says <b>hi</b>"


async def test_a_long_reply_is_sent_in_parts_each_accepted_by_telegram(fake: FakeTelegram) -> None:
    paragraph = "**Step-ups** & <hip thrusts> build legs. " * 40
    section = Section(body=rich("\n\n".join([paragraph] * 8)))
    more = Option("More", "2g.5.1f..faq")
    reply = Reply(ReplyKind.MESSAGE, sections=(section,), options=(more,))
    bot = Bot(fake.token, base_url=fake.base_url, request=HTTPXRequest())

    async with bot:
        assert await send(bot, 5, render(reply, "HipStepBot"))

    parts = [shown(c) for c in fake.calls if c.method == "sendMessage"]
    assert len(parts) > 1
    assert "".join("".join(parts).split()) == "".join(plain_text(reply).split())
    keyboards = [c.params.get("reply_markup") for c in fake.calls if c.method == "sendMessage"]
    assert keyboards[-1] and not any(keyboards[:-1])


async def test_the_same_update_delivered_twice_is_answered_once(
    telegram: Telegram, ann: Person
) -> None:
    chat = private_chat(ann)
    update = telegram.message_update(chat, ann, "/help")
    first = await telegram.deliver(chat, update)

    again = await telegram.deliver(chat, {**update, "update_id": first.update_id})

    assert len(first.sent) == 1 and again.nothing_visible


async def test_the_same_button_press_delivered_twice_acts_once(
    telegram: Telegram, ann: Person
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/quiz")
    quiz = telegram.newest_from_bot(chat)
    update = telegram.press_update(chat, ann, quiz, quiz.buttons()[0]["callback_data"])

    first = await telegram.deliver(chat, update)
    again = await telegram.deliver(chat, {**update, "update_id": first.update_id})

    assert len(first.edits) == 1 and again.nothing_visible and quiz.edits == 1


@pytest.mark.filterwarnings(
    "ignore::telegram.warnings.PTBDeprecationWarning"
)  # PTB's own RetryAfter
async def test_flood_control_retry_after_is_honoured(telegram: Telegram, ann: Person) -> None:
    telegram.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    outcome = await telegram.says(private_chat(ann), ann, "/help")

    assert len(outcome.sent) == 2  # refused once, sent after the wait
    assert len(telegram.fake.chat_messages(ann.id)) == 2  # Ann's /help and the bot's answer


async def test_a_user_who_blocked_the_bot_is_skipped_quietly(
    telegram: Telegram, ann: Person, caplog: pytest.LogCaptureFixture
) -> None:
    chat = private_chat(ann)
    telegram.fake.blocked_chats.add(ann.id)

    blocked = await telegram.says(chat, ann, "/quiz")
    telegram.fake.blocked_chats.clear()
    back = await telegram.says(chat, ann, "/help")

    assert len(blocked.sent) == 1 and len(back.sent) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_paging_twice_from_the_same_menu_is_quiet_when_nothing_changes(
    telegram: Telegram, ann: Person, content: Any, caplog: pytest.LogCaptureFixture
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/faq")
    menu = telegram.newest_from_bot(chat)
    if content.texts.next_label not in labels(menu):
        pytest.skip("the FAQ fits on one page")
    data = next(b for b in menu.buttons() if b["text"] == content.texts.next_label)
    await telegram.deliver(chat, telegram.press_update(chat, ann, menu, data["callback_data"]))

    repeat = await telegram.deliver(
        chat, telegram.press_update(chat, ann, menu, data["callback_data"])
    )

    assert repeat.answer is not None and not repeat.sent
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_button_on_a_deleted_message_sends_a_new_message(
    telegram: Telegram, ann: Person
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/quiz")
    quiz = telegram.newest_from_bot(chat)
    del telegram.fake.messages[(chat.id, quiz.message_id)]

    outcome = await telegram.presses(chat, ann, labels(quiz)[0], quiz)

    assert len(outcome.edits) == 1 and len(outcome.sent) == 1


async def test_an_error_is_logged_with_context_but_no_token_and_the_user_is_told(
    telegram: Telegram, ann: Person, caplog: pytest.LogCaptureFixture, content: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    telegram.fake.fail_next("sendMessage", 400, "Bad Request: something unexpected")

    outcome = await telegram.says(private_chat(ann), ann, "/help")

    assert outcome.texts[-1] == content.texts.something_went_wrong
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures and f"chat {ann.id}" in failures[0].getMessage()
    assert "something unexpected" in failures[0].getMessage().lower()
    assert not [r for r in caplog.records if telegram.fake.token in r.getMessage()]


async def test_stickers_and_photos_in_a_private_chat_get_a_nudge(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    chat = private_chat(ann)
    update = telegram.message_update(chat, ann, "")
    del update["message"]["text"]
    update["message"]["sticker"] = sticker()

    outcome = await telegram.deliver(chat, update)

    assert outcome.texts == [as_read(content.texts.empty_text)]


async def test_edits_channel_posts_and_other_updates_are_ignored_without_crashing(
    telegram: Telegram, ann: Person, caplog: pytest.LogCaptureFixture
) -> None:
    chat = private_chat(ann)
    edited = telegram.message_update(chat, ann, "/quiz")["message"] | {"edit_date": 1}
    channel = Chat(-1009999, "channel", "News")
    post = telegram.message_update(channel, ann, "hello")["message"]
    del post["from"]
    poll = {
        "poll_id": "p1",
        "voter_chat": channel.as_json(),
        "option_ids": [0],
        "option_persistent_ids": ["a"],
    }

    for update in ({"edited_message": edited}, {"channel_post": post}, {"poll_answer": poll}):
        assert (await telegram.deliver(chat, update)).nothing_visible
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_typing_shows_while_a_slow_reply_is_prepared(
    fake: FakeTelegram, engine: Any, ann: Person, tmp_path: Any
) -> None:
    import asyncio

    from bot.session import Session
    from bot.store.base import SessionKey
    from bot.store.memory import MemoryStore

    class SlowStore(MemoryStore):
        """A store that takes a moment to answer, as a remote one might."""

        async def load(self, key: SessionKey) -> Session | None:
            await asyncio.sleep(0.05)
            return await super().load(key)

    service = CoachService(engine, SlowStore())
    settings = telegram_settings(fake)
    async with running(build_application(settings, service, typing_delay=0), settings):
        await Telegram(fake, service.store).says(private_chat(ann), ann, "/help")
        await fake.wait_for(lambda: any(c.method == "sendChatAction" for c in fake.calls))
    await service.store.close()

    action = next(c for c in fake.calls if c.method == "sendChatAction")
    assert action.params["action"] == "typing" and action.chat_id == ann.id
