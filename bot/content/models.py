"""All content in one model, cross-checked across files; the building blocks live in base.py,
training.py (exercises, goals, quiz, plans) and language.py (FAQ, lexicon, follow-ups, texts)."""

# No `from __future__ import annotations` here, for start-up time: see base.py.

import logging
from functools import cached_property

from pydantic import model_validator

from bot.content.base import BOTH, Strict
from bot.content.language import FaqFile, FaqTopic, FollowUpsFile, Lexicon, Texts
from bot.content.training import (
    Exercise,
    ExercisesFile,
    Goal,
    GoalsFile,
    QuizFile,
    RecommendationFile,
)

logger = logging.getLogger(__name__)


class Content(Strict):
    """All content, cross-checked: goals lean on real exercises, cautions name real answers."""

    texts: Texts
    exercises: ExercisesFile
    goals: GoalsFile
    quiz: QuizFile
    recommendation: RecommendationFile
    faq: FaqFile
    lexicon: Lexicon
    followups: FollowUpsFile

    @model_validator(mode="after")
    def _cross_check(self) -> "Content":
        exercise_ids = {e.id for e in self.exercises.exercises}
        for goal in self.goals.goals:
            if goal.leans not in exercise_ids | {BOTH}:
                raise ValueError(f"goal {goal.id!r} leans on unknown {goal.leans!r}")
        for key in self.recommendation.plans:
            if key not in exercise_ids | {BOTH}:
                raise ValueError(f"recommendation plan {key!r} is no exercise id nor 'both'")
        missing = (exercise_ids | {BOTH}) - set(self.recommendation.plans)
        if missing:
            raise ValueError(f"recommendation plans missing for {sorted(missing)}")
        answers = {c.id for q in self.quiz.questions for c in q.options}
        self._check_plans(exercise_ids, answers)
        for caution in self.recommendation.cautions:
            if caution.about not in exercise_ids:
                raise ValueError(f"caution {caution.id!r} is about unknown {caution.about!r}")
            for trigger in (caution.when_concern, caution.when_experience):
                if trigger and trigger not in answers:
                    raise ValueError(f"caution {caution.id!r} names unknown answer {trigger!r}")
        offered: dict[str, set[str]] = {}
        for question in self.quiz.questions:
            offered.setdefault(question.role, set()).update(c.id for c in question.options)
        self.followups.check_answers(offered)
        roles = [q.role for q in self.quiz.questions]
        if "goal" not in roles:
            raise ValueError("the quiz needs a question with role: goal")
        topic_ids = [t.id for t in self.faq.topics]
        for topic in self.faq.topics:
            unknown = set(topic.related) - set(topic_ids)
            if unknown:
                raise ValueError(f"faq topic {topic.id!r} relates to unknown {sorted(unknown)}")
        return self

    def _check_plans(self, exercise_ids: set[str], answers: set[str]) -> None:
        rec = self.recommendation
        for key, plan in rec.plans.items():
            for day in plan.days:
                for entry in day.exercises:
                    if entry.exercise not in exercise_ids:
                        raise ValueError(f"plan {key!r} names unknown exercise {entry.exercise!r}")
                    if entry.dose not in rec.doses:
                        raise ValueError(f"plan {key!r} names unknown dose {entry.dose!r}")
        kits = {c.id for q in self.quiz.questions if q.role == "equipment" for c in q.options}
        if kits and set(rec.equipment) != kits:
            raise ValueError(f"recommendation equipment must cover exactly {sorted(kits)}")
        if set(rec.form_cues) - exercise_ids:
            raise ValueError(
                f"form_cues name unknown exercises {sorted(set(rec.form_cues) - exercise_ids)}"
            )
        if set(rec.per_leg) - exercise_ids:
            raise ValueError(
                f"per_leg names unknown exercises {sorted(set(rec.per_leg) - exercise_ids)}"
            )
        for kit, rule in rec.equipment.items():
            if set(rule.variants) - exercise_ids:
                raise ValueError(f"equipment {kit!r} has variants for unknown exercises")
        for goal in self.goals.goals:
            for change in goal.plan:
                if change.exercise not in exercise_ids:
                    raise ValueError(f"goal {goal.id!r} adjusts unknown {change.exercise!r}")
                if set(change.unless_concern) - answers:
                    raise ValueError(f"goal {goal.id!r} names an unknown concern")

    # Entries by id: replies look topics up for every answer and button. Cached properties,
    # not private attributes: pydantic serves those through __getattr__, ~1 us a lookup.
    @cached_property
    def goals_by_id(self) -> dict[str, Goal]:
        return {g.id: g for g in self.goals.goals}

    @cached_property
    def exercises_by_id(self) -> dict[str, Exercise]:
        return {e.id: e for e in self.exercises.exercises}

    @cached_property
    def topics_by_id(self) -> dict[str, FaqTopic]:
        return {t.id: t for t in self.faq.topics}

    def goal(self, goal_id: str) -> Goal:
        return self.goals_by_id[goal_id]

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises_by_id[exercise_id]

    def topic(self, topic_id: str) -> FaqTopic:
        return self.topics_by_id[topic_id]
