"""Questions the bot declined in a group, counted by normalised text: no ids, no names."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)

MAX_QUESTIONS = 200  # kept per group; the least recent go first
MAX_TEXT = 120


class Unanswered(BaseModel):
    """Normalised question -> [count, last asked (epoch seconds)]."""

    questions: dict[str, tuple[int, float]] = Field(default_factory=dict)

    def count(self, text: str, now: float, ttl: float) -> None:
        self.expire(now, ttl)
        seen, _ = self.questions.get(text, (0, now))
        self.questions[text] = (seen + 1, now)
        if len(self.questions) > MAX_QUESTIONS:
            oldest = min(self.questions, key=lambda q: self.questions[q][1])
            del self.questions[oldest]

    def expire(self, now: float, ttl: float) -> None:
        self.questions = {q: v for q, v in self.questions.items() if v[1] > now - ttl}

    def top(self, limit: int) -> list[tuple[str, int]]:
        ranked = sorted(self.questions.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        return [(text, count) for text, (count, _) in ranked[:limit]]


def normalised(text: str, plain: str) -> str:
    """The matcher's plain form when it has words, else the lower-cased text; clipped."""
    chosen = plain or " ".join(text.lower().split())
    return chosen[:MAX_TEXT]
