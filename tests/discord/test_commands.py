"""Stories of the slash commands: sync, /faq with autocomplete, /ask, /compare, sharing, errors."""

from __future__ import annotations

import pytest

from adapters.discord.app import build_client, intents_for, sync_commands
from bot.engine import Engine
from bot.service import CoachService
from bot.settings import SettingsError, load_settings
from bot.store.memory import MemoryStore
from tests.discord.conftest import ALICE, ALICE_DM, CHANNEL, GUILD_ID, discord_settings
from tests.discord.fake_discord import BOT, FakeDiscord, Outcome, Person
from tests.discord.harness import DiscordHarness

EXPECTED = {"quiz", "faq", "ask", "compare", "help", "forget"}


def only_message(outcomes: list[Outcome]) -> str:
    assert len(outcomes) == 1 and outcomes[0].message is not None, outcomes
    return outcomes[0].message.text


async def test_commands_are_registered_globally_with_descriptions(
    bot: DiscordHarness, fake: FakeDiscord
) -> None:
    synced = {c["name"]: c for c in fake.commands[None]}
    assert synced.keys() >= EXPECTED
    assert all(c["description"] for c in synced.values())
    topic = synced["faq"]["options"][0]
    assert topic["name"] == "topic" and topic["autocomplete"] and not topic.get("required")


async def test_discord_sync_registers_to_the_development_guild_on_demand(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = discord_settings(fake, monkeypatch, discord_guild_id=GUILD_ID)
    names = await sync_commands(settings)
    assert set(names) == {c["name"] for c in fake.commands[GUILD_ID]}
    assert set(names) >= EXPECTED
    assert None not in fake.commands, "a guild sync leaves the global commands alone"


async def test_faq_autocomplete_offers_the_closest_questions(
    bot: DiscordHarness, engine: Engine
) -> None:
    topic = engine.content.faq.topics[-1]
    typed = topic.question.split("?")[0][:-2]
    outcomes = await bot.send(bot.fake.autocomplete(ALICE, CHANNEL, "faq", "topic", typed))
    assert [o.kind for o in outcomes] == ["autocomplete"]
    choices = outcomes[0].choices
    assert choices[0] == {"name": topic.question, "value": topic.id}
    assert [c["value"] for c in choices] == [t for t, _, _ in engine.search_topics(typed, 25)]


async def test_faq_autocomplete_with_nothing_typed_lists_questions(
    bot: DiscordHarness, engine: Engine
) -> None:
    outcomes = await bot.send(bot.fake.autocomplete(ALICE, CHANNEL, "faq", "topic", ""))
    expected = [t.id for t in engine.content.faq.topics][:25]
    assert [c["value"] for c in outcomes[0].choices] == expected


async def test_faq_with_a_picked_question_answers_privately_with_a_share_button(
    bot: DiscordHarness, engine: Engine
) -> None:
    topic = engine.content.faq.topics[0]
    outcomes = await bot.send(bot.fake.slash(ALICE, CHANNEL, "faq", topic=topic.id))
    text = only_message(outcomes)
    assert outcomes[0].ephemeral
    assert topic.question in text and topic.answer.split("\n")[0][:80] in text
    assert (
        outcomes[0].message is not None
        and engine.content.texts.share_label in outcomes[0].message.buttons
    )


async def test_sharing_an_answer_posts_it_in_the_channel_for_everyone(
    bot: DiscordHarness, engine: Engine
) -> None:
    topic = engine.content.faq.topics[0]
    answer = (await bot.send(bot.fake.slash(ALICE, CHANNEL, "faq", topic=topic.id)))[0].message
    assert answer is not None
    shared = await bot.send(
        bot.fake.click(ALICE, CHANNEL, answer, engine.content.texts.share_label)
    )
    text = only_message(shared)
    assert not shared[0].ephemeral
    assert topic.question in text and f"Shared by {ALICE.name}" in text
    assert shared[0].message is not None and shared[0].message.components() == []


async def test_faq_without_a_topic_shows_the_question_menu(
    bot: DiscordHarness, engine: Engine
) -> None:
    outcomes = await bot.send(bot.fake.slash(ALICE, CHANNEL, "faq"))
    assert outcomes[0].message is not None
    shown = outcomes[0].message.buttons + [
        o["label"] for s in outcomes[0].message.selects for o in s["options"]
    ]
    assert engine.content.faq.topics[0].question in shown


async def test_ask_in_scope_answers_from_the_faq(bot: DiscordHarness, engine: Engine) -> None:
    topic = engine.content.faq.topics[0]
    question = (topic.phrasings or [topic.question])[0]
    expected = engine.matcher.match(question).topic_id
    assert expected is not None
    outcomes = await bot.send(bot.fake.slash(ALICE, CHANNEL, "ask", question=question))
    assert engine.content.topic(expected).question in only_message(outcomes)


async def test_ask_out_of_scope_says_what_the_bot_covers(
    bot: DiscordHarness, engine: Engine
) -> None:
    outcomes = await bot.send(
        bot.fake.slash(ALICE, CHANNEL, "ask", question="what is the capital of France")
    )
    assert only_message(outcomes) == engine.content.texts.out_of_scope


async def test_compare_puts_both_exercises_side_by_side_in_an_embed(
    bot: DiscordHarness, engine: Engine
) -> None:
    outcomes = await bot.send(bot.fake.slash(ALICE, ALICE_DM, "compare"))
    assert outcomes[0].message is not None and not outcomes[0].ephemeral
    embed = outcomes[0].message.payload["embeds"][0]
    assert embed["title"] == engine.content.exercises.title
    names = [f["name"] for f in embed["fields"]]
    for exercise in engine.content.exercises.exercises:
        assert any(exercise.name in name for name in names)


async def test_help_and_forget_answer_the_member(bot: DiscordHarness, engine: Engine) -> None:
    help_text = only_message(await bot.send(bot.fake.slash(ALICE, ALICE_DM, "help")))
    assert help_text == engine.content.texts.help
    forgotten = only_message(await bot.send(bot.fake.slash(ALICE, ALICE_DM, "forget")))
    assert forgotten == engine.content.texts.forgotten


def test_bot_asks_for_no_privileged_intent_unless_free_text_is_on() -> None:
    default = intents_for(load_settings(store_url="memory://"))
    assert default.guilds and default.dm_messages
    assert not (default.message_content or default.members or default.presences)
    free_text = intents_for(load_settings(store_url="memory://", discord_free_text=True))
    assert free_text.message_content and free_text.guild_messages


async def test_one_process_can_run_one_shard_of_many(engine: Engine) -> None:
    settings = load_settings(store_url="memory://", discord_shard_id=1, discord_shard_count=4)
    client = build_client(settings, CoachService(engine, MemoryStore()))
    assert (client.shard_id, client.shard_count) == (1, 4)


def test_shard_settings_must_come_in_a_sensible_pair() -> None:
    with pytest.raises(SettingsError, match="DISCORD_SHARD_COUNT"):
        load_settings(store_url="memory://", discord_shard_id=1)
    with pytest.raises(SettingsError, match="below"):
        load_settings(store_url="memory://", discord_shard_id=4, discord_shard_count=4)


async def test_a_question_typed_in_a_dm_gets_an_answer(bot: DiscordHarness, engine: Engine) -> None:
    posts = await bot.say(bot.fake.user_message(ALICE, ALICE_DM, "are step ups bad for my knees"))
    topic = engine.content.topic("knee_concerns")
    assert len(posts) == 1
    shown = posts[0]["content"] + " ".join(e.get("description", "") for e in posts[0]["embeds"])
    assert topic.question in str(posts[0]) and "heel" in shown


async def test_channel_chatter_is_ignored_unless_it_mentions_the_bot(bot: DiscordHarness) -> None:
    assert await bot.say(bot.fake.user_message(ALICE, CHANNEL, "step height?")) == []
    me = Person(int(BOT["id"]), str(BOT["username"]))
    mention = f"<@{me.id}> how high should the step be"
    posts = await bot.say(bot.fake.user_message(ALICE, CHANNEL, mention, mentions=(me,)))
    assert len(posts) == 1
