"""What every start needs before the first answer: the content checked and the FAQ indexed.

Built by `prepare` (about 60 ms: YAML, validation, the index) or taken from a snapshot of an
earlier start when nothing it depends on changed (bot/snapshot.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.content import Content, load_content
from bot.faq import FaqMatcher

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    content: Content
    matcher: FaqMatcher


def prepare(directory: Path) -> Prepared:
    """Load and check the content of `directory` (raises ContentError) and index its FAQ."""
    content = load_content(directory)
    return Prepared(content, FaqMatcher(content.faq.topics, content.lexicon))
