"""The questionnaire follows tests/data/quiz_contract.json for every goal and combination."""

from __future__ import annotations

import itertools

import pytest

from bot.engine import Engine
from bot.plan import build_plan
from bot.quiz import UnknownAnswer, recommend, recommendation_from_answers
from tests.contracts import QUIZ_CONTRACT

CONTRACT = QUIZ_CONTRACT
GOALS: dict[str, dict[str, str]] = CONTRACT["goals"]


def expected_priority(goals: list[str]) -> str:
    leans = {GOALS[g]["leans"] for g in goals}
    return leans.pop() if len(leans) == 1 and "both" not in leans else "both"


def test_content_offers_exactly_the_contract_goals(engine: Engine) -> None:
    assert {g.id: g.leans for g in engine.content.goals.goals} == {
        k: v["leans"] for k, v in GOALS.items()
    }


@pytest.mark.parametrize("size", [1, 2, 3])
def test_every_goal_combination_is_prioritised_as_the_contract_says(
    engine: Engine, size: int
) -> None:
    for goals in itertools.combinations(GOALS, size):
        rec = recommend(engine.content, list(goals), [])
        assert rec.prioritize == expected_priority(list(goals)), goals
        assert rec.goals == goals


@pytest.mark.parametrize("concerns", [[], ["knee"], ["lower_back"], ["knee", "lower_back"]])
@pytest.mark.parametrize("experience", ["", "beginner", "intermediate", "advanced"])
def test_cautions_follow_concerns_and_experience(
    engine: Engine, concerns: list[str], experience: str
) -> None:
    for goal in GOALS:
        rec = recommend(engine.content, [goal], concerns, experience)
        steps = rec.prioritize in ("step_up", "both")
        thrusts = rec.prioritize in ("hip_thrust", "both")
        assert ("knee" in rec.cautions) == ("knee" in concerns and steps)
        assert ("lower_back" in rec.cautions) == ("lower_back" in concerns and thrusts)
        assert ("balance" in rec.cautions) == (experience == "beginner" and steps)


def test_unknown_goal_is_refused_with_the_valid_ids(engine: Engine) -> None:
    with pytest.raises(UnknownAnswer, match="glute_hypertrophy"):
        recommend(engine.content, ["bigger_biceps"], [])


def test_quiz_answers_shape_the_week(engine: Engine) -> None:
    """A beginner with only a step and sore knees gets body-weight step-ups with both cues."""
    by_role = {q.role: q.id for q in engine.content.quiz.questions}
    answers = {
        by_role["goal"]: ["balance"],
        by_role["experience"]: ["beginner"],
        by_role["concerns"]: ["knee"],
        by_role["equipment"]: ["bodyweight"],
    }
    rec = recommendation_from_answers(engine.content, answers)
    assert (rec.experience, rec.equipment, rec.concerns) == ("beginner", "bodyweight", ("knee",))
    steps = [e for day in build_plan(engine.content, rec) for e in day.exercises]
    assert steps and all(e.load == "bodyweight" for e in steps)
    assert all({"knee", "balance"} <= set(e.cues) for e in steps if e.exercise == "step_up")
