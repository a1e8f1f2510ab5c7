"""Turns what people type into comparable terms: lower-case, synonyms, typo fixes, stems.

Used for both the FAQ phrasings and the user's text, so both sides meet in the same vocabulary.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from bot.content import Lexicon

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")
# Where one question ends and another may begin: sentence marks, or "and"/"also" before a
# question word ("how many sets and how long should i rest").
_QUESTION_BREAK = re.compile(
    r"[?!.;\n]+|,?\s+(?:and\s+also|and|also|plus)\s+(?=(?:how|what|whats|which|can|could|should|"
    r"do|does|is|are|why|when|where|will|would|any)\b)",
    re.IGNORECASE,
)
_SHORT_WORD = 4  # shorter words are never corrected
_SUBSTITUTION_MIN = 5  # shorter words are not corrected by swapping one letter ("feed" != "feel")
_CANDIDATES = 10  # nearest known words weighed per unknown word
_MAX_INPUT_CHARS = 400
_STEMMER = snowballstemmer.stemmer("english")
OFF_TOPIC = "~off"  # the term every off-topic phrase becomes: it counts against any match


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case ASCII words; apostrophes vanish ("i'm" -> "im"), other marks split words."""
    cut = text[:_MAX_INPUT_CHARS]
    if cut.isascii():  # most messages: nothing to fold, so skip the Unicode work
        return _WORD.findall(cut.lower().replace("'", "").replace("`", ""))
    folded = unicodedata.normalize("NFKD", cut.lower())
    folded = folded.replace("'", "").replace("’", "").replace("`", "")
    return _WORD.findall(folded.encode("ascii", "ignore").decode())


def questions(text: str) -> list[str]:
    """The separate questions in `text`: the parts between sentence marks and 'and how...'."""
    parts = (part.strip() for part in _QUESTION_BREAK.split(text[:_MAX_INPUT_CHARS]))
    return [part for part in parts if len(words(part)) >= 2]


def one_question(text: str) -> bool:
    """No break between questions in `text` (most messages): `questions` has one part at most."""
    return _QUESTION_BREAK.search(text[:_MAX_INPUT_CHARS]) is None


def _by_first_letter(vocabulary: Iterable[str]) -> dict[str, list[str]]:
    """Words a typo may be corrected towards, grouped by first letter."""
    grouped: dict[str, list[str]] = {}
    for w in sorted(vocabulary):
        if len(w) >= _SHORT_WORD:
            grouped.setdefault(w[0], []).append(w)
    return grouped


def _plausible_typo(word: str, candidate: str) -> bool:
    """A short word is a typo of another only by a missing, extra or swapped-over letter."""
    if len(word) >= _SUBSTITUTION_MIN or len(word) != len(candidate):
        return True
    return sorted(word) == sorted(candidate)


class Normalizer:
    """Maps raw text to a list of terms: canonical synonyms and stems, stopwords dropped."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for canonical, variants in lexicon.synonyms.items():
            for variant in [canonical, *variants]:
                self._phrases[tuple(words(variant))] = canonical
        # An off-topic phrase that is also a synonym keeps its meaning but still blocks.
        self.blocking: set[str] = {OFF_TOPIC}
        # Never guessed at: off-topic words (tried last) and words that route ("town" != "torn").
        self._off_topic_words: set[str] = set()
        self._unguessable = {
            w
            for phrase, canonical in self._phrases.items()
            if canonical in lexicon.routes
            for w in phrase
        }
        for phrase in lexicon.off_topic:
            canonical = self._phrases.setdefault(tuple(words(phrase)), OFF_TOPIC)
            self.blocking.add(canonical)
            self._off_topic_words.update(words(phrase))
        # The longest phrase each word starts: most words start none, so they are looked up once.
        self._reach: dict[str, int] = {}
        for known in self._phrases:
            if known:
                self._reach[known[0]] = max(self._reach.get(known[0], 0), len(known))
        self._stopwords = frozenset(lexicon.stopwords)
        self._vocabulary: set[str] = {w for phrase in self._phrases for w in phrase}
        self._known = self._vocabulary | self._stopwords  # never corrected
        self._targets: dict[str, list[str]] = {}
        self._off_topic_targets: dict[str, list[str]] = {}
        self._corrections: dict[str, str] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Add the words of known texts to the vocabulary that typos are corrected towards."""
        for text in texts:
            self._vocabulary.update(words(text))
        self._known = self._vocabulary | self._stopwords
        targets = self._known - self._off_topic_words - self._unguessable
        self._targets = _by_first_letter(targets)
        self._off_topic_targets = _by_first_letter(self._off_topic_words)
        self._corrections.clear()

    def correct(self, word: str) -> str:
        """Nearest known word within a small edit distance, for words we have never seen.

        Typos keep their first letter, so only words with the same one are tried ("creak" is
        not "break"); short words are not changed into another word by one swapped letter
        ("feed" is not "feel"). On-topic words come before off-topic ones ("beter" is
        "better", not "beer").
        """
        if word in self._known or len(word) < _SHORT_WORD or not word.isalpha():
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        fixed = self._nearest(word, self._targets) or self._nearest(word, self._off_topic_targets)
        if len(self._corrections) < 50_000:
            self._corrections[word] = fixed or word
        return fixed or word

    @staticmethod
    def _nearest(word: str, targets: dict[str, list[str]]) -> str | None:
        limit = 1 if len(word) < 10 else 2
        # Imported on the first word that needs it (~7 ms): most questions have no typo, and a
        # one-off `ask` should not pay for it.
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(
            word,
            targets.get(word[0], []),
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=_CANDIDATES,
        )
        # Fewest edits first, then a swap of neighbours ("setp" is "step" before "setup").
        for candidate, _, _ in sorted(
            found, key=lambda hit: (hit[1], sorted(hit[0]) != sorted(word), hit[0])
        ):
            if _plausible_typo(word, candidate):
                return str(candidate)
        return None

    def terms(self, text: str) -> list[str]:
        """Canonical terms of `text`, in order; unknown words are kept (stemmed) as evidence."""
        known, reach = self._known, self._reach
        tokens = [w if w in known else self.correct(w) for w in words(text)]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(reach.get(tokens[i], 0), len(tokens) - i), 0, -1):
                canonical = self._phrases.get(tuple(tokens[i : i + size]))
                if canonical is not None:
                    out.append(canonical)
                    i += size
                    break
            else:
                word = tokens[i]
                if word not in self._stopwords:
                    out.append(stem(word))
                i += 1
        return out

    def plain(self, text: str) -> str:
        """Words joined by single spaces: for exact small-talk lookups."""
        return " ".join(words(text))
