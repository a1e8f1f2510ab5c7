"""Members of one group: each has their own quiz; the bot answers only what is meant for it."""

from __future__ import annotations

from typing import Any

from tests.core.helpers import as_read as plain
from tests.core.helpers import squash
from tests.telegram.driver import Chat, Person, Telegram, labels


async def test_two_members_run_quizzes_at_once_without_interference(
    telegram: Telegram, group: Chat, ann: Person, bob: Person, content: Any
) -> None:
    await telegram.says(group, ann, "/quiz")
    anns = telegram.newest_from_bot(group)
    await telegram.says(group, bob, "/quiz")
    bobs = telegram.newest_from_bot(group)
    first_answers = labels(anns)[:2]

    await telegram.presses(group, ann, first_answers[0], anns)
    await telegram.presses(group, bob, first_answers[1], bobs)

    second = content.quiz.questions[1]
    assert plain(second.prompt) in anns.text and plain(second.prompt) in bobs.text
    assert first_answers[0] not in labels(anns) and first_answers[1] in labels(anns)
    assert first_answers[1] not in labels(bobs) and first_answers[0] in labels(bobs)


async def test_replies_in_a_group_quote_the_member_they_answer(
    telegram: Telegram, group: Chat, ann: Person
) -> None:
    outcome = await telegram.says(group, ann, "/help")

    asked = telegram.fake.chat_messages(group.id)[-2]
    assert outcome.sent[0].params["reply_parameters"]["message_id"] == asked.message_id


async def test_member_cannot_press_another_members_quiz_button(
    telegram: Telegram, group: Chat, ann: Person, bob: Person, content: Any
) -> None:
    await telegram.says(group, ann, "/quiz")
    anns = telegram.newest_from_bot(group)
    before = (anns.text, anns.reply_markup)

    outcome = await telegram.presses(group, bob, labels(anns)[0], anns)

    assert outcome.answer is not None
    assert outcome.answer.params["show_alert"] == "true"
    assert outcome.answer.params["text"] == plain(content.texts.not_yours)
    assert outcome.nothing_visible and (anns.text, anns.reply_markup) == before


async def test_a_button_from_an_earlier_quiz_gets_an_alert_and_changes_nothing(
    telegram: Telegram, group: Chat, ann: Person, content: Any
) -> None:
    await telegram.says(group, ann, "/quiz")
    old = telegram.newest_from_bot(group)
    await telegram.says(group, ann, "/quiz")

    outcome = await telegram.presses(group, ann, labels(old)[0], old)

    assert outcome.answer is not None and outcome.answer.params["show_alert"] == "true"
    assert outcome.answer.params["text"] == plain(content.texts.stale_option)
    assert outcome.nothing_visible


async def test_commands_addressed_to_the_bot_by_name_are_answered(
    telegram: Telegram, group: Chat, ann: Person, content: Any
) -> None:
    ours = await telegram.says(group, ann, "/quiz@HipStepBot")
    theirs = await telegram.says(group, ann, "/quiz@SomeOtherBot")
    unknown_for_us = await telegram.says(group, ann, "/dance@HipStepBot")
    unknown_for_others = await telegram.says(group, ann, "/dance")

    assert plain(content.quiz.questions[0].prompt) in ours.texts[0]
    assert theirs.nothing_visible and unknown_for_others.nothing_visible
    assert unknown_for_us.texts == [plain(content.texts.help)]


async def test_mentions_and_replies_to_the_bot_are_answered_other_chatter_ignored(
    telegram: Telegram, group: Chat, ann: Person, bob: Person, content: Any
) -> None:
    topic = content.faq.topics[-1]

    chatter = await telegram.says(group, ann, topic.question)
    mention = await telegram.says(group, ann, f"@HipStepBot {topic.question}")
    bots_answer = telegram.newest_from_bot(group)
    reply = await telegram.says(group, bob, topic.question, reply_to=bots_answer)
    reply_to_a_member = await telegram.says(
        group, bob, topic.question, reply_to=telegram.fake.chat_messages(group.id)[0]
    )

    assert chatter.nothing_visible and reply_to_a_member.nothing_visible
    assert squash(plain(topic.answer)) in squash(mention.texts[0])
    assert squash(plain(topic.answer)) in squash(reply.texts[0])


async def test_photos_and_stickers_in_a_group_are_ignored(
    telegram: Telegram, group: Chat, ann: Person
) -> None:
    update = telegram.message_update(group, ann, "")
    del update["message"]["text"]
    update["message"]["sticker"] = sticker()

    assert (await telegram.deliver(group, update)).nothing_visible


async def test_a_group_quiz_offers_a_deep_link_to_a_private_chat(
    telegram: Telegram, group: Chat, ann: Person
) -> None:
    await telegram.says(group, ann, "/quiz")
    message = telegram.newest_from_bot(group)

    links = [b["url"] for b in message.buttons() if "url" in b]
    assert links == ["https://t.me/HipStepBot?start=quiz"]


def sticker() -> dict[str, Any]:
    return {
        "file_id": "CAACAgIAAxk",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
