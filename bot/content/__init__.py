"""What the bot knows and says: pydantic models of `content/` and the loader that checks it."""

from bot.content.base import BOTH, ContentError
from bot.content.language import CoachTexts, FaqTopic, Lexicon, Texts
from bot.content.loader import load_content
from bot.content.models import Content
from bot.content.training import Caution, Choice, Exercise, Goal, Plan, Question

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
