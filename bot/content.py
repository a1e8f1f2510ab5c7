"""Pydantic models of everything the bot says, and the loader that validates `content/`.

A broken file fails with the file, the entry and what is wrong (ContentError), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.messages import Command

logger = logging.getLogger(__name__)

BOTH = "both"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class ContentError(Exception):
    """Content that cannot be used; the message names the file, the entry and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Goal(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=40)
    leans: str
    why: str


class GoalsFile(Strict):
    goals: list[Goal] = Field(min_length=1)


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

    @model_validator(mode="after")
    def _has_options(self) -> Question:
        if not self.options_from_goals and not self.options:
            raise ValueError("needs options, or options_from_goals: true")
        return self


class QuizFile(Strict):
    intro: str
    questions: list[Question] = Field(min_length=1)


class Caution(Strict):
    """A warning shown when its trigger was answered and the exercise it is about is advised."""

    id: str = Field(pattern=ID_PATTERN)
    about: str
    when_concern: str = ""
    when_experience: str = ""
    text: str

    @model_validator(mode="after")
    def _has_trigger(self) -> Caution:
        if not (self.when_concern or self.when_experience):
            raise ValueError("needs when_concern or when_experience")
        return self


class Plan(Strict):
    headline: str
    summary: str
    week: list[str] = Field(min_length=1)


class RecommendationFile(Strict):
    plans: dict[str, Plan]
    cautions: list[Caution] = Field(default_factory=list)
    equipment_notes: dict[str, str] = Field(default_factory=dict)
    safety: str
    closing: str = ""


class FaqTopic(Strict):
    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=3, max_length=100)
    answer: str = Field(min_length=20, max_length=3000)
    phrasings: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)


class FaqFile(Strict):
    topics: list[FaqTopic] = Field(min_length=1)


class Lexicon(Strict):
    """Matcher vocabulary: canonical term -> ways people write it (phrases, slang, typos)."""

    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    off_topic: list[str] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)
    greetings: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    help_words: list[str] = Field(default_factory=list)
    quiz_words: list[str] = Field(default_factory=list)

    @field_validator("synonyms")
    @classmethod
    def _lowercase(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k.lower(): [v.lower() for v in vs] for k, vs in value.items()}


class Texts(Strict):
    """The bot's own lines: greetings, help, errors."""

    welcome: str
    help: str
    greeting_reply: str
    thanks_reply: str
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
        for caution in self.recommendation.cautions:
            if caution.about not in exercise_ids:
                raise ValueError(f"caution {caution.id!r} is about unknown {caution.about!r}")
            for trigger in (caution.when_concern, caution.when_experience):
                if trigger and trigger not in answers:
                    raise ValueError(f"caution {caution.id!r} names unknown answer {trigger!r}")
        roles = [q.role for q in self.quiz.questions]
        if "goal" not in roles:
            raise ValueError("the quiz needs a question with role: goal")
        if len(roles) != len({q.id for q in self.quiz.questions}):
            raise ValueError("quiz question ids must be unique")
        topic_ids = [t.id for t in self.faq.topics]
        if len(topic_ids) != len(set(topic_ids)):
            raise ValueError("faq topic ids must be unique")
        for topic in self.faq.topics:
            unknown = set(topic.related) - set(topic_ids)
            if unknown:
                raise ValueError(f"faq topic {topic.id!r} relates to unknown {sorted(unknown)}")
        return self

    def goal(self, goal_id: str) -> Goal:
        return next(g for g in self.goals.goals if g.id == goal_id)

    def exercise(self, exercise_id: str) -> Exercise:
        return next(e for e in self.exercises.exercises if e.id == exercise_id)

    def topic(self, topic_id: str) -> FaqTopic:
        return next(t for t in self.faq.topics if t.id == topic_id)


FILES = {
    "texts": "texts.yaml",
    "exercises": "exercises.yaml",
    "goals": "goals.yaml",
    "quiz": "quiz.yaml",
    "recommendation": "recommendation.yaml",
    "faq": "faq.yaml",
    "lexicon": "lexicon.yaml",
}


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from None


def _describe(path: Path, raw: object, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        entry = _entry_name(raw, loc)
        lines.append(f"{path.name}: {where}{entry}: {err['msg']}")
    return "\n".join(lines)


def _entry_name(raw: object, loc: list[int | str]) -> str:
    """Name the list entry an error sits in by its id, so a coach can find it."""
    node = raw
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict) and "id" in node:
                return f" (id {node['id']!r})"
        else:
            break
    return ""


def load_content(directory: Path) -> Content:
    """Read and validate every content file in `directory`."""
    if not directory.is_dir():
        raise ContentError(f"{directory}: content directory not found")
    raw: dict[str, object] = {}
    for field_name, filename in FILES.items():
        path = directory / filename
        data = _read_yaml(path)
        model = Content.model_fields[field_name].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        try:
            model.model_validate(data)
        except ValidationError as exc:
            raise ContentError(_describe(path, data, exc)) from None
        raw[field_name] = data
    try:
        return Content.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ContentError(f"{directory}: {problems}") from None
