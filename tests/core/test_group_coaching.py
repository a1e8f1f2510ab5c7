"""The group rules in the core: the plan weighted by votes, private health answers, shared posts,
unanswered questions counted by text."""

from __future__ import annotations

from collections import Counter

from bot.buttons import SHARED, Action, ButtonData
from bot.content import BOTH
from bot.engine import Engine
from bot.groups.plan import group_plan
from bot.groups.records import GroupKey
from bot.groups.service import GroupService
from bot.messages import ChoiceEvent, CommandEvent, Delivery, Origin, Reply, TextEvent
from bot.session import Session
from bot.store.memory import MemoryStore
from tests.core.helpers import as_read, find_option, said

PUBLIC_GROUP = Origin(group=True)
WHISPERING_GROUP = Origin(group=True, whisper=True)
GROUP = GroupKey("discord", "555")


def goals_leaning(engine: Engine, exercise: str) -> list[str]:
    return [g.id for g in engine.content.goals.goals if g.leans == exercise]


def test_a_clear_majority_sets_the_lift_and_the_minority_is_named(engine: Engine) -> None:
    glutes, single_leg = goals_leaning(engine, "hip_thrust")[0], goals_leaning(engine, "step_up")[0]

    plan = group_plan(engine.content, Counter({glutes: 15, single_leg: 5}))

    assert plan is not None and plan.prioritize == "hip_thrust" and plan.share == 75
    assert plan.minority == (single_leg,) and plan.lead_sessions == 2


def test_an_even_split_trains_both_lifts(engine: Engine) -> None:
    glutes, single_leg = goals_leaning(engine, "hip_thrust")[0], goals_leaning(engine, "step_up")[0]

    plan = group_plan(engine.content, Counter({glutes: 6, single_leg: 5}))

    assert plan is not None and plan.prioritize == BOTH and plan.share == 50


def test_no_votes_make_no_plan(engine: Engine) -> None:
    assert group_plan(engine.content, Counter()) is None


def answer_until_discomfort(engine: Engine, origin: Origin) -> tuple[Session, list[Reply]]:
    session, out = engine.handle(Session(salt="ab12"), CommandEvent("quiz"), "7", origin)
    for label in (engine.content.goals.goals[0].label, "Nothing else", "New to lifting"):
        data = ButtonData.unpack(find_option(out[-1], label).data)
        session, out = engine.handle(session, ChoiceEvent(data), "7", origin)
    return session, out


def test_in_a_public_group_the_discomfort_question_becomes_a_private_link(engine: Engine) -> None:
    pain = next(q for q in engine.content.quiz.questions if q.role == "concerns")

    session, out = answer_until_discomfort(engine, PUBLIC_GROUP)

    assert not any(r.private for r in out)
    assert as_read(pain.prompt) not in " ".join(said(r) for r in out)
    assert [o.link for o in out[-1].options] == ["quiz"] and out[-1].delivery is Delivery.EDIT
    assert session.flow == "idle"  # typed answers in the group start nothing personal


def test_where_the_platform_whispers_the_discomfort_question_is_asked(engine: Engine) -> None:
    pain = next(q for q in engine.content.quiz.questions if q.role == "concerns")

    _, out = answer_until_discomfort(engine, WHISPERING_GROUP)

    assert out[-1].private and as_read(pain.prompt) in said(out[-1])


def test_a_shared_menu_press_never_edits_the_shared_post(engine: Engine) -> None:
    page = ButtonData(SHARED, "0", Action.PAGE, value="1")

    _, out = engine.handle(Session(salt="ab12"), ChoiceEvent(page), "7", WHISPERING_GROUP)

    assert out and all(r.delivery is Delivery.SEND for r in out)


def test_a_shared_compare_button_and_deep_link_show_the_comparison(engine: Engine) -> None:
    compare = ButtonData(SHARED, "0", Action.GO, value="compare")

    _, pressed = engine.handle(Session(salt="ab12"), ChoiceEvent(compare), "7", WHISPERING_GROUP)
    _, linked = engine.handle(Session(salt="ab12"), CommandEvent("start", "compare"), "7")

    assert said(pressed[0]) == said(linked[0]) and engine.content.exercises.title in said(linked[0])


async def test_unanswered_questions_are_counted_by_text_and_expire(engine: Engine) -> None:
    now = [1_000_000.0]
    groups = GroupService(engine, MemoryStore(), retention=3600, clock=lambda: now[0])
    for text in ("Best pizza topping?", "best   PIZZA topping", "Who won the match"):
        await groups.note_declined(GROUP, TextEvent(text))

    listing = said(await groups.unanswered(GROUP))
    now[0] += 3601
    later = said(await groups.unanswered(GROUP))

    assert "2×" in listing and "1×" in listing and "pizza" in listing
    assert later == as_read(engine.content.texts.coach.unanswered_none)


def test_only_the_out_of_scope_line_counts_as_declined(engine: Engine) -> None:
    groups = GroupService(engine, MemoryStore())
    _, declined = engine.handle(Session(salt="ab12"), TextEvent("who won the football"), "7")
    topic = engine.content.faq.topics[0]
    _, answered = engine.handle(Session(salt="ab12"), TextEvent(topic.question), "7")

    assert groups.declined(declined) and not groups.declined(answered)
