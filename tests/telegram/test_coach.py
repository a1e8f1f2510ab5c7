"""A coach runs a Telegram group: shared posts, the goal poll, private health answers, check-ins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram.app import build_application, running
from adapters.telegram.coach import COACH, TelegramCoach
from bot.engine import Engine
from bot.service import CoachService
from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.sqlite import SqliteStore
from tests.core.helpers import as_read as plain
from tests.telegram.conftest import telegram_settings
from tests.telegram.driver import Chat, Person, Telegram, button_data, labels, private_chat
from tests.telegram.fake_rules import visible_text
from tests.telegram.fake_telegram import FakeTelegram, StoredMessage

EDIT_INTERVAL = 0.3
COACH_PERSON = Person(2001, "Cora", "coach_cora")
MEMBERS = [Person(3000 + n, f"Member{n}") for n in range(20)]


@dataclass
class CoachedGroup(Telegram):
    """The driver, plus the running bot's coach module (its check-in and throttled edits)."""

    app: Any = None

    @property
    def coach(self) -> TelegramCoach:
        return self.app.bot_data[COACH]  # type: ignore[no-any-return]


@asynccontextmanager
async def bot_on(fake: FakeTelegram, store: Store, engine: Engine) -> AsyncIterator[CoachedGroup]:
    settings = telegram_settings(fake, group_poll_edit_seconds=EDIT_INTERVAL)
    app = build_application(settings, CoachService(engine, store))
    async with running(app, settings):
        telegram = CoachedGroup(fake, store, app=app)
        yield telegram
        await telegram.coach.edits.drain()


@pytest.fixture
async def bot(fake: FakeTelegram, engine: Engine, group: Chat) -> AsyncIterator[CoachedGroup]:
    fake.statuses[(group.id, COACH_PERSON.id)] = "creator"
    async with bot_on(fake, MemoryStore(), engine) as telegram:
        yield telegram
    assert not fake.open_queries, f"callback queries left unanswered: {fake.open_queries}"


def bot_texts(fake: FakeTelegram, chat: Chat) -> list[str]:
    return [visible_text(m.text) for m in fake.chat_messages(chat.id) if m.sender.get("is_bot")]


async def press_all(
    telegram: Telegram, chat: Chat, people: list[Person], message: StoredMessage, label: str
) -> None:
    """Everyone taps at once: all the updates are queued before the bot handles any."""
    data = button_data(message, label)
    for person in people:
        telegram.fake.push(telegram.press_update(chat, person, message, data))
    await telegram.settle()


async def settle_edits(telegram: Telegram) -> None:
    await asyncio.sleep(EDIT_INTERVAL * 2 + 0.2)
    await telegram.settle()


async def test_a_coach_and_twenty_members_vote_and_one_changes_their_mind(
    bot: Telegram, group: Chat, content: Any
) -> None:
    glutes, single_leg = content.goals.goals[0], content.goals.goals[3]
    await bot.says(group, COACH_PERSON, "/groupquiz")
    poll = bot.newest_with_button(group, glutes.label)

    await press_all(bot, group, MEMBERS[:15], poll, glutes.label)
    await press_all(bot, group, MEMBERS[15:], poll, single_leg.label)
    await bot.presses(group, MEMBERS[0], glutes.label, poll)  # takes glutes back
    await bot.presses(group, MEMBERS[0], single_leg.label, poll)
    await settle_edits(bot)

    shown = visible_text(poll.text)
    assert f"{glutes.label}: 14" in shown and f"{single_leg.label}: 6" in shown
    assert "20 answered" in shown
    assert MEMBERS[3].first_name not in shown  # names only when the coach asks for them
    assert poll.edits <= 6, f"{poll.edits} edits for 22 taps: edits are not coalesced"


async def test_names_show_only_when_the_coach_asks(
    bot: Telegram, group: Chat, content: Any
) -> None:
    await bot.says(group, COACH_PERSON, "/groupquiz names")
    poll = bot.newest_with_button(group, content.goals.goals[0].label)

    await bot.presses(group, MEMBERS[0], content.goals.goals[0].label, poll)
    await settle_edits(bot)

    assert MEMBERS[0].first_name in visible_text(poll.text)


async def test_a_member_cannot_close_the_poll_nor_post_nor_ask_for_results(
    bot: Telegram, group: Chat, content: Any
) -> None:
    await bot.says(group, COACH_PERSON, "/groupquiz")
    poll = bot.newest_with_button(group, content.texts.coach.poll_close_label)
    before = len(bot.fake.chat_messages(group.id))

    pressed = await bot.presses(group, MEMBERS[0], content.texts.coach.poll_close_label, poll)
    posted = await bot.says(group, MEMBERS[0], "/post quiz")
    results = await bot.says(group, MEMBERS[0], "/groupresults")

    assert pressed.answer is not None and pressed.answer.params["show_alert"] == "true"
    assert pressed.answer.params["text"] == plain(content.texts.coach.not_coach)
    assert posted.texts == [plain(content.texts.coach.not_coach)] == results.texts
    assert content.texts.coach.poll_close_label in labels(poll)  # still open
    assert len(bot.fake.chat_messages(group.id)) == before + 4  # two commands, two refusals


async def test_the_plan_is_posted_once_however_often_the_poll_is_closed(
    bot: Telegram, group: Chat, content: Any
) -> None:
    await bot.says(group, COACH_PERSON, "/groupquiz")
    poll = bot.newest_with_button(group, content.goals.goals[0].label)
    await press_all(bot, group, MEMBERS[:5], poll, content.goals.goals[0].label)
    await press_all(bot, group, MEMBERS[5:7], poll, content.goals.goals[3].label)

    close = button_data(poll, content.texts.coach.poll_close_label)
    bot.fake.push(bot.press_update(group, COACH_PERSON, poll, close))
    bot.fake.push(bot.message_update(group, COACH_PERSON, "/groupresults"))
    bot.fake.push(bot.press_update(group, COACH_PERSON, poll, close))
    await bot.settle()

    title = content.texts.coach.results_title
    plans = [t for t in bot_texts(bot.fake, group) if title in t]
    assert len(plans) == 1
    assert "Hip thrust" in plans[0] and content.goals.goals[3].label in plans[0]
    assert labels(poll) == []  # the closed poll keeps its tally, loses its buttons


async def test_the_tally_survives_a_restart_mid_poll(
    fake: FakeTelegram, engine: Engine, group: Chat, tmp_path: Path, content: Any
) -> None:
    fake.statuses[(group.id, COACH_PERSON.id)] = "administrator"
    goal = content.goals.goals[0]
    first = SqliteStore(tmp_path / "groups.db")
    async with bot_on(fake, first, engine) as telegram:
        await telegram.says(group, COACH_PERSON, "/groupquiz")
        poll = telegram.newest_with_button(group, goal.label)
        await press_all(telegram, group, MEMBERS[:3], poll, goal.label)
    await first.close()

    second = SqliteStore(tmp_path / "groups.db")
    async with bot_on(fake, second, engine) as telegram:
        await telegram.presses(group, MEMBERS[3], goal.label, poll)
        await settle_edits(telegram)
        assert f"{goal.label}: 4" in visible_text(poll.text)
    await second.close()


async def test_a_shared_quiz_post_pressed_by_three_members_gives_each_their_own_quiz(
    bot: Telegram, group: Chat, content: Any
) -> None:
    await bot.says(group, COACH_PERSON, "/post quiz")
    post = bot.newest_from_bot(group)
    link = next(b for b in post.buttons() if "url" in b)
    assert link["url"] == "https://t.me/HipStepBot?start=quiz"
    before = (post.text, post.reply_markup)

    await press_all(bot, group, MEMBERS[:3], post, content.texts.coach.here_label)

    first_prompt = plain(content.quiz.questions[0].prompt)
    quizzes = [m for m in bot.fake.chat_messages(group.id) if first_prompt in visible_text(m.text)]
    owners = {button_data(q, content.goals.goals[0].label).split(".")[1] for q in quizzes}
    assert owners == {str(p.id) for p in MEMBERS[:3]}
    assert (post.text, post.reply_markup) == before and post.edits == 0
    assert not any(plain(content.texts.not_yours) in t for t in bot_texts(bot.fake, group))


async def test_the_deep_link_opens_the_quiz_in_the_private_chat(
    bot: Telegram, content: Any
) -> None:
    member = MEMBERS[0]
    outcome = await bot.says(private_chat(member), member, "/start quiz")

    assert plain(content.quiz.questions[0].prompt) in outcome.texts[-1]


async def test_a_members_discomfort_answer_never_appears_in_the_group(
    bot: Telegram, group: Chat, content: Any
) -> None:
    member = MEMBERS[1]
    await bot.says(group, COACH_PERSON, "/post quiz")
    await bot.presses(group, member, content.texts.coach.here_label)
    quiz = bot.newest_from_bot(group)
    await bot.presses(group, member, content.goals.goals[0].label, quiz)
    await bot.presses(group, member, content.quiz.questions[1].none_label, quiz)
    await bot.presses(group, member, content.quiz.questions[2].options[0].label, quiz)

    pain = next(q for q in content.quiz.questions if q.role == "concerns")
    shown = " ".join(bot_texts(bot.fake, group))
    assert plain(pain.prompt) not in shown
    assert all(
        o.label not in " ".join(labels(m))
        for m in bot.fake.chat_messages(group.id)
        for o in pain.options
    )
    assert plain(content.texts.coach.private_note) in visible_text(quiz.text)
    assert any(b.get("url", "").endswith("?start=quiz") for b in quiz.buttons())

    typed = await bot.says(group, member, "knees", reply_to=quiz)
    assert not any(content.recommendation.safety[:30] in t for t in typed.texts)


async def test_declined_questions_are_counted_for_the_coach_without_names(
    bot: Telegram, group: Chat, content: Any
) -> None:
    await bot.says(group, MEMBERS[0], "@HipStepBot which pizza topping is best?")
    await bot.says(group, MEMBERS[1], "@HipStepBot Which pizza topping is BEST")
    await bot.says(private_chat(COACH_PERSON), COACH_PERSON, "/start")

    answered = await bot.says(group, COACH_PERSON, "/unanswered")

    private = bot_texts(bot.fake, private_chat(COACH_PERSON))[-1]
    assert content.texts.coach.unanswered_title in private and "2×" in private
    assert "pizza" in private and MEMBERS[0].first_name not in private
    assert answered.nothing_visible  # the list went to the coach privately


async def test_a_weekly_check_in_is_posted_once_when_due(
    bot: CoachedGroup, group: Chat, content: Any, fake: FakeTelegram
) -> None:
    set_up = await bot.says(group, COACH_PERSON, "/checkin weekly mon 18:00 Europe/London")
    assert "mon" in set_up.texts[0] and "18:00" in set_up.texts[0]
    coach = bot.coach
    monday_evening = datetime(2026, 11, 30, 18, 5, tzinfo=UTC)  # 18:05 in London (GMT)

    runs = [await coach.post_checkins(bot.app.bot, monday_evening) for _ in range(3)]

    assert runs == [1, 0, 0]
    assert plain(content.texts.coach.checkin_post)[:30] in bot_texts(fake, group)[-1]
    await bot.says(group, COACH_PERSON, "/checkin off")
    assert await coach.groups.due_checkins("telegram", monday_evening) == []
