"""Stories of the questionnaire on Discord: slash command, buttons, select menus, restarts."""

from __future__ import annotations

import copy

import pytest

from bot.app import build_service
from bot.engine import Engine
from bot.service import CoachService
from bot.store.memory import MemoryStore
from tests.discord.conftest import ALICE, ALICE_DM, BOB, CHANNEL, discord_settings
from tests.discord.fake_discord import FakeDiscord, Place, Shown
from tests.discord.harness import DiscordHarness


def is_question(message: Shown, engine: Engine) -> bool:
    total = len(engine.content.quiz.questions)
    return f"of {total}**" in message.payload["content"]


async def answer_current_question(bot: DiscordHarness, place: Place, message: Shown) -> Shown:
    """Answer like a member would: tick the first choice of a multi-select and press Done, pick
    the first option of a single select, or press the first button."""
    fake = bot.fake
    if message.selects and message.selects[0]["max_values"] > 1:
        first = message.selects[0]["options"][0]["label"]
        ticked = await bot.send(fake.choose(ALICE, place, message, [first]))
        assert ticked[-1].kind == "update"
        outcomes = await bot.send(fake.click(ALICE, place, message, "done"))
    else:
        outcomes = await bot.send(fake.press_first(ALICE, place, message))
    assert [o.kind for o in outcomes] == ["update"], outcomes
    assert outcomes[0].message is not None and outcomes[0].message.id == message.id
    return outcomes[0].message


async def start_quiz(bot: DiscordHarness, place: Place = CHANNEL) -> Shown:
    outcomes = await bot.send(bot.fake.slash(ALICE, place, "quiz"))
    assert len(outcomes) == 1 and outcomes[0].message is not None
    return outcomes[0].message


async def test_member_completes_the_questionnaire_by_clicking(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    assert message.ephemeral, "a personal flow in a guild channel is visible only to its member"
    steps = 0
    while is_question(message, engine):
        message = await answer_current_question(bot, CHANNEL, message)
        steps += 1
    assert steps == len(engine.content.quiz.questions)
    headlines = {p.headline.replace("**", "") for p in engine.content.recommendation.plans.values()}
    assert message.payload["embeds"][0]["title"] in headlines
    assert message.payload["content"] == "", "the question text was replaced by the advice"


async def test_quiz_in_a_dm_is_an_ordinary_message(bot: DiscordHarness, engine: Engine) -> None:
    message = await start_quiz(bot, ALICE_DM)
    assert not message.ephemeral
    assert is_question(message, engine)


async def test_multi_answer_question_ticks_choices_in_a_select_menu(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    message = await answer_current_question(bot, CHANNEL, message)
    menu = message.selects[0]
    assert menu["min_values"] == 0 and menu["max_values"] == len(menu["options"])
    picked = [o["label"] for o in menu["options"][:2]]
    await bot.send(bot.fake.choose(ALICE, CHANNEL, message, picked))
    defaults = [o["label"] for o in message.selects[0]["options"] if o.get("default")]
    assert defaults == picked
    unticked = await bot.send(bot.fake.choose(ALICE, CHANNEL, message, picked[:1]))
    assert unticked[0].kind == "update"
    assert [o["label"] for o in message.selects[0]["options"] if o.get("default")] == picked[:1]


async def test_member_cannot_press_another_members_quiz_button(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    before = copy.deepcopy(message.payload)
    outcomes = await bot.send(bot.fake.press_first(BOB, CHANNEL, message))
    assert [o.kind for o in outcomes] == ["reply"]
    assert outcomes[0].ephemeral
    assert outcomes[0].message is not None
    assert outcomes[0].message.text == engine.content.texts.not_yours
    assert message.payload == before and message.edits == 0


async def test_the_same_click_delivered_twice_is_applied_once(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    click = bot.fake.press_first(ALICE, CHANNEL, message)
    await bot.send(click)
    after_first = copy.deepcopy(message.payload)
    outcomes = await bot.send(click)
    assert len(outcomes) == 1, "the replayed interaction produced nothing new"
    assert message.payload == after_first


async def test_button_pressed_after_a_restart_still_works(
    fake: FakeDiscord, engine: Engine, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    settings = discord_settings(fake, monkeypatch, store_url=sqlite_url)
    bot = DiscordHarness(fake, settings, build_service(settings, engine))
    await bot.start()
    message = await answer_current_question(bot, CHANNEL, await start_quiz(bot))
    await bot.service.store.close()
    await bot.restart(build_service(settings, engine))
    message = await answer_current_question(bot, CHANNEL, message)
    assert "Question 3 of" in message.payload["content"]
    await bot.close()
    await bot.service.store.close()
    assert not fake.refused


async def test_button_of_a_quiz_the_bot_forgot_says_it_expired(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    await bot.restart(CoachService(engine, MemoryStore()))
    before = copy.deepcopy(message.payload)
    outcomes = await bot.send(bot.fake.press_first(ALICE, CHANNEL, message))
    assert [o.kind for o in outcomes] == ["reply"] and outcomes[0].ephemeral
    assert outcomes[0].message is not None
    assert outcomes[0].message.text == engine.content.texts.stale_option
    assert message.payload == before


async def test_button_in_a_format_from_an_older_version_is_answered(
    bot: DiscordHarness, engine: Engine
) -> None:
    message = await start_quiz(bot)
    for component in message.components():
        component["custom_id"] = "quiz-v0:" + component["custom_id"][-20:]
    outcomes = await bot.send(bot.fake.press_first(ALICE, CHANNEL, message))
    assert [o.kind for o in outcomes] == ["reply"] and outcomes[0].ephemeral
    assert outcomes[0].message is not None
    assert outcomes[0].message.text == engine.content.texts.stale_option
