"""Content models of what the bot says: FAQ topics, the matcher's lexicon, follow-ups, texts."""

# No `from __future__ import annotations` here, for start-up time: see base.py.

import logging
from string import Formatter
from typing import Literal

from pydantic import Field, field_validator, model_validator

from bot.content.base import (
    ID_PATTERN,
    Strict,
    unique_ids,
)

logger = logging.getLogger(__name__)


class FaqTopic(Strict):
    """One FAQ answer; `source` says where its facts come from (the seed article or practice)."""

    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=3, max_length=100)
    source: Literal["seed", "practice"]
    answer: str = Field(min_length=20, max_length=1500)
    phrasings: list[str] = Field([])
    keywords: list[str] = Field([])
    related: list[str] = Field([])


class FaqFile(Strict):
    topics: list[FaqTopic] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _unique(cls, value: list[FaqTopic]) -> list[FaqTopic]:
        return unique_ids(value, "FAQ topic")


class Lexicon(Strict):
    """Matcher vocabulary: canonical term -> ways people write it (phrases, slang, typos)."""

    synonyms: dict[str, list[str]] = Field({})
    off_topic: list[str] = Field([])
    stopwords: list[str] = Field([])
    greetings: list[str] = Field([])
    thanks: list[str] = Field([])
    help_words: list[str] = Field([])
    quiz_words: list[str] = Field([])
    acknowledgements: list[str] = Field([])
    goodbyes: list[str] = Field([])
    fillers: list[str] = Field([], description="'bro', 'coach', 'so much': ignored in small talk")
    anchors: list[str] = Field([], description="canonical terms that keep a question on topic")
    routes: dict[str, str] = Field(
        {}, description="canonical term -> the FAQ topic it always goes to"
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
    ignore: list[str] = Field([])
    answers: list[FollowUpAnswer] = Field([])
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
    def _placeholders(self) -> "FollowUpsFile":
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
    faq_topic_hint: str = Field(
        max_length=100, description="Discord's hint for /faq's topic: start typing to pick"
    )
    ask_question_hint: str = Field(max_length=100, description="Discord's hint for /ask")
    continue_in_private_label: str = Field("Continue in a private chat ›", max_length=40)
    something_went_wrong: str = "Sorry, something went wrong on my side. Please try again soon."
    commands: dict[str, str] = Field(
        description="the command menus' descriptions: every command but start, 1-100 characters"
    )
    coach: CoachTexts

    @field_validator("commands")
    @classmethod
    def _every_command_described(cls, value: dict[str, str]) -> dict[str, str]:
        from bot.messages import Command  # only to validate: a snapshot's content needs none

        wanted = {c.value for c in Command} - {Command.START.value}
        if set(value) != wanted:
            missing, extra = sorted(wanted - set(value)), sorted(set(value) - wanted)
            raise ValueError(f"describe exactly the commands; missing {missing}, unknown {extra}")
        too_long = [name for name, text in value.items() if not 1 <= len(text) <= 100]
        if too_long:
            raise ValueError(f"descriptions must be 1-100 characters: {too_long}")
        return value
