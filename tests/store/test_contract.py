"""The store contract: memory, SQLite and Redis behave the same to the service above them."""

from __future__ import annotations

import asyncio

import pytest

from bot.session import QuizState, Session
from bot.store.base import SessionKey, Store, StoreUnavailable, VersionConflict
from tests.store.conftest import StoreKit

ALICE = SessionKey("telegram", "-100200", "42")


def session_at(version: int, **fields: object) -> Session:
    return Session(version=version, salt="ab12", **fields)  # type: ignore[arg-type]


async def test_a_newcomer_has_no_session(store: Store) -> None:
    assert await store.load(ALICE) is None


async def test_a_saved_session_comes_back_exactly(store: Store) -> None:
    quiz = QuizState(step="goal", answers={"goal": ["glutes", "balance"]}, history=["goal"])
    session = session_at(1, flow="quiz", quiz=quiz, last_goals=["glutes ✓ 🍑 <b>"])
    session.remember_event("telegram:1")

    await store.save(ALICE, session, expected_version=0)

    assert await store.load(ALICE) == session


async def test_the_first_save_must_expect_no_stored_session(store: Store) -> None:
    with pytest.raises(VersionConflict):
        await store.save(ALICE, session_at(2), expected_version=1)
    assert await store.load(ALICE) is None


async def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(store: Store) -> None:
    await store.save(ALICE, session_at(1), expected_version=0)
    await store.save(ALICE, session_at(2, round=7), expected_version=1)

    with pytest.raises(VersionConflict):
        await store.save(ALICE, session_at(2, round=99), expected_version=1)
    with pytest.raises(VersionConflict):
        await store.save(ALICE, session_at(1), expected_version=0)

    assert await store.load(ALICE) == session_at(2, round=7)


async def test_of_two_saves_from_the_same_version_exactly_one_wins(kit: StoreKit) -> None:
    first = kit.open()
    second = kit.open() if kit.persistent else first
    await first.save(ALICE, session_at(1), expected_version=0)

    outcomes = await asyncio.gather(
        first.save(ALICE, session_at(2, round=1), expected_version=1),
        second.save(ALICE, session_at(2, round=2), expected_version=1),
        return_exceptions=True,
    )

    conflicts = [o for o in outcomes if isinstance(o, VersionConflict)]
    assert len(conflicts) == 1, outcomes
    winner = 1 if outcomes[0] is None else 2
    assert await second.load(ALICE) == session_at(2, round=winner)


async def test_group_members_and_look_alike_ids_never_share_a_session(store: Store) -> None:
    keys = [
        ALICE,
        SessionKey("telegram", "-100200", "43"),
        SessionKey("discord", "-100200", "42"),
        SessionKey("telegram", "a:b", "c"),
        SessionKey("telegram", "a", "b:c"),
        SessionKey("telegram", "{x}", "%3A"),
        SessionKey("telegram", "x", ":"),
    ]
    for number, key in enumerate(keys, start=1):
        await store.save(key, session_at(1, round=number), expected_version=0)

    for number, key in enumerate(keys, start=1):
        assert await store.load(key) == session_at(1, round=number), key


async def test_delete_ends_one_session_and_a_new_one_can_start(store: Store) -> None:
    other_chat = SessionKey("telegram", "7", "42")
    await store.save(ALICE, session_at(1), expected_version=0)
    await store.save(other_chat, session_at(1), expected_version=0)

    await store.delete(ALICE)
    await store.delete(ALICE)

    assert await store.load(ALICE) is None
    assert await store.load(other_chat) == session_at(1)
    await store.save(ALICE, session_at(1, round=3), expected_version=0)
    assert await store.load(ALICE) == session_at(1, round=3)


async def test_forget_removes_every_chat_of_that_user_and_nobody_elses(store: Store) -> None:
    mine = [ALICE, SessionKey("telegram", "7", "42"), SessionKey("telegram", "a:b", "42")]
    others = [SessionKey("telegram", "-100200", "43"), SessionKey("discord", "7", "42")]
    for key in mine + others:
        await store.save(key, session_at(1), expected_version=0)

    assert await store.forget_user("telegram", "42") == len(mine)

    for key in mine:
        assert await store.load(key) is None
    for key in others:
        assert await store.load(key) == session_at(1)
    assert await store.forget_user("telegram", "42") == 0
    await store.save(ALICE, session_at(1), expected_version=0)


async def test_an_event_id_is_new_only_once(store: Store) -> None:
    assert await store.mark_seen("telegram:1001") is True
    assert await store.mark_seen("telegram:1001") is False
    assert await store.mark_seen("discord:1001") is True


async def test_a_seen_event_id_is_forgotten_after_its_ttl(kit: StoreKit) -> None:
    store = kit.open(event_ttl=0.3)
    await store.mark_seen("telegram:5")

    await kit.pass_time(0.45)

    assert await store.mark_seen("telegram:5") is True


async def test_an_idle_session_expires_and_the_user_starts_over(kit: StoreKit) -> None:
    store = kit.open(session_ttl=0.3)
    await store.save(ALICE, session_at(1), expected_version=0)

    await kit.pass_time(0.45)

    assert await store.load(ALICE) is None
    await store.save(ALICE, session_at(1, round=2), expected_version=0)
    assert await store.load(ALICE) == session_at(1, round=2)


async def test_each_save_keeps_an_active_session_alive(kit: StoreKit) -> None:
    store = kit.open(session_ttl=0.6)
    await store.save(ALICE, session_at(1), expected_version=0)
    await kit.pass_time(0.35)
    await store.save(ALICE, session_at(2), expected_version=1)

    await kit.pass_time(0.35)

    assert await store.load(ALICE) == session_at(2)


async def test_a_store_opened_later_sees_what_was_saved(kit: StoreKit) -> None:
    if not kit.persistent:
        pytest.skip("the memory store lives and dies with its process")
    await kit.open().save(ALICE, session_at(1, round=5), expected_version=0)

    later = kit.open()

    assert await later.load(ALICE) == session_at(1, round=5)
    assert await later.mark_seen("telegram:9") is True
    assert await kit.open().mark_seen("telegram:9") is False


async def test_a_reachable_store_answers_ping_and_one_that_is_down_says_so(kit: StoreKit) -> None:
    await kit.open().ping()
    if kit.open_down is None:
        pytest.skip("an in-process store cannot be down")
    down = await kit.open_down()

    with pytest.raises(StoreUnavailable):
        await down.ping()


async def test_after_forget_the_events_the_user_had_sent_are_still_known(store: Store) -> None:
    private = SessionKey("telegram", "42", "42")
    in_group = session_at(1)
    in_group.remember_event("telegram:100")
    alone = session_at(1)
    alone.remember_event("telegram:101")
    await store.save(ALICE, in_group, expected_version=0)
    await store.save(private, alone, expected_version=0)

    await store.forget_user("telegram", "42")

    assert await store.load(ALICE) is None
    assert await store.seen("telegram:100") is True
    assert await store.seen("telegram:101") is True
    assert await store.mark_seen("telegram:100") is False
    assert await store.seen("telegram:102") is False


async def test_looking_at_an_event_id_does_not_mark_it(store: Store) -> None:
    assert await store.seen("telegram:5") is False
    assert await store.seen("telegram:5") is False
    assert await store.mark_seen("telegram:5") is True
    assert await store.seen("telegram:5") is True


async def test_the_marks_left_by_forget_expire_with_the_event_ttl(kit: StoreKit) -> None:
    store = kit.open(event_ttl=0.3)
    session = session_at(1)
    session.remember_event("telegram:100")
    await store.save(ALICE, session, expected_version=0)
    await store.forget_user("telegram", "42")

    await kit.pass_time(0.45)

    assert await store.seen("telegram:100") is False
