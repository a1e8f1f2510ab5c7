"""Greetings, thanks and 'help' typed as text: recognised exactly, before any FAQ matching."""

from __future__ import annotations

import logging
from enum import Enum

from bot.content import Lexicon
from bot.normalize import words

logger = logging.getLogger(__name__)


class SmallTalk(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    QUIZ = "quiz"


class SmallTalkIndex:
    """Whole-message phrases only: 'hi, are step-ups bad for knees?' is a question."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._kinds: dict[str, SmallTalk] = {}
        for kind, phrases in (
            (SmallTalk.QUIZ, lexicon.quiz_words),
            (SmallTalk.HELP, lexicon.help_words),
            (SmallTalk.THANKS, lexicon.thanks),
            (SmallTalk.GREETING, lexicon.greetings),
        ):
            for phrase in phrases:
                self._kinds.setdefault(" ".join(words(phrase)), kind)

    def classify(self, plain_text: str) -> SmallTalk | None:
        """The kind of small talk `plain_text` (words joined by spaces) is, if any."""
        return self._kinds.get(plain_text)
