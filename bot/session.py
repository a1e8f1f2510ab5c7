"""A user's conversation state: versioned JSON so later releases can migrate stored sessions."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SEEN_EVENTS_KEPT = 32

# schema version N -> a function turning an N document into an N+1 document. Add one here
# (and bump SCHEMA_VERSION) whenever the stored shape changes.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_IMMUTABLE = (str, int, float, bool, type(None))
_set_attribute = object.__setattr__  # past pydantic's __setattr__, as its model_copy does
_Model = TypeVar("_Model", bound=BaseModel)


def forked(model: _Model) -> _Model:
    """A copy sharing nothing mutable with `model`, about 10x cheaper than a deep copy.

    Strings and numbers are shared (they cannot change); lists, dicts and nested models are
    copied; anything else falls back to `copy.deepcopy`, so a new kind of field stays safe.
    The copy is put together as pydantic's own `model_copy` does it, less its `copy.copy`
    calls per attribute: the engine forks the session (and its quiz) on every turn.
    """
    cls = type(model)
    new = cls.__new__(cls)
    fields = {
        name: value if type(value) in _IMMUTABLE else _forked_value(value)
        for name, value in model.__dict__.items()
    }
    _set_attribute(new, "__dict__", fields)
    _set_attribute(new, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    _set_attribute(new, "__pydantic_extra__", _forked_value(model.__pydantic_extra__))
    _set_attribute(new, "__pydantic_private__", _forked_value(model.__pydantic_private__))
    return new


def _forked_value(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        if not value or type(value[0]) in _IMMUTABLE:  # lists here hold one kind of item
            return list(value)
        return [_forked_value(item) for item in value]
    if kind is dict:
        return {key: _forked_value(item) for key, item in value.items()}
    if isinstance(value, BaseModel):
        return forked(value)
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)


class QuizState(BaseModel):
    """Where a user is in the questionnaire: the current question and the answers so far."""

    model_config = ConfigDict(extra="ignore")

    step: str
    answers: dict[str, list[str]] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)


class Profile(BaseModel):
    """What a finished quiz told us about the person, kept for follow-up questions."""

    model_config = ConfigDict(extra="ignore")

    goals: list[str] = Field(default_factory=list)
    experience: str = ""
    equipment: str = ""
    concerns: list[str] = Field(default_factory=list)


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
    flow: Literal["idle", "quiz"] = "idle"
    quiz: QuizState | None = None
    seen_events: list[str] = Field(default_factory=list)
    profile: Profile | None = None  # the last finished quiz's answers; /forget deletes it
    # The replies to the newest event, kept until the next one: an update replayed after a crash
    # (its event already applied) gets them again instead of nothing.
    # Kept as the JSON text it is stored as: loading, copying and saving it costs nothing.
    outbox_event: str = ""
    outbox: str = ""

    @property
    def nonce(self) -> str:
        return f"{self.salt}{self.round:x}"

    def remember_event(self, event_id: str) -> None:
        self.seen_events = [*self.seen_events[-(SEEN_EVENTS_KEPT - 1) :], event_id]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, raw: str | bytes) -> Session:
        """Parse a stored session, migrating older schema versions forward.

        Raises ValueError for a document that is not a session or is from a newer release.
        """
        try:  # nearly always a current session: parsed in one step (in Rust)
            current = cls.model_validate_json(raw)
            if current.schema_version == SCHEMA_VERSION:
                return current
        except ValidationError:
            pass  # perhaps an older shape that a migration reads
        document = json.loads(raw)
        if not isinstance(document, dict):
            raise ValueError("a stored session must be a JSON object")
        found = int(document.get("schema_version", SCHEMA_VERSION))
        if found > SCHEMA_VERSION:
            raise ValueError(
                f"session schema {found} is newer than this release's {SCHEMA_VERSION}"
            )
        for version in range(found, SCHEMA_VERSION):
            document = MIGRATIONS[version](document)
        document["schema_version"] = SCHEMA_VERSION
        return cls.model_validate(document)
