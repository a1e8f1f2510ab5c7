"""Pydantic models of everything the bot says: the shape `content/` must have, cross-checked."""

from __future__ import annotations

import logging
from functools import cached_property
from string import Formatter
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.messages import Command

logger = logging.getLogger(__name__)

BOTH = "both"
ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
EXPERIENCE_LEVELS = ("beginner", "intermediate", "advanced")
LOADS = ("bodyweight", "light", "moderate", "heavy")  # lightest first: caps compare by index

Source = Literal["seed", "practice"]  # the article, or mainstream conservative S&C practice
Load = Literal["bodyweight", "light", "moderate", "heavy"]
Role = Literal["main", "after_main_lift", "accessory"]
Tempo = Literal["explosive", "controlled"]
Experience = Literal["beginner", "intermediate", "advanced"]
Range = tuple[int, int]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def unique_ids(items: list[_Item], what: str) -> list[_Item]:
    """Refuse a list where two entries share an id: the second would silently shadow the first."""
    ids = [item.id for item in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"duplicate {what} id {', '.join(map(repr, repeated))}")
    return items


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
    not_for: list[Experience] = Field(default_factory=list)
    unless_concern: list[str] = Field(default_factory=list)
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
    plan: list[Adjustment] = Field(default_factory=list)


class GoalsFile(Strict):
    goals: list[Goal] = Field(min_length=1)

    @cached_property
    def choices(self) -> tuple[Choice, ...]:
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
    options: list[Choice] = Field(default_factory=list)

    @field_validator("options")
    @classmethod
    def _unique(cls, value: list[Choice]) -> list[Choice]:
        return unique_ids(value, "answer")

    @model_validator(mode="after")
    def _has_options(self) -> Question:
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
    def _has_trigger(self) -> Caution:
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
    variants: dict[str, dict[Experience, str]] = Field(default_factory=dict)
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
    per_leg: list[str] = Field(default_factory=list, description="single-leg lifts: reps per leg")
    form_cues: dict[str, str] = Field(
        default_factory=dict, description="said on an entry that has no caution cue"
    )
    roles: dict[Role, str] = Field(default_factory=dict)
    loads: dict[Load, str] = Field(default_factory=dict)
    tempos: dict[Tempo, str] = Field(default_factory=dict)
    cautions: list[Caution] = Field(default_factory=list)
    equipment_notes: dict[str, str] = Field(default_factory=dict)
    safety: str
    closing: str = ""

    @field_validator("cautions")
    @classmethod
    def _unique(cls, value: list[Caution]) -> list[Caution]:
        return unique_ids(value, "caution")


class FaqTopic(Strict):
    """One FAQ answer; `source` says where its facts come from (the seed article or practice)."""

    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=3, max_length=100)
    source: Literal["seed", "practice"]
    answer: str = Field(min_length=20, max_length=1500)
    phrasings: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)


class FaqFile(Strict):
    topics: list[FaqTopic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique(cls, value: list[FaqTopic]) -> list[FaqTopic]:
        return unique_ids(value, "FAQ topic")


class Lexicon(Strict):
    """Matcher vocabulary: canonical term -> ways people write it (phrases, slang, typos)."""

    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    off_topic: list[str] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)
    greetings: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    help_words: list[str] = Field(default_factory=list)
    quiz_words: list[str] = Field(default_factory=list)
    acknowledgements: list[str] = Field(default_factory=list)
    goodbyes: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(
        default_factory=list, description="'bro', 'coach', 'so much': ignored in small talk"
    )
    anchors: list[str] = Field(
        default_factory=list, description="canonical terms that keep a question on topic"
    )
    routes: dict[str, str] = Field(
        default_factory=dict, description="canonical term -> the FAQ topic it always goes to"
    )

    @field_validator("synonyms")
    @classmethod
    def _lowercase(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k.lower(): [v.lower() for v in vs] for k, vs in value.items()}


class FollowUpAnswer(Strict):
    """A quiz answer someone can ask about after the quiz, and the ways they write it."""

    role: Literal["experience", "equipment", "concerns"]
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=40, description="how the bot says it")
    phrases: list[str] = Field(min_length=1)


class FollowUpsFile(Strict):
    """Follow-up questions after a quiz ("and for beginners?"): what they look like, what to say."""

    starts: list[str] = Field(min_length=1)
    ignore: list[str] = Field(default_factory=list)
    answers: list[FollowUpAnswer] = Field(default_factory=list)
    changed: str = Field(description="placeholders {new} and {old}")
    added: str = Field(description="placeholder {new}: a concern added")
    already: str = Field(description="placeholder {new}: the answer they already gave")
    same_week: str

    @field_validator("answers")
    @classmethod
    def _one_entry_per_answer(cls, value: list[FollowUpAnswer]) -> list[FollowUpAnswer]:
        seen = [(a.role, a.id) for a in value]
        repeated = sorted({f"{r}/{i}" for r, i in seen if seen.count((r, i)) > 1})
        if repeated:
            raise ValueError(f"answers listed twice: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _placeholders(self) -> FollowUpsFile:
        rules = (("changed", {"new", "old"}), ("added", {"new"}), ("already", {"new"}))
        for name, allowed in rules:
            text = getattr(self, name)
            try:
                used = {f for _, f, _, _ in Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise ValueError(f"{name}: braces do not pair up ({exc})") from None
            if used - allowed:
                raise ValueError(f"{name}: unknown placeholder {sorted(used - allowed)}")
        return self

    def check_answers(self, offered: dict[str, set[str]]) -> None:
        """Every answer named must be one the quiz offers for that role."""
        for answer in self.answers:
            if answer.id not in offered.get(answer.role, set()):
                raise ValueError(f"follow-up answer {answer.role}/{answer.id} is no quiz answer")


class Headings(Strict):
    """Section headings of recommendations and the side-by-side comparison."""

    why: str
    trains: str
    watch_out: str
    week: str
    equipment: str
    safety: str
    verdict: str
    how: str
    muscles: str
    best_for: str
    watch_for: str


class CoachTexts(Strict):
    """What the bot says to and for a group's coach (bot/groups); placeholders as named."""

    commands: dict[str, str] = Field(description="the coach commands' descriptions")
    not_coach: str = Field(max_length=190)
    post_usage: str
    post_quiz: str
    post_faq: str
    post_compare: str
    open_privately_label: str = Field(max_length=40)
    here_label: str = Field(max_length=40)
    private_note: str = Field(description="the one-line note in a group when answers go private")
    poll_prompt: str
    poll_tally: str = Field(description="placeholder {voters}")
    poll_names: str = Field(description="placeholder {names}")
    poll_close_label: str = Field(max_length=40)
    poll_already_open: str
    poll_none_open: str
    vote_noted: str = Field(max_length=150, description="placeholder {goals}")
    vote_cleared: str = Field(max_length=150)
    results_title: str
    results_priority: str = Field(description="placeholders {exercise} {share}")
    results_priority_both: str
    results_split: str = Field(description="placeholders {sessions} {lead} {other}")
    results_minority: str
    results_personal: str
    results_empty: str
    results_heading_split: str
    results_heading_votes: str
    unanswered_title: str
    unanswered_none: str
    unanswered_line: str = Field(description="placeholders {count} {text}")
    checkin_usage: str
    checkin_set: str = Field(description="placeholders {day} {time} {zone}")
    checkin_off: str
    checkin_none: str
    checkin_post: str


class Texts(Strict):
    """The bot's own lines: greetings, help, errors, labels, headings."""

    question_progress: str = Field(description="placeholders {number} and {total}")
    headings: Headings
    pick_one: str = Field(max_length=100)
    pick_all: str = Field(max_length=100)
    shared_by: str = Field(description="placeholder {name}: who shared an answer")

    welcome: str
    help: str
    greeting_reply: str
    thanks_reply: str
    acknowledgement_reply: str = "👍 Anything else about hip thrusts or step-ups?"
    goodbye_reply: str = "Bye for now, train well!"
    cancelled: str
    nothing_to_cancel: str
    nothing_to_go_back_to: str
    forgotten: str
    not_yours: str
    stale_option: str
    bad_option: str
    store_unavailable: str
    out_of_scope: str
    did_you_mean: str
    quiz_free_text: str
    quiz_answered_mid_quiz: str
    menu_title: str
    empty_text: str
    back_label: str = "‹ Back"
    cancel_label: str = "✕ Cancel"
    next_label: str = "More ›"
    previous_label: str = "‹ Previous"
    quiz_label: str = "Find my best fit"
    faq_label: str = "Browse questions"
    restart_label: str = "Start over"
    share_label: str = Field("Share in channel", max_length=40)
    continue_in_private_label: str = Field("Continue in a private chat ›", max_length=40)
    something_went_wrong: str = "Sorry, something went wrong on my side. Please try again soon."
    commands: dict[str, str] = Field(
        description="the command menus' descriptions: every command but start, 1-100 characters"
    )
    coach: CoachTexts

    @field_validator("commands")
    @classmethod
    def _every_command_described(cls, value: dict[str, str]) -> dict[str, str]:
        wanted = {c.value for c in Command} - {Command.START.value}
        if set(value) != wanted:
            missing, extra = sorted(wanted - set(value)), sorted(set(value) - wanted)
            raise ValueError(f"describe exactly the commands; missing {missing}, unknown {extra}")
        too_long = [name for name, text in value.items() if not 1 <= len(text) <= 100]
        if too_long:
            raise ValueError(f"descriptions must be 1-100 characters: {too_long}")
        return value


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
    def _cross_check(self) -> Content:
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

    def goal(self, goal_id: str) -> Goal:
        return next(g for g in self.goals.goals if g.id == goal_id)

    def exercise(self, exercise_id: str) -> Exercise:
        return next(e for e in self.exercises.exercises if e.id == exercise_id)

    def topic(self, topic_id: str) -> FaqTopic:
        return next(t for t in self.faq.topics if t.id == topic_id)
