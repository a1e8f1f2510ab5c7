"""A coach runs a Discord server channel: coach-only commands, shared posts, the goal poll,
private health answers, quiet channel text, check-ins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord.coach import CoachedHandlers
from bot.engine import Engine
from bot.service import CoachService
from bot.store.base import Store
from bot.store.memory import MemoryStore
from bot.store.sqlite import SqliteStore
from tests.core.helpers import as_read as plain
from tests.discord.conftest import CHANNEL, GUILD_ID, discord_settings
from tests.discord.fake_discord import APP_ID, FakeDiscord, Outcome, Person, Shown
from tests.discord.harness import DiscordHarness

MANAGE_GUILD = 1 << 5
COACH = Person(930_000_000_000_000_001, "cora")
MEMBERS = [Person(940_000_000_000_000_000 + n, f"member{n}") for n in range(20)]
BOT_PERSON = Person(APP_ID, "hipstep")


@asynccontextmanager
async def harness_on(
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    store: Store,
    engine: Engine,
    **settings: Any,
) -> AsyncIterator[DiscordHarness]:
    fake.permissions[COACH.id] = MANAGE_GUILD
    harness = DiscordHarness(
        fake, discord_settings(fake, monkeypatch, **settings), CoachService(engine, store)
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.close()


def cache_guild_with_role(bot: DiscordHarness, role: int, name: str) -> None:
    """The server as the gateway would have cached it (GUILD_CREATE): its roles by name."""
    assert bot.client is not None
    state = bot.client._connection
    role_data = {"id": str(role), "name": name, "permissions": "0", "position": 1, "color": 0}
    role_data |= {"hoist": False, "managed": False, "mentionable": False, "flags": 0}
    everyone = role_data | {"id": str(GUILD_ID), "name": "@everyone", "position": 0}
    data = {"id": str(GUILD_ID), "name": "Leg day", "roles": [everyone, role_data]}
    state._add_guild(discord.Guild(data=data, state=state))  # type: ignore[arg-type]


@pytest.fixture
async def bot(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> AsyncIterator[DiscordHarness]:
    async with harness_on(fake, monkeypatch, MemoryStore(), engine, discord_free_text=True) as h:
        yield h
    assert not fake.refused, f"the fake Discord refused: {fake.refused}"


def message_of(outcomes: list[Outcome]) -> Shown:
    shown = [o.message for o in outcomes if o.message is not None]
    assert shown, outcomes
    return shown[0]


def read(message: Shown) -> str:
    """What a member reads: the text without markdown's bold marks."""
    return message.text.replace("**", "")


def public_texts(fake: FakeDiscord) -> list[str]:
    texts = [m.text for m in fake.messages.values() if not m.ephemeral]
    return texts + [p["content"] + str(p.get("embeds")) for p in fake.channel_posts]


async def open_poll(bot: DiscordHarness) -> Shown:
    poll = message_of(await bot.send(bot.fake.slash(COACH, CHANNEL, "groupquiz")))
    assert not poll.ephemeral
    return poll


async def test_coach_commands_are_hidden_from_members_and_servers_only(
    bot: DiscordHarness, fake: FakeDiscord
) -> None:
    synced = {c["name"]: c for c in fake.commands[None]}
    for name in ("post", "groupquiz", "groupresults", "unanswered", "checkin"):
        assert int(synced[name]["default_member_permissions"]) == MANAGE_GUILD
        assert synced[name].get("dm_permission") is False or 1 not in synced[name].get(
            "contexts", [1]
        )
    assert synced["quiz"].get("default_member_permissions") is None


async def test_a_coach_and_twenty_members_vote_and_one_changes_their_mind(
    bot: DiscordHarness, engine: Engine
) -> None:
    goals = engine.content.goals.goals
    poll = await open_poll(bot)

    votes = [bot.fake.click(m, CHANNEL, poll, goals[0].label) for m in MEMBERS[:15]]
    votes += [bot.fake.click(m, CHANNEL, poll, goals[3].label) for m in MEMBERS[15:]]
    await asyncio.gather(*(bot.send(v) for v in votes))
    await bot.send(bot.fake.click(MEMBERS[0], CHANNEL, poll, goals[0].label))
    changed = await bot.send(bot.fake.click(MEMBERS[0], CHANNEL, poll, goals[3].label))

    assert [o.kind for o in changed] == ["update", "followup"] and changed[1].ephemeral
    assert goals[3].label in changed[1].message.text  # type: ignore[union-attr]
    assert f"{goals[0].label}: **14**" in poll.text and f"{goals[3].label}: **6**" in poll.text
    assert "20 answered" in poll.text and MEMBERS[2].name not in poll.text


async def test_a_member_cannot_post_nor_close_and_nothing_changes(
    bot: DiscordHarness, engine: Engine
) -> None:
    coach_texts = engine.content.texts.coach
    poll = await open_poll(bot)
    before = poll.text

    posted = await bot.send(bot.fake.slash(MEMBERS[0], CHANNEL, "post", kind="quiz"))
    closed = await bot.send(bot.fake.click(MEMBERS[0], CHANNEL, poll, coach_texts.poll_close_label))
    results = await bot.send(bot.fake.slash(MEMBERS[0], CHANNEL, "groupresults"))

    for outcome in (posted, closed, results):
        assert (
            message_of(outcome).ephemeral
            and plain(coach_texts.not_coach) in message_of(outcome).text
        )
    assert poll.text == before and coach_texts.poll_close_label in poll.buttons


async def test_a_coach_role_named_in_settings_may_post(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    role = 950_000_000_000_000_001
    fake.roles[MEMBERS[0].id] = [role]
    async with harness_on(
        fake, monkeypatch, MemoryStore(), engine, discord_coach_role="Coach"
    ) as bot:
        cache_guild_with_role(bot, role, "Coach")
        posted = await bot.send(bot.fake.slash(MEMBERS[0], CHANNEL, "post", kind="faq"))
        refused = await bot.send(bot.fake.slash(MEMBERS[1], CHANNEL, "post", kind="faq"))

    assert not message_of(posted).ephemeral
    assert message_of(refused).ephemeral


async def test_the_plan_is_posted_once_however_often_the_poll_is_closed(
    bot: DiscordHarness, engine: Engine
) -> None:
    goals, title = engine.content.goals.goals, engine.content.texts.coach.results_title
    poll = await open_poll(bot)
    await asyncio.gather(
        *(bot.send(bot.fake.click(m, CHANNEL, poll, goals[0].label)) for m in MEMBERS[:4])
    )
    close = bot.fake.click(COACH, CHANNEL, poll, engine.content.texts.coach.poll_close_label)
    again = bot.fake.click(COACH, CHANNEL, poll, engine.content.texts.coach.poll_close_label)

    await asyncio.gather(
        bot.send(close), bot.send(again), bot.send(bot.fake.slash(COACH, CHANNEL, "groupresults"))
    )

    plans = [t for t in public_texts(bot.fake) if title in t]
    assert len(plans) == 1 and "Hip thrust" in plans[0]
    assert poll.buttons == [] and f"{goals[0].label}: **4**" in poll.text


async def test_the_tally_survives_a_restart_mid_poll(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path
) -> None:
    goal = engine.content.goals.goals[1]
    store = SqliteStore(tmp_path / "groups.db")
    async with harness_on(fake, monkeypatch, store, engine) as bot:
        poll = await open_poll(bot)
        for member in MEMBERS[:3]:
            await bot.send(bot.fake.click(member, CHANNEL, poll, goal.label))
        await bot.restart(CoachService(engine, SqliteStore(tmp_path / "groups.db")))
        await bot.send(bot.fake.click(MEMBERS[3], CHANNEL, poll, goal.label))
        await bot.send(bot.fake.slash(COACH, CHANNEL, "groupresults"))
    await store.close()

    assert f"{goal.label}: **4**" in poll.text and poll.buttons == []


async def test_a_shared_quiz_post_pressed_by_three_members_gives_each_a_private_quiz(
    bot: DiscordHarness, engine: Engine
) -> None:
    post = message_of(await bot.send(bot.fake.slash(COACH, CHANNEL, "post", kind="quiz")))
    assert not post.ephemeral and post.buttons == [engine.content.texts.coach.here_label]
    before = post.text

    presses = [bot.fake.click(m, CHANNEL, post, post.buttons[0]) for m in MEMBERS[:3]]
    outcomes = await asyncio.gather(*(bot.send(p) for p in presses))

    first = plain(engine.content.quiz.questions[0].prompt)
    for person, outcome in zip(MEMBERS[:3], outcomes, strict=True):
        quiz = message_of(outcome)
        assert quiz.ephemeral and first in read(quiz) and quiz.for_user == person.id
    assert post.text == before and post.edits == 0
    assert not any(plain(engine.content.texts.not_yours) in t for t in public_texts(bot.fake))


async def test_a_members_discomfort_answer_never_appears_in_a_channel_message(
    bot: DiscordHarness, engine: Engine
) -> None:
    content = engine.content
    post = message_of(await bot.send(bot.fake.slash(COACH, CHANNEL, "post", kind="quiz")))
    quiz = message_of(await bot.send(bot.fake.click(MEMBERS[4], CHANNEL, post, post.buttons[0])))
    for _ in range(3):
        await bot.send(bot.fake.press_first(MEMBERS[4], CHANNEL, quiz))
    pain = next(q for q in content.quiz.questions if q.role == "concerns")
    assert plain(pain.prompt) in read(quiz) and quiz.ephemeral
    await bot.send(bot.fake.choose(MEMBERS[4], CHANNEL, quiz, [pain.options[0].label]))

    shown = " ".join(public_texts(bot.fake)).replace("**", "")
    assert plain(pain.prompt) not in shown and pain.options[0].label not in shown


async def test_channel_chatter_is_ignored_and_declines_stay_quiet_but_counted(
    bot: DiscordHarness, engine: Engine, fake: FakeDiscord
) -> None:
    chatter = await bot.say(fake.user_message(MEMBERS[0], CHANNEL, "leg day was brutal lol"))
    declined = await bot.say(
        fake.user_message(MEMBERS[0], CHANNEL, f"<@{APP_ID}> best pizza topping?", (BOT_PERSON,))
    )
    await bot.say(
        fake.user_message(MEMBERS[1], CHANNEL, f"<@{APP_ID}> Best PIZZA topping", (BOT_PERSON,))
    )
    topic = engine.content.faq.topics[0]
    answered = await bot.say(
        fake.user_message(MEMBERS[2], CHANNEL, f"<@{APP_ID}> {topic.question}", (BOT_PERSON,))
    )

    assert chatter == [] and declined == []
    assert len(answered) >= 1 and answered[0]["message_reference"]["message_id"]
    listing = message_of(await bot.send(fake.slash(COACH, CHANNEL, "unanswered")))
    assert listing.ephemeral and "2×" in listing.text and "pizza" in listing.text
    assert MEMBERS[0].name not in listing.text


async def test_a_weekly_check_in_is_posted_once_in_the_channel(
    bot: DiscordHarness, engine: Engine, fake: FakeDiscord
) -> None:
    set_up = await bot.send(
        fake.slash(COACH, CHANNEL, "checkin", schedule="weekly mon 18:00 Europe/London")
    )
    assert message_of(set_up).ephemeral and "18:00" in message_of(set_up).text
    handlers = bot.client.handlers  # type: ignore[union-attr]
    assert isinstance(handlers, CoachedHandlers) and bot.client is not None
    monday_evening = datetime(2026, 11, 30, 18, 5, tzinfo=UTC)

    runs = [await handlers.post_checkins(bot.client, monday_evening) for _ in range(3)]

    assert runs == [1, 0, 0]
    assert plain(engine.content.texts.coach.checkin_post)[:30] in fake.channel_posts[-1]["content"]
    assert fake.channel_posts[-1]["channel_id"] == str(CHANNEL.channel_id)
