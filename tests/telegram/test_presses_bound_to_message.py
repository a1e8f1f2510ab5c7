"""A press counts only on the message it was shown on, for the member it belongs to.

Forged or replayed button data (another member's data on my message, data with its owner
stamp removed, a page number that is not a number, a second tap on Back, data that is not on
the pressed message) gets a polite alert and leaves every stored quiz as it was.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from bot.buttons import Action, ButtonData
from bot.messages import Origin, PressEvent
from bot.service import CoachService
from bot.session import Session
from bot.store.base import SessionKey
from tests.core.helpers import as_read as plain
from tests.telegram.driver import Chat, Outcome, Person, Telegram, labels, private_chat
from tests.telegram.fake_telegram import StoredMessage

IN_GROUP = Origin(group=True)


def data_for(message: StoredMessage, action: Action) -> str:
    """The callback data of the first button on `message` that does `action`."""
    for button in message.buttons():
        raw = button.get("callback_data")
        if raw and ButtonData.unpack(raw).action is action:
            return str(raw)
    raise AssertionError(f"no {action.name} button among {labels(message)}")


def restamped(raw: str, owner: str) -> str:
    """The same button data with another owner stamp ("" = a shared post's)."""
    return dataclasses.replace(ButtonData.unpack(raw), owner=owner).pack()


def key_of(chat: Chat, person: Person) -> SessionKey:
    return SessionKey("telegram", str(chat.id), str(person.id))


async def session_of(telegram: Telegram, chat: Chat, person: Person) -> Session | None:
    return await telegram.store.load(key_of(chat, person))


def refused_with(outcome: Outcome, line: str) -> bool:
    """An alert on the presser's screen with `line`, and nothing sent or edited."""
    answer = outcome.answer
    return (
        answer is not None
        and answer.params.get("show_alert") == "true"
        and answer.params.get("text") == plain(line)
        and outcome.nothing_visible
    )


async def press_raw(
    telegram: Telegram, chat: Chat, person: Person, message: StoredMessage, data: str
) -> Outcome:
    return await telegram.deliver(chat, telegram.press_update(chat, person, message, data))


async def test_my_own_valid_data_pressed_on_another_members_quiz_is_refused(
    telegram: Telegram, group: Chat, ann: Person, bob: Person, content: Any
) -> None:
    await telegram.says(group, ann, "/quiz")
    anns = telegram.newest_from_bot(group)
    await telegram.says(group, bob, "/quiz")
    bobs_data = data_for(telegram.newest_from_bot(group), Action.ANSWER)
    shown_before = (anns.text, anns.reply_markup)
    anns_before = await session_of(telegram, group, ann)
    bobs_before = await session_of(telegram, group, bob)

    forged = await press_raw(telegram, group, bob, anns, bobs_data)

    assert refused_with(forged, content.texts.bad_option)
    assert (anns.text, anns.reply_markup) == shown_before
    assert await session_of(telegram, group, ann) == anns_before
    assert await session_of(telegram, group, bob) == bobs_before
    her_press = await telegram.presses(group, ann, labels(anns)[0], anns)
    assert her_press.answer is not None and "text" not in her_press.answer.params
    assert plain(content.quiz.questions[1].prompt) in anns.text


async def test_data_with_its_owner_stamp_removed_is_refused(
    telegram: Telegram,
    service: CoachService,
    group: Chat,
    ann: Person,
    bob: Person,
    content: Any,
) -> None:
    """Ann's own answer with the owner cut out, pressed by Ann and by Bob on her quiz; and to the
    service with no word on the pressed message's buttons (a platform may not say): a quiz
    answer is never a shared post's."""
    await telegram.says(group, ann, "/quiz")
    anns = telegram.newest_from_bot(group)
    ownerless = restamped(data_for(anns, Action.ANSWER), "")
    shown_before = (anns.text, anns.reply_markup)
    before = await session_of(telegram, group, ann)

    pressed = [await press_raw(telegram, group, who, anns, ownerless) for who in (ann, bob)]
    unplaced = [
        await service.handle(key_of(group, who), PressEvent(ownerless), f"test:{who.id}", IN_GROUP)
        for who in (ann, bob)
    ]

    assert all(refused_with(o, content.texts.bad_option) for o in pressed)
    assert unplaced == [[service.engine.bad_button_reply()]] * 2
    assert (anns.text, anns.reply_markup) == shown_before
    assert await session_of(telegram, group, ann) == before
    assert await session_of(telegram, group, bob) is None


async def test_a_page_number_that_is_not_a_plain_number_gets_a_polite_alert(
    telegram: Telegram,
    service: CoachService,
    ann: Person,
    content: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On the FAQ menu, and to the service with no word on the message's buttons."""
    caplog.set_level(logging.DEBUG)
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/faq")
    menu = telegram.newest_from_bot(chat)
    topic = ButtonData.unpack(data_for(menu, Action.TOPIC))
    shown_before = (menu.text, menu.reply_markup)

    forged = [f"2p.{topic.owner}.{topic.nonce}..{page}" for page in ("²", "١", "1e3", "-1", "100")]

    outcomes = [await press_raw(telegram, chat, ann, menu, data) for data in forged]
    unplaced = [await service.handle(key_of(chat, ann), PressEvent(data)) for data in forged]

    assert all(refused_with(o, content.texts.bad_option) for o in outcomes)
    assert unplaced == [[service.engine.bad_button_reply()]] * len(forged)
    assert (menu.text, menu.reply_markup) == shown_before
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text
    went_wrong = plain(content.texts.something_went_wrong)
    assert not [c for c in telegram.fake.sent_to(chat.id) if c.params.get("text") == went_wrong]


async def test_back_tapped_twice_on_one_question_goes_back_only_once(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    """A double tap: both presses carry the question as it was shown, the second arriving as a
    new update after the first has moved the quiz back."""
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/quiz")
    quiz = telegram.newest_from_bot(chat)
    await press_raw(telegram, chat, ann, quiz, data_for(quiz, Action.ANSWER))  # single answer
    await press_raw(telegram, chat, ann, quiz, data_for(quiz, Action.ANSWER))  # toggle one
    await press_raw(telegram, chat, ann, quiz, data_for(quiz, Action.DONE))
    third = content.quiz.questions[2]
    assert plain(third.prompt) in quiz.text
    answered = await session_of(telegram, chat, ann)
    assert answered is not None and answered.quiz is not None
    back = data_for(quiz, Action.BACK)
    first_tap = telegram.press_update(chat, ann, quiz, back)
    second_tap = telegram.press_update(chat, ann, quiz, back)

    went_back = await telegram.deliver(chat, first_tap)
    again = await telegram.deliver(chat, second_tap)

    second = content.quiz.questions[1]
    assert len(went_back.edits) == 1 and plain(second.prompt) in quiz.text
    assert refused_with(again, content.texts.stale_option)
    session = await session_of(telegram, chat, ann)
    assert session is not None and session.quiz is not None
    assert session.quiz.step == second.id
    earlier = {q.id for q in content.quiz.questions[:2]}
    kept = {q: a for q, a in answered.quiz.answers.items() if q in earlier}
    assert kept and {q: session.quiz.answers.get(q) for q in kept} == kept


async def test_valid_data_pressed_on_a_message_that_does_not_offer_it_is_refused(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    """Ann's own current quiz answer, well formed and hers, pressed on her FAQ menu."""
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/faq")
    menu = telegram.newest_from_bot(chat)
    await telegram.says(chat, ann, "/quiz")
    quiz = telegram.newest_from_bot(chat)
    before = await session_of(telegram, chat, ann)
    shown_before = [(m.text, m.reply_markup) for m in (menu, quiz)]

    misplaced = await press_raw(telegram, chat, ann, menu, data_for(quiz, Action.ANSWER))

    assert refused_with(misplaced, content.texts.bad_option)
    assert [(m.text, m.reply_markup) for m in (menu, quiz)] == shown_before
    assert await session_of(telegram, chat, ann) == before
