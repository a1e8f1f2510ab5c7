"""A lifter in a private chat: greeting, the questionnaire by buttons, FAQ by menu and by text."""

from __future__ import annotations

from typing import Any

from bot.messages import Command, CommandEvent, PressEvent, Reply, ReplyKind
from bot.service import CoachService
from bot.store.base import SessionKey
from bot.store.memory import MemoryStore
from tests.core.helpers import as_read as plain
from tests.core.helpers import said, squash
from tests.telegram.driver import Person, Telegram, labels, private_chat


async def test_start_greets_and_offers_the_quiz_and_the_questions(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    outcome = await telegram.says(private_chat(ann), ann, "/start")

    assert outcome.texts == [plain(content.texts.welcome)]
    greeting = telegram.newest_from_bot(private_chat(ann))
    assert labels(greeting) == [content.texts.quiz_label, content.texts.faq_label]


async def test_command_menus_are_registered_for_private_chats_and_groups(
    telegram: Telegram,
) -> None:
    menus = telegram.fake.commands
    private = {c["command"] for c in menus["all_private_chats"]}
    groups = {c["command"] for c in menus["all_group_chats"]}

    assert {"quiz", "faq", "help", "cancel", "forget"} <= private
    assert {"quiz", "faq", "help", "cancel"} <= groups
    assert all(c["description"] for c in menus["all_private_chats"] + menus["all_group_chats"])


async def test_full_questionnaire_by_pressing_buttons_edits_one_message_in_place(
    telegram: Telegram, ann: Person, content: Any, engine: Any
) -> None:
    chat = private_chat(ann)
    reference = Reference(CoachService(engine, MemoryStore()))
    started = await telegram.says(chat, ann, "/quiz")
    expected = await reference.say("/quiz")
    assert started.texts == [said(expected)]
    quiz_message = telegram.newest_from_bot(chat)

    for question in content.quiz.questions:
        first = labels(telegram.fake.messages[(chat.id, quiz_message.message_id)])[0]
        presses = [first, question.done_label] if question.multi else [first]
        for label in presses:
            outcome = await telegram.presses(chat, ann, label, quiz_message)
            expected = await reference.press(label)
            assert outcome.answer is not None and not outcome.sent
            assert outcome.texts == [said(expected)]

    assert expected.kind is ReplyKind.RECOMMENDATION
    assert quiz_message.edits == sum(2 if q.multi else 1 for q in content.quiz.questions)
    assert quiz_message.message_id == telegram.newest_from_bot(chat).message_id


async def test_faq_menu_pages_in_place_and_a_topic_press_answers_it(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/faq")
    menu = telegram.newest_from_bot(chat)
    first_page = labels(menu)

    if len(content.faq.topics) > len(first_page):
        paged = await telegram.presses(chat, ann, content.texts.next_label, menu)
        assert len(paged.edits) == 1 and not paged.sent
        assert labels(menu) != first_page
    topic = next(t for t in content.faq.topics if t.question in labels(menu))
    answered = await telegram.presses(chat, ann, topic.question, menu)

    assert len(answered.sent) == 1
    assert squash(plain(topic.answer)) in squash(answered.texts[0])


async def test_a_typed_question_gets_the_faq_answer(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    topic = content.faq.topics[-1]

    outcome = await telegram.says(private_chat(ann), ann, topic.question)

    assert len(outcome.sent) == 1
    assert squash(plain(topic.answer)) in squash(outcome.texts[0])


async def test_deep_links_open_the_quiz_or_an_faq_topic(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    chat = private_chat(ann)
    topic = content.faq.topics[0]

    quiz = await telegram.says(chat, ann, "/start quiz")
    faq = await telegram.says(chat, ann, f"/start {topic.id}")

    assert plain(content.quiz.questions[0].prompt) in quiz.texts[0]
    assert squash(plain(topic.answer)) in squash(faq.texts[0])


async def test_forget_deletes_the_stored_session_and_says_so(
    telegram: Telegram, ann: Person, content: Any, service: CoachService
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/quiz")
    key = SessionKey("telegram", str(chat.id), str(ann.id))
    assert await service.store.load(key) is not None

    outcome = await telegram.says(chat, ann, "/forget")

    assert outcome.texts == [plain(content.texts.forgotten)]
    assert await service.store.load(key) is None


async def test_cancel_stops_the_quiz_and_help_explains(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    chat = private_chat(ann)
    await telegram.says(chat, ann, "/quiz")

    cancelled = await telegram.says(chat, ann, "/cancel")
    helped = await telegram.says(chat, ann, "/help")

    assert cancelled.texts == [plain(content.texts.cancelled)]
    assert helped.texts == [plain(content.texts.help)]


async def test_an_unknown_command_gets_the_help(
    telegram: Telegram, ann: Person, content: Any
) -> None:
    outcome = await telegram.says(private_chat(ann), ann, "/dance")

    assert outcome.texts == [plain(content.texts.help)]


class Reference:
    """The same conversation straight through the core, to compare what Telegram shows."""

    def __init__(self, service: CoachService) -> None:
        self.service = service
        self.key = SessionKey("reference", "1", "1")
        self.last: Reply | None = None

    async def say(self, text: str) -> Reply:
        name, _, argument = text[1:].partition(" ")
        event = CommandEvent(Command(name), argument)
        return self._keep(await self.service.handle(self.key, event))

    async def press(self, label: str) -> Reply:
        assert self.last is not None
        option = next(o for o in self.last.options if label.lower() in o.label.lower())
        return self._keep(await self.service.handle(self.key, PressEvent(option.data)))

    def _keep(self, replies: list[Reply]) -> Reply:
        assert len(replies) == 1, replies
        self.last = replies[0]
        return replies[0]
