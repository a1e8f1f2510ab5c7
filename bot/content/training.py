"""Content models of the training side: exercises, goals, the quiz, plans and cautions."""

# No `from __future__ import annotations` here, for start-up time: see base.py.

import logging
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator, model_validator

from bot.content.base import (
    EXPERIENCE_LEVELS,
    ID_PATTERN,
    Experience,
    Load,
    Range,
    Role,
    Source,
    Strict,
    Tempo,
    unique_ids,
)

logger = logging.getLogger(__name__)


class Muscle(Strict):
    name: str
    role: str


class Exercise(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=40)
    emoji: str = ""
    summary: str
    mechanics: str
    muscles: list[Muscle] = Field(min_length=1)
    strengths: list[str] = Field(min_length=1)
    limitations: list[str] = Field(min_length=1)
    cues: list[str] = Field(min_length=1)


class ExercisesFile(Strict):
    title: str
    verdict: str
    exercises: list[Exercise] = Field(min_length=2, max_length=2)

    @field_validator("exercises")
    @classmethod
    def _unique(cls, value: list[Exercise]) -> list[Exercise]:
        return unique_ids(value, "exercise")


def _check_range(value: Range | None) -> Range | None:
    if value is not None and not 1 <= value[0] <= value[1]:
        raise ValueError(f"a range needs 1 <= low <= high, got {list(value)}")
    return value


class Adjustment(Strict):
    """How a goal changes the plan's entries for one exercise (e.g. explosive hip thrusts)."""

    exercise: str
    entries: Literal["all", "first", "last"] = "all"
    role: Role | None = None
    tempo: Tempo | None = None
    max_load: Load | None = None
    reps: Range | None = None
    note: str = Field("", max_length=60)
    not_for: list[Experience] = Field([])
    unless_concern: list[str] = Field([])
    source: Source

    @field_validator("reps")
    @classmethod
    def _ordered(cls, value: Range | None) -> Range | None:
        return _check_range(value)


class Goal(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=40)
    leans: str
    why: str
    source: Source
    plan: list[Adjustment] = Field([])


class GoalsFile(Strict):
    goals: list[Goal] = Field(min_length=1)

    @cached_property
    def choices(self) -> "tuple[Choice, ...]":
        """The goals as quiz answers, built once (content never changes once loaded)."""
        return tuple(Choice(id=g.id, label=g.label) for g in self.goals)

    @field_validator("goals")
    @classmethod
    def _unique(cls, value: list[Goal]) -> list[Goal]:
        return unique_ids(value, "goal")


class Choice(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=40)


class Question(Strict):
    """One questionnaire step. `role` tells the core what the answer means for the advice."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,11}$")
    role: Literal["goal", "more_goals", "experience", "concerns", "equipment"]
    prompt: str
    multi: bool = False
    done_label: str = "Done"
    none_label: str = ""
    options_from_goals: bool = False
    options: list[Choice] = Field([])

    @field_validator("options")
    @classmethod
    def _unique(cls, value: list[Choice]) -> list[Choice]:
        return unique_ids(value, "answer")

    @model_validator(mode="after")
    def _has_options(self) -> "Question":
        if not self.options_from_goals and not self.options:
            raise ValueError("needs options, or options_from_goals: true")
        return self


class QuizFile(Strict):
    intro: str
    questions: list[Question] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _unique(cls, value: list[Question]) -> list[Question]:
        return unique_ids(value, "question")


class Caution(Strict):
    """A warning shown when its trigger was answered and the exercise it is about is advised."""

    id: str = Field(pattern=ID_PATTERN)
    about: str
    when_concern: str = ""
    when_experience: str = ""
    text: str
    cue: str = Field(min_length=1, max_length=70, description="the short form on a plan's day")
    source: Source

    @model_validator(mode="after")
    def _has_trigger(self) -> "Caution":
        if not (self.when_concern or self.when_experience):
            raise ValueError("needs when_concern or when_experience")
        return self


class Dose(Strict):
    """Sets, reps (per leg for single-leg lifts), load and tempo of one kind of entry."""

    sets: Range
    reps: Range
    load: Load
    tempo: Tempo | None = "controlled"

    @field_validator("sets", "reps")
    @classmethod
    def _ordered(cls, value: Range) -> Range:
        _check_range(value)
        return value


class PlanEntry(Strict):
    exercise: str
    role: Role
    dose: str


class PlanDay(Strict):
    label: str = Field(min_length=1, max_length=30)
    exercises: list[PlanEntry] = Field(min_length=1)


class Plan(Strict):
    """The week for one prioritisation: a template that experience, kit and goals adjust."""

    headline: str
    summary: str
    summary_no_pull: str = Field("", description="when no two goals lean on different lifts")
    days: list[PlanDay] = Field(min_length=1)
    source: Source


class DoseLevels(Strict):
    beginner: Dose
    intermediate: Dose
    advanced: Dose
    source: Source


class EquipmentRule(Strict):
    """What a kit allows: the heaviest load per experience, and how each lift is done with it."""

    max_load: dict[Experience, Load]
    min_reps: int = Field(0, ge=0)
    variants: dict[str, dict[Experience, str]] = Field({})
    source: Source

    @field_validator("max_load")
    @classmethod
    def _every_level(cls, value: dict[str, str]) -> dict[str, str]:
        missing = set(EXPERIENCE_LEVELS) - set(value)
        if missing:
            raise ValueError(f"max_load needs every experience level; missing {sorted(missing)}")
        return value


class RecommendationFile(Strict):
    plans: dict[str, Plan]
    doses: dict[str, DoseLevels]
    equipment: dict[str, EquipmentRule]
    per_leg: list[str] = Field([], description="single-leg lifts: reps per leg")
    form_cues: dict[str, str] = Field({}, description="said on an entry that has no caution cue")
    roles: dict[Role, str] = Field({})
    loads: dict[Load, str] = Field({})
    tempos: dict[Tempo, str] = Field({})
    cautions: list[Caution] = Field([])
    equipment_notes: dict[str, str] = Field({})
    safety: str
    closing: str = ""

    @field_validator("cautions")
    @classmethod
    def _unique(cls, value: list[Caution]) -> list[Caution]:
        return unique_ids(value, "caution")
