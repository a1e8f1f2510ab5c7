"""Greetings, thanks, 'ok', 'lol', '👍' and 'help' typed as text: spotted before FAQ matching."""

from __future__ import annotations

import logging
import unicodedata
from enum import Enum

from bot.content import Lexicon
from bot.normalize import words

logger = logging.getLogger(__name__)

# Skin tones and the emoji variation selector: "👍🏽" and "👍" are the same thumbs up.
_EMOJI_MODIFIERS = {chr(c) for c in range(0x1F3FB, 0x1F400)} | {"\ufe0f", "\u200d"}


class SmallTalk(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    ACKNOWLEDGEMENT = "acknowledgement"
    GOODBYE = "goodbye"
    HELP = "help"
    QUIZ = "quiz"


# When a message mixes kinds ("ok thanks", "hi, cheers"), the first kind here wins.
_MIXED_PRIORITY = (
    SmallTalk.THANKS,
    SmallTalk.GOODBYE,
    SmallTalk.GREETING,
    SmallTalk.ACKNOWLEDGEMENT,
)


def _symbols(text: str) -> str:
    """The distinct non-space symbols of a message without words: '👍👍🏽' -> '👍'."""
    kept = (c for c in text if not c.isspace() and c not in _EMOJI_MODIFIERS)
    return "".join(dict.fromkeys(c for c in kept if unicodedata.category(c) != "Po"))


class SmallTalkIndex:
    """Whole messages only: 'hi, are step-ups bad for knees?' is a question, 'thx bro' is not."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._phrases: dict[str, SmallTalk] = {}
        self._words: dict[str, SmallTalk] = {}
        self._fillers = frozenset(w for f in lexicon.fillers for w in words(f))
        for kind, phrases in (
            (SmallTalk.QUIZ, lexicon.quiz_words),
            (SmallTalk.HELP, lexicon.help_words),
            (SmallTalk.THANKS, lexicon.thanks),
            (SmallTalk.GOODBYE, lexicon.goodbyes),
            (SmallTalk.GREETING, lexicon.greetings),
            (SmallTalk.ACKNOWLEDGEMENT, lexicon.acknowledgements),
        ):
            for phrase in phrases:
                key = " ".join(words(phrase)) or _symbols(phrase)
                self._phrases.setdefault(key, kind)
                if kind in _MIXED_PRIORITY:
                    for word in key.split():
                        self._words.setdefault(word, kind)

    def classify(self, text: str) -> SmallTalk | None:
        """The kind of small talk the whole of `text` is, if any."""
        typed = words(text)
        if not typed:
            return self._phrases.get(_symbols(text))
        exact = self._phrases.get(" ".join(typed))
        if exact is not None:
            return exact
        content = [w for w in typed if w not in self._fillers]
        kinds = {self._words.get(w) for w in content}
        if not content or None in kinds:
            return None
        return next(kind for kind in _MIXED_PRIORITY if kind in kinds)
