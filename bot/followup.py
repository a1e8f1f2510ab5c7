"""Follow-ups after a quiz: "and for beginners?" re-plans the person's week with one answer changed.

What a follow-up looks like is data (content/followups.yaml). Detection is deliberately narrow: the
message starts with a follow-up opener, names exactly one answer, and says nothing else, so a real
question ("what about my knees hurting on squats?") still reaches the FAQ.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import plan, quiz
from bot.content import Content
from bot.messages import Delivery, Reply, ReplyKind, Section, rich
from bot.normalize import Normalizer, stem, words
from bot.replies import Buttons, recommendation_reply
from bot.session import Profile

logger = logging.getLogger(__name__)

MAX_WORDS = 10  # longer messages are questions of their own, never follow-ups


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One answer the person asked about: `role` (experience, equipment, concerns) and its id."""

    role: str
    answer: str


def profile_of(rec: quiz.Recommendation) -> Profile:
    """What a finished quiz's recommendation says about the person, to keep in the session."""
    return Profile(
        goals=list(rec.goals),
        experience=rec.experience,
        equipment=rec.equipment,
        concerns=list(rec.concerns),
    )


class FollowUps:
    """Spots follow-ups in what people type and answers them from the stored profile."""

    def __init__(self, content: Content, normalizer: Normalizer) -> None:
        self.content = content
        self._normalizer = normalizer
        spec = content.followups
        self._starts = sorted((self._key(s) for s in spec.starts), key=len, reverse=True)
        self._phrases = sorted(
            ((self._key(p), a) for a in spec.answers for p in a.phrases),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        small = [*content.lexicon.stopwords, *spec.ignore]
        self._small = {stem(w) for phrase in small for w in words(phrase)}
        self._names: dict[tuple[str, str], str] = {(a.role, a.id): a.name for a in spec.answers}

    def _key(self, phrase: str) -> tuple[str, ...]:
        return tuple(stem(w) for w in words(phrase))

    def detect(self, text: str) -> FollowUp | None:
        """The one answer a follow-up message asks about; None for anything else."""
        typed = words(text)
        if not typed or len(typed) > MAX_WORDS:
            return None
        tokens = tuple(stem(self._normalizer.correct(w)) for w in typed)
        start = next((s for s in self._starts if tokens[: len(s)] == s), None)
        if start is None:
            return None
        found: set[tuple[str, str]] = set()
        rest = tokens[len(start) :]
        i = 0
        while i < len(rest):
            hit = next((pa for pa in self._phrases if rest[i : i + len(pa[0])] == pa[0]), None)
            if hit is not None:
                found.add((hit[1].role, hit[1].id))
                i += len(hit[0])
            elif rest[i] in self._small:
                i += 1
            else:
                return None  # a word that is neither the answer nor a small word: a real question
        if len(found) != 1:
            return None
        role, answer = found.pop()
        return FollowUp(role, answer)

    def reply(self, profile: Profile, asked: FollowUp, buttons: Buttons) -> list[Reply] | None:
        """What changed, then the recommendation re-planned; None if the profile no longer fits."""
        content = self.content
        current = self._known(profile)
        try:
            before = quiz.recommend(content, current.goals, current.concerns, *current.kit)
            after_profile = _changed(current, asked)
            after = quiz.recommend(
                content, after_profile.goals, after_profile.concerns, *after_profile.kit
            )
        except quiz.UnknownAnswer:  # the goals answered were removed from content since
            return None
        intro = self._intro(current, asked)
        if plan.build_plan(content, before) == plan.build_plan(content, after):
            intro += " " + content.followups.same_week
        line = Reply(ReplyKind.MESSAGE, sections=(Section(body=rich(intro)),), private=True)
        return [line, recommendation_reply(content, after, buttons, Delivery.SEND)]

    def _known(self, profile: Profile) -> _Answers:
        """The profile, leaving out answers the content no longer offers."""
        content = self.content
        experience = profile.experience in quiz.answer_ids(content, "experience")
        equipment = profile.equipment in quiz.answer_ids(content, "equipment")
        concerns = quiz.answer_ids(content, "concerns")
        return _Answers(
            goals=list(profile.goals),
            concerns=[c for c in profile.concerns if c in concerns],
            experience=profile.experience if experience else plan.DEFAULT_EXPERIENCE,
            equipment=profile.equipment if equipment else plan.DEFAULT_EQUIPMENT,
        )

    def _intro(self, current: _Answers, asked: FollowUp) -> str:
        spec = self.content.followups
        new = self._names.get((asked.role, asked.answer), asked.answer)
        if asked.role == "concerns":
            template = spec.already if asked.answer in current.concerns else spec.added
            return template.format(new=new)
        old_id = current.experience if asked.role == "experience" else current.equipment
        if old_id == asked.answer:
            return spec.already.format(new=new)
        return spec.changed.format(new=new, old=self._names.get((asked.role, old_id), old_id))


@dataclass(frozen=True, slots=True)
class _Answers:
    goals: list[str]
    concerns: list[str]
    experience: str
    equipment: str

    @property
    def kit(self) -> tuple[str, str]:
        return self.experience, self.equipment


def _changed(current: _Answers, asked: FollowUp) -> _Answers:
    """The answers with the one asked about swapped in (a concern is added)."""
    if asked.role == "experience":
        return _Answers(current.goals, current.concerns, asked.answer, current.equipment)
    if asked.role == "equipment":
        return _Answers(current.goals, current.concerns, current.experience, asked.answer)
    concerns = current.concerns
    if asked.answer not in concerns:
        concerns = [*concerns, asked.answer]
    return _Answers(current.goals, concerns, current.experience, current.equipment)
