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
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import Lexicon

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")
_MAX_INPUT_CHARS = 400
_STEMMER = snowballstemmer.stemmer("english")
OFF_TOPIC = "~off"  # the term every off-topic phrase becomes: it counts against any match


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case ASCII words; apostrophes vanish ("i'm" -> "im"), other marks split words."""
    folded = unicodedata.normalize("NFKD", text[:_MAX_INPUT_CHARS].lower())
    folded = folded.replace("'", "").replace("’", "").replace("`", "")
    return _WORD.findall(folded.encode("ascii", "ignore").decode())


class Normalizer:
    """Maps raw text to a list of terms: canonical synonyms and stems, stopwords dropped."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for canonical, variants in lexicon.synonyms.items():
            for variant in [canonical, *variants]:
                self._phrases[tuple(words(variant))] = canonical
        for phrase in lexicon.off_topic:
            self._phrases.setdefault(tuple(words(phrase)), OFF_TOPIC)
        self._longest = max((len(p) for p in self._phrases), default=1)
        self._stopwords = frozenset(lexicon.stopwords)
        self._vocabulary: set[str] = {w for phrase in self._phrases for w in phrase}
        self._vocab_list: list[str] = []
        self._corrections: dict[str, str] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Add the words of known texts to the vocabulary that typos are corrected towards."""
        for text in texts:
            self._vocabulary.update(words(text))
        self._vocab_list = sorted(
            w for w in self._vocabulary if len(w) >= 4 and w not in self._stopwords
        )
        self._corrections.clear()

    def correct(self, word: str) -> str:
        """Nearest known word within a small edit distance, for words we have never seen."""
        if word in self._vocabulary or len(word) < 5 or word.isdigit():
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        limit = 1 if len(word) < 10 else 2
        best = process.extractOne(word, self._vocab_list, scorer=OSA.distance, score_cutoff=limit)
        fixed = best[0] if best is not None else word
        if len(self._corrections) < 50_000:
            self._corrections[word] = fixed
        return fixed

    def terms(self, text: str) -> list[str]:
        """Canonical terms of `text`, in order; unknown words are kept (stemmed) as evidence."""
        tokens = [self.correct(w) for w in words(text)]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
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
