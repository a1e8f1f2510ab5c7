"""The questionnaire's rules: which question comes next, and the recommendation it leads to.

Follows ../shared/eval/quiz_contract.json: prioritise by how the chosen goals lean; cautions
when a triggering answer meets an exercise that is prioritised or combined.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.content import BOTH, Choice, Content, Question

logger = logging.getLogger(__name__)


class UnknownAnswer(ValueError):
    """An id that is no goal, concern or experience level the content knows."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    prioritize: str
    goals: tuple[str, ...]
    cautions: tuple[str, ...]
    equipment: str = ""
    concerns: tuple[str, ...] = ()
    experience: str = ""


def choices(content: Content, question: Question) -> list[Choice]:
    """The answers a question offers; goal questions offer the goals from content."""
    if question.options_from_goals:
        return list(content.goals.choices)
    return list(question.options)


def answer_ids(content: Content, role: str) -> set[str]:
    """Every valid answer id for the questions with `role` (for the CLI's checks)."""
    return {c.id for q in content.quiz.questions if q.role == role for c in choices(content, q)}


def recommend(
    content: Content,
    goals: list[str],
    concerns: list[str],
    experience: str = "",
    equipment: str = "",
) -> Recommendation:
    """Apply the contract's prioritise and caution rules to a user's answers."""
    known_goals = {g.id for g in content.goals.goals}
    unknown = [g for g in goals if g not in known_goals]
    if unknown or not goals:
        raise UnknownAnswer(f"unknown goal {unknown or '(none)'}; valid: {sorted(known_goals)}")
    ordered = tuple(dict.fromkeys(goals))
    leanings = {content.goal(g).leans for g in ordered}
    prioritize = leanings.pop() if len(leanings) == 1 else BOTH
    cautions = tuple(
        c.id
        for c in content.recommendation.cautions
        if (c.when_concern in concerns or (c.when_experience and c.when_experience == experience))
        and prioritize in (c.about, BOTH)
    )
    return Recommendation(prioritize, ordered, cautions, equipment, tuple(concerns), experience)


def goals_from_answers(content: Content, answers: dict[str, list[str]]) -> list[str]:
    return _by_role(content, answers, "goal") + _by_role(content, answers, "more_goals")


def recommendation_from_answers(content: Content, answers: dict[str, list[str]]) -> Recommendation:
    experience = _by_role(content, answers, "experience")
    equipment = _by_role(content, answers, "equipment")
    return recommend(
        content,
        goals_from_answers(content, answers),
        _by_role(content, answers, "concerns"),
        experience[0] if experience else "",
        equipment[0] if equipment else "",
    )


def _by_role(content: Content, answers: dict[str, list[str]], role: str) -> list[str]:
    """Answers given to the questions with `role`, leaving out ids the content no longer has."""
    return [
        a
        for q in content.quiz.questions
        if q.role == role
        for a in answers.get(q.id, [])
        if a in {c.id for c in choices(content, q)}
    ]


def next_question(content: Content, current: str) -> Question | None:
    ids = [q.id for q in content.quiz.questions]
    index = ids.index(current) + 1
    return content.quiz.questions[index] if index < len(ids) else None


def question(content: Content, question_id: str) -> Question | None:
    return next((q for q in content.quiz.questions if q.id == question_id), None)
