"""The FAQ matcher: answers the way people type, declines what it does not know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.evaluation import evaluate
from tests.contracts import FAQ_TOPICS

HOLDOUT = Path(__file__).parent / "data" / "faq_holdout.jsonl"
DEV = Path(__file__).parents[1] / "data" / "faq_dev.jsonl"
NEW_TOPICS = {t["id"] for t in FAQ_TOPICS if "source" in t}


def test_held_out_questions_meet_the_accuracy_bar(engine: Engine) -> None:
    """Questions written without sight of the content: >= 95% right, >= 95% declined."""
    figures = evaluate(engine.matcher, HOLDOUT).as_dict()
    assert figures["in_scope_correct"] >= 0.95, figures["misses"]
    assert figures["oos_rejected"] >= 0.95, figures["misses"]


def test_public_dev_questions_meet_the_issue_bar(engine: Engine) -> None:
    figures = evaluate(engine.matcher, DEV).as_dict()
    assert figures["in_scope_correct"] >= 0.95, figures["misses"]
    assert figures["oos_rejected"] >= 0.95, figures["misses"]


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_the_new_topics_are_answered_at_least_nine_times_in_ten(engine: Engine, path: Path) -> None:
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    new = [c for c in cases if NEW_TOPICS & set(c["accept"])]
    right = [c for c in new if engine.matcher.match(c["q"]).topic_id in c["accept"]]
    assert len(new) >= 20 and len(right) / len(new) >= 0.9, [c["q"] for c in new if c not in right]


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
