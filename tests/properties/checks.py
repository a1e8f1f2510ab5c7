"""What must hold after any event: a valid, JSON-safe session and well-formed replies."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.buttons import ButtonData
from bot.engine import Engine
from bot.messages import Reply
from bot.session import Session
from tests.core.helpers import said

logger = logging.getLogger(__name__)

LONGEST_USER_ID = "9" * 20


def assert_session_valid(engine: Engine, session: Session) -> None:
    assert Session.from_json(session.to_json()) == session
    questions = {q.id for q in engine.content.quiz.questions}
    assert (session.flow == "quiz") == (session.quiz is not None)
    if session.quiz is not None:
        assert session.quiz.step in questions
        assert set(session.quiz.history) <= questions
        assert set(session.quiz.answers) <= questions


def assert_replies_valid(replies: list[Reply], owner: str | None = None) -> None:
    """Options parse and fit Telegram's 64 bytes; user markup never comes back verbatim."""
    for reply in replies:
        assert isinstance(reply, Reply) and said(reply).strip()
        assert "<script>" not in said(reply)
        for option in reply.options:
            if not option.data:
                assert option.link, "an option is either button data or a deep link"
                continue
            data = ButtonData.unpack(option.data)
            assert owner is None or data.owner == owner
            replace(data, owner=LONGEST_USER_ID).pack()  # raises past Telegram's 64 bytes
