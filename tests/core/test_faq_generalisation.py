"""The FAQ matcher on questions written from the topic list alone, and on chat-style context."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate

DATA = Path(__file__).parent / "data"
FRESH = DATA / "faq_fresh.jsonl"  # 306 questions, 60 off-topic: written before any tuning
FRESH_CHAT = DATA / "faq_fresh2.jsonl"  # 76 rambling, typo'd questions, 20 off-topic
FRESH_VOICES = DATA / "faq_fresh3.jsonl"  # 314 from beginners, older adults, coaches, 63 off-topic
FRESH_PLAIN = DATA / "faq_fresh4.jsonl"  # 380 plain questions in the dev set's style, 60 off-topic


@pytest.mark.parametrize("path", [FRESH, FRESH_CHAT, FRESH_VOICES], ids=["fresh", "chat", "voices"])
def test_questions_written_from_the_topic_list_are_answered_and_off_topic_declined(
    engine: Engine, path: Path
) -> None:
    figures = evaluate(engine.matcher, path).as_dict()
    assert figures["in_scope_correct"] >= 0.93, figures["misses"]
    assert figures["oos_rejected"] >= 0.95, figures["misses"]


def test_plain_questions_in_the_public_style_are_answered_and_near_misses_declined(
    engine: Engine,
) -> None:
    figures = evaluate(engine.matcher, FRESH_PLAIN).as_dict()
    assert figures["in_scope_correct"] >= 0.97, figures["misses"]
    assert figures["oos_rejected"] >= 0.97, figures["misses"]


@pytest.mark.parametrize(
    "typed",
    ["how often should i go jogging", "how to squat with good form", "is a 100kg deadlift good"],
)
def test_a_question_about_another_activity_is_declined(engine: Engine, typed: str) -> None:
    assert engine.matcher.match(typed).topic_id is None


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("do these help my squat", "squat_deadlift_carryover"),
        ("hip thrusts first or deadlifts first", "exercise_order"),
    ],
)
def test_another_activity_related_to_the_lifts_is_still_answered(
    engine: Engine, typed: str, topic: str
) -> None:
    assert engine.matcher.match(typed).topic_id == topic, engine.matcher.match(typed).ranked


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        (
            "so my whole feed swears by hip thrusts, like what do they actually do for u",
            "hip_thrust_benefits",
        ),
        ("my gym buddy keeps going on about step ups, whats the catch", "step_up_limitations"),
        ("honestly torn between hip thrusts and step ups, which one", "which_is_better"),
    ],
)
def test_chatter_around_a_named_lift_does_not_hide_the_question(
    engine: Engine, typed: str, topic: str
) -> None:
    found = engine.matcher.match(typed)
    assert found.topic_id == topic, found.ranked


@pytest.mark.parametrize(
    "typed",
    [
        "how do i do a muscle up",
        "best back exercises for a wider back",
        "is it worth cutting carbs before a meet",
        "what time of day should i train",
    ],
)
def test_gym_talk_about_other_things_is_still_declined(engine: Engine, typed: str) -> None:
    assert engine.matcher.match(typed).topic_id is None


def test_a_new_parent_is_referred_to_a_professional(engine: Engine) -> None:
    assert engine.matcher.match("just had a baby, when can i start step ups").topic_id == (
        "see_a_professional"
    )
