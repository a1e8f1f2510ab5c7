"""The FAQ matcher: answers the way people type, declines what it does not know."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate

HOLDOUT = Path(__file__).parent / "data" / "faq_holdout.jsonl"


def test_held_out_questions_meet_the_accuracy_bar(engine: Engine) -> None:
    """Questions written without sight of the content: >= 90% right, >= 90% declined."""
    figures = evaluate(engine.matcher, HOLDOUT).as_dict()
    assert figures["in_scope_correct"] >= 0.9, figures["misses"]
    assert figures["oos_rejected"] >= 0.9, figures["misses"]


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("hamstirngs", "hamstrings"),
        ("how tall shuold my box be", "step_height"),
        ("quadricpes", "quad_development"),
        ("hip thurst form", "hip_thrust_technique"),
    ],
)
def test_typos_still_find_the_topic(engine: Engine, typed: str, topic: str) -> None:
    assert engine.matcher.match(typed).topic_id == topic


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("booty gains", "glute_growth"),
        ("hammies", "hamstrings"),
        ("stepups wreck my kneecap", "knee_concerns"),
        ("leg day with both?", "combine_both"),
    ],
)
def test_slang_finds_the_topic(engine: Engine, typed: str, topic: str) -> None:
    assert engine.matcher.match(typed).topic_id == topic


@pytest.mark.parametrize(
    "typed",
    ["how much creatine should i take", "best bench press program", "is it going to rain", "zxcvb"],
)
def test_out_of_scope_is_declined_without_guessing(engine: Engine, typed: str) -> None:
    found = engine.matcher.match(typed)
    assert found.topic_id is None and not found.suggestions


def test_every_topic_answers_its_own_menu_question(engine: Engine) -> None:
    for topic in engine.content.faq.topics:
        assert engine.matcher.match(topic.question).topic_id == topic.id, topic.question


def test_confidence_is_a_share(engine: Engine) -> None:
    for text in ("", "glutes", "x" * 5000, "step " * 300):
        assert 0.0 <= engine.matcher.match(text).confidence <= 1.0
