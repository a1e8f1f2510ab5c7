"""FAQ matcher: free text -> the topic it asks about, with a confidence, or an honest 'not mine'.

A lexical matcher: normalised terms (synonyms, typo fixes, stems) weighted by how specific they
are to a topic, scored against each phrasing (nearest neighbour) and each topic as a whole.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from operator import itemgetter

from bot.content import FaqTopic, Lexicon
from bot.normalize import OFF_TOPIC, Normalizer, one_question, questions, words

logger = logging.getLogger(__name__)

ANSWER_THRESHOLD = 0.32  # at or above: answer directly (calibrated on all six sets, round 4)
SUGGEST_THRESHOLD = 0.2  # between the two: offer 'did you mean'
LEAD_THRESHOLD = 0.28  # lower scores are answered too when they lead the runner-up by
LEAD_MARGIN = 0.1  # at least this much
AMBIGUITY_MARGIN = 0.04  # a runner-up this close is offered alongside
MAX_SUGGESTIONS = 3
DECLINED_SUGGESTIONS = 2  # a declined question offers this many nearest topics
MAX_ALSO = 1  # further questions answered from one message, besides the main one
NEAREST_SHARE = 0.6  # score = this much of the best phrasing + the rest of the topic as a whole
OVERALL_SHARE = 1 - NEAREST_SHARE
ANSWER_SHARE = 0.15  # how much an answer's own words count towards its topic
OFF_TOPIC_WEIGHT = 1.5  # an off-topic word outweighs an unknown one
ANCHOR_MIN_IDF = 1.2  # 'hip thrust' vs 'step-up' tells topics apart though both are everywhere
ANCHORED_UNKNOWN_SHARE = 0.4  # how much an unseen word counts in a question that names a lift
# Other activities ('how do i start running', 'how to do a proper squat'): a question naming one
# of them is about it, not about our lifts, unless it names a lift, points at them ('do these
# help my squat', 'which is better for running') or relates the two ('before or after deadlifts',
# 'acceleration for a 100m runner').
FOREIGN_TERMS = frozenset({"squat", "deadlift", "oly", "run"})
POINTERS = frozenset({"these", "they", "them", "either", "which", "both", "exercise", "exercises"})
RELATIONS = frozenset({"order", "sprint", "jump", "sport", "injury", "better", "alternative"})

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Match:
    """The matcher's verdict: `topic_id` only when confident; `ranked` best first.

    `also` holds other topics asked about in the same message ("how many sets? and rest?").
    """

    topic_id: str | None
    confidence: float
    suggestions: tuple[str, ...]
    ranked: tuple[tuple[str, float], ...]
    also: tuple[str, ...] = ()


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum([w * w for w in vector.values()]))
    return {t: w / norm for t, w in vector.items()} if norm else {}


class FaqMatcher:
    """Built once from content; `match` is pure and fast (tens of microseconds)."""

    def __init__(self, topics: list[FaqTopic], lexicon: Lexicon) -> None:
        self.normalizer = Normalizer(lexicon)
        self.normalizer.learn(
            text for t in topics for text in [t.question, t.answer, *t.phrasings, *t.keywords]
        )
        self._topic_ids = [t.id for t in topics]
        self._anchors = frozenset(lexicon.anchors)
        self._routes = dict(lexicon.routes)
        unknown = set(self._routes.values()) - set(self._topic_ids)
        if unknown:
            raise ValueError(f"lexicon routes lead to unknown FAQ topics {sorted(unknown)}")

        def terms(text: str) -> list[str]:
            # An off-topic word in content (a cue about the neck) is no evidence for its topic:
            # '~off' only ever counts against a question.
            return [t for t in self.normalizer.terms(text) if t != OFF_TOPIC]

        asked = {t.id: [terms(x) for x in [t.question, *t.phrasings]] for t in topics}
        keywords = {t.id: [term for k in t.keywords for term in terms(k)] for t in topics}
        answers = {t.id: terms(t.answer) for t in topics}
        df: Counter[str] = Counter()
        for tid in self._topic_ids:
            df.update({x for doc in asked[tid] for x in doc} | set(keywords[tid]))
        n = len(topics)
        self._idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
        self._unknown_idf = math.log((n + 1) / 0.5)
        self._idf[OFF_TOPIC] = OFF_TOPIC_WEIGHT * math.log((n + 1) / 0.5)
        for anchor in self._anchors:
            self._idf[anchor] = max(self._idf.get(anchor, 0.0), ANCHOR_MIN_IDF)
        # Inverted indexes: term -> [(phrasing number, its topic's number, weight)] and
        # term -> [(topic number, weight)], so a query touches only the phrasings and topics that
        # share one of its terms.
        self._phrasing_index: defaultdict[str, list[tuple[int, int, float]]] = defaultdict(list)
        self._topic_index: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
        phrasings = 0
        for topic_number, tid in enumerate(self._topic_ids):
            vectors = [v for v in (self._weigh(doc) for doc in asked[tid]) if v]
            # Phrasings that weigh the same ("hip thrust benefits", "benefits of hip thrusts")
            # score the same against any query: one of them is enough for the nearest.
            distinct = list({frozenset(v.items()): v for v in vectors}.values())
            for number, vector in enumerate(distinct, start=phrasings):
                for term, weight in vector.items():
                    self._phrasing_index[term].append((number, topic_number, weight))
            phrasings += len(distinct)
            centroid = self._centroid(vectors, keywords[tid], answers[tid])
            for term, weight in centroid.items():
                self._topic_index[term].append((topic_number, weight))
        self._phrasings = phrasings

    def _centroid(self, asked: list[Vector], keywords: list[str], answer: list[str]) -> Vector:
        """A topic as a whole: its phrasings and keywords, plus a little of its answer."""
        summed: defaultdict[str, float] = defaultdict(float)
        for vector in asked:
            for term, weight in vector.items():
                summed[term] += weight
        for term in keywords:
            summed[term] += self._idf.get(term, 0.0)
        centroid = _unit(dict(summed))
        for term, weight in self._weigh(answer).items():
            centroid[term] = centroid.get(term, 0.0) + ANSWER_SHARE * weight
        return _unit(centroid)

    def _weigh(self, terms: list[str], unknown_share: float = 1.0) -> Vector:
        counts: dict[str, int] = {}  # a Counter, without its set-up cost on every query
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        unknown = unknown_share * self._unknown_idf
        return _unit({t: (1 + math.log(c)) * self._idf.get(t, unknown) for t, c in counts.items()})

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Topics sharing a term with `text`, with scores in [0, 1], best first."""
        return self._rank(self.normalizer.terms(text))

    def _rank(self, terms: list[str]) -> list[tuple[str, float]]:
        # A question that names one of the lifts is about them: its other words are context
        # ("everyone on tiktok swears by..."), so words we have never seen count for less.
        anchored = not self._anchors.isdisjoint(terms)
        query = self._weigh(terms, ANCHORED_UNKNOWN_SHARE if anchored else 1.0)
        # Scores are summed term by term in query order, as a dot product always was here:
        # the same additions in the same order give the same floats, so verdicts never drift.
        # Every weight is positive (a term is in at most all n topics, so its idf is above
        # log((n + 1) / (n + 0.5)) > 0), so a phrasing's score only grows as terms are added: the
        # best score seen along the way is the best final score, the topic's nearest phrasing.
        phrasing_scores = [0.0] * self._phrasings
        nearest = [0.0] * len(self._topic_ids)
        overall = [0.0] * len(self._topic_ids)
        # The topics reached, in the order the query's terms first reach them (index order), so
        # that equal scores keep the order they always had.
        reached: dict[int, None] = {}
        for term, q_weight in query.items():
            for number, topic_number, weight in self._phrasing_index.get(term, ()):
                score = phrasing_scores[number] + q_weight * weight
                phrasing_scores[number] = score
                if score > nearest[topic_number]:
                    nearest[topic_number] = score
            for topic_number, weight in self._topic_index.get(term, ()):
                overall[topic_number] += q_weight * weight
                reached[topic_number] = None
        topic_ids = self._topic_ids
        scored = [
            (topic_ids[number], NEAREST_SHARE * nearest[number] + OVERALL_SHARE * overall[number])
            for number in reached
        ]
        scored.sort(key=itemgetter(1), reverse=True)
        return scored

    def match(self, text: str) -> Match:
        """The main topic of `text`, plus `also` for a second question in the same message."""
        found = self._match_one(text)
        if one_question(text):
            return found
        parts = questions(text)
        if len(parts) < 2:
            return found
        answered = [m for m in map(self._match_one, parts) if m.topic_id is not None]
        asked = [m.topic_id for m in answered if m.topic_id is not None]
        if answered and (found.topic_id is None or found.topic_id in asked):
            found = answered[0]  # answer in the order the questions were asked
        also = tuple(dict.fromkeys(t for t in asked if t != found.topic_id))[:MAX_ALSO]
        return replace(found, also=also)

    @staticmethod
    def _about_another_activity(text: str, terms: list[str]) -> bool:
        """'how to do a proper squat': another activity named, and nothing points at our lifts."""
        if not FOREIGN_TERMS.intersection(terms) or RELATIONS.intersection(terms):
            return False
        return not POINTERS.intersection(words(text))

    def _match_one(self, text: str) -> Match:
        """Answer when confident; else suggest close topics, unless the text is off-topic."""
        terms = self.normalizer.terms(text)
        ranked = self._rank(terms)
        shown = tuple(ranked[:MAX_SUGGESTIONS])
        top_id, top = ranked[0] if ranked else (None, 0.0)
        route = next((self._routes[t] for t in terms if t in self._routes), None)
        if route is not None:
            score = next((s for t, s in ranked if t == route), 0.0)
            return Match(route, round(max(score, ANSWER_THRESHOLD), 4), (), shown)
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        off_topic = any(t in self.normalizer.blocking for t in terms)
        named = any(t in self._anchors for t in terms)
        if off_topic and not named:
            return Match(None, round(top, 4), (), shown)
        if not named and self._about_another_activity(text, terms):
            return Match(None, round(top, 4), (), shown)
        clear_lead = top >= LEAD_THRESHOLD and top - runner_up >= LEAD_MARGIN and not off_topic
        if top_id is not None and (top >= ANSWER_THRESHOLD or clear_lead):
            close = tuple(t for t, s in ranked[1:MAX_SUGGESTIONS] if top - s <= AMBIGUITY_MARGIN)
            return Match(top_id, round(top, 4), close, shown)
        nearest = shown[:DECLINED_SUGGESTIONS]
        suggestions = tuple(t for t, s in nearest if s >= SUGGEST_THRESHOLD)
        return Match(None, round(top, 4), suggestions, shown)
