"""What the bot knows and says: pydantic models of `content/` and the loader that checks it."""

from bot.content.loader import ContentError, load_content
from bot.content.models import (
    BOTH,
    Caution,
    Choice,
    CoachTexts,
    Content,
    Exercise,
    FaqTopic,
    Goal,
    Lexicon,
    Plan,
    Question,
    Texts,
)

__all__ = [
    "BOTH",
    "Caution",
    "Choice",
    "CoachTexts",
    "Content",
    "ContentError",
    "Exercise",
    "FaqTopic",
    "Goal",
    "Lexicon",
    "Plan",
    "Question",
    "Texts",
    "load_content",
]
