"""FAQ matcher: free text -> the topic it asks about, with a confidence, or an honest 'not mine'.

A lexical matcher: normalised terms (synonyms, typo fixes, stems) weighted by how specific they
are to a topic, scored against each phrasing (nearest neighbour) and each topic as a whole.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from bot.content import FaqTopic, Lexicon
from bot.normalize import Normalizer

logger = logging.getLogger(__name__)

ANSWER_THRESHOLD = 0.42  # at or above: answer directly
SUGGEST_THRESHOLD = 0.22  # between the two: offer 'did you mean'
AMBIGUITY_MARGIN = 0.04  # a runner-up this close is offered alongside
MAX_SUGGESTIONS = 3

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Match:
    """The matcher's verdict: `topic_id` only when confident; `ranked` best first."""

    topic_id: str | None
    confidence: float
    suggestions: tuple[str, ...]
    ranked: tuple[tuple[str, float], ...]


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


class FaqMatcher:
    """Built once from content; `match` is pure and fast (tens of microseconds)."""

    def __init__(self, topics: list[FaqTopic], lexicon: Lexicon) -> None:
        self.normalizer = Normalizer(lexicon)
        self.normalizer.learn(
            text for t in topics for text in [t.question, *t.phrasings, *t.keywords]
        )
        self._topic_ids = [t.id for t in topics]
        docs = {
            t.id: [self.normalizer.terms(x) for x in [t.question, *t.phrasings]] for t in topics
        }
        keywords = {
            t.id: [term for k in t.keywords for term in self.normalizer.terms(k)] for t in topics
        }
        df: Counter[str] = Counter()
        for topic_id in self._topic_ids:
            df.update({term for doc in docs[topic_id] for term in doc} | set(keywords[topic_id]))
        n = len(topics)
        self._idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
        self._unknown_idf = math.log((n + 1) / 0.5)
        self._phrasings: dict[str, list[Vector]] = {}
        self._centroids: dict[str, Vector] = {}
        for topic_id in self._topic_ids:
            vectors = [self._weigh(doc) for doc in docs[topic_id] if doc]
            self._phrasings[topic_id] = vectors
            centroid: defaultdict[str, float] = defaultdict(float)
            for vector in vectors:
                for term, weight in vector.items():
                    centroid[term] += weight
            for term in keywords[topic_id]:
                centroid[term] += self._idf.get(term, 0.0)
            self._centroids[topic_id] = _unit(dict(centroid))

    def _weigh(self, terms: list[str]) -> Vector:
        counts = Counter(terms)
        return _unit(
            {t: (1 + math.log(c)) * self._idf.get(t, self._unknown_idf) for t, c in counts.items()}
        )

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Every topic with its score in [0, 1], best first."""
        query = self._weigh(self.normalizer.terms(text))
        if not query:
            return []
        scored = []
        for topic_id in self._topic_ids:
            nearest = max((_dot(query, p) for p in self._phrasings[topic_id]), default=0.0)
            overall = _dot(query, self._centroids[topic_id])
            scored.append((topic_id, 0.6 * nearest + 0.4 * overall))
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored

    def match(self, text: str) -> Match:
        ranked = self.rank(text)
        if not ranked or ranked[0][1] < SUGGEST_THRESHOLD:
            best = ranked[0][1] if ranked else 0.0
            return Match(None, round(best, 4), (), tuple(ranked[:MAX_SUGGESTIONS]))
        top_id, top = ranked[0]
        if top >= ANSWER_THRESHOLD:
            close = tuple(t for t, s in ranked[1:MAX_SUGGESTIONS] if top - s <= AMBIGUITY_MARGIN)
            return Match(top_id, round(top, 4), close, tuple(ranked[:MAX_SUGGESTIONS]))
        suggestions = [tid for tid, s in ranked[:MAX_SUGGESTIONS] if s >= SUGGEST_THRESHOLD]
        return Match(None, round(top, 4), tuple(suggestions), tuple(ranked[:MAX_SUGGESTIONS]))
