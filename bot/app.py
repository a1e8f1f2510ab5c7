"""Composition: settings -> content -> engine -> store -> service. Built once at start-up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.content import Content
from bot.prepared import Prepared
from bot.settings import Settings
from bot.snapshot import load_with_snapshot

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.faq import FaqMatcher
    from bot.metrics import Metrics
    from bot.service import CoachService

logger = logging.getLogger(__name__)


def load_prepared(settings: Settings) -> Prepared:
    """CONTENT_DIR checked and its FAQ indexed, or both from CONTENT_SNAPSHOT_DIR when nothing
    changed; raises ContentError naming file and entry."""
    return load_with_snapshot(settings.content_dir, settings.content_snapshot_dir)


def load_engine(settings: Settings) -> Engine:
    """The engine over checked content and its FAQ index."""
    from bot.engine import Engine  # imported here: `ask` needs only the FAQ index

    prepared = load_prepared(settings)
    return Engine(prepared.content, prepared.matcher)


def load_faq(settings: Settings) -> tuple[Content, FaqMatcher]:
    """Checked content and the FAQ index, without the engine: answering one question (`ask`)
    then imports neither the quiz, the plans nor the sessions."""
    prepared = load_prepared(settings)
    return prepared.content, prepared.matcher


def build_service(
    settings: Settings, engine: Engine | None = None, metrics: Metrics | None = None
) -> CoachService:
    """A ready service: the engine from content and the store STORE_URL names. Content that a
    platform would refuse (button data over 64 bytes, too many buttons) stops it here."""
    from bot.content.limits import check_limits
    from bot.service import CoachService  # not needed (nor asyncio) to answer one question
    from bot.store.factory import open_store

    engine = engine or load_engine(settings)
    check_limits(engine.content)
    return CoachService(engine, open_store(settings), metrics)
