"""A user's conversation state: versioned JSON so later releases can migrate stored sessions."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SEEN_EVENTS_KEPT = 32


class QuizState(BaseModel):
    """Where a user is in the questionnaire: the current question and the answers so far."""

    model_config = ConfigDict(extra="ignore")

    step: str
    answers: dict[str, list[str]] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)


class Session(BaseModel):
    """Everything the bot remembers about one user in one chat.

    `version` counts saves (optimistic concurrency); `salt` + `round` form the nonce stamped into
    options, so a button from an earlier quiz or menu is recognised as stale.
    """

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    version: int = 0
    salt: str = "0"
    round: int = 0
    flow: Literal["idle", "quiz", "menu"] = "idle"
    quiz: QuizState | None = None
    menu_page: int = 0
    last_goals: list[str] = Field(default_factory=list)
    seen_events: list[str] = Field(default_factory=list)
    updated_at: float = 0.0

    @property
    def nonce(self) -> str:
        return f"{self.salt}{self.round:x}"

    def remember_event(self, event_id: str) -> None:
        self.seen_events = [*self.seen_events[-(SEEN_EVENTS_KEPT - 1) :], event_id]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, raw: str | bytes) -> Session:
        """Parse a stored session, migrating older schema versions forward."""
        return cls.model_validate_json(raw)
