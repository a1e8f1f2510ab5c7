"""The building blocks of the content models: strict models, id rules, shared vocabularies,
and the one error content problems are reported as.

The model modules (this one, training, language, models) leave out `from __future__ import
annotations`: pydantic then gets each annotation as an object instead of evaluating its text,
~3 ms less start-up. Forward references are quoted instead.
"""

import logging
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

BOTH = "both"
ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
EXPERIENCE_LEVELS = ("beginner", "intermediate", "advanced")
LOADS = ("bodyweight", "light", "moderate", "heavy")  # lightest first: caps compare by index

Source = Literal["seed", "practice"]  # the article, or mainstream conservative S&C practice
Load = Literal["bodyweight", "light", "moderate", "heavy"]
Role = Literal["main", "after_main_lift", "accessory"]
Tempo = Literal["explosive", "controlled"]
Experience = Literal["beginner", "intermediate", "advanced"]
Range = tuple[int, int]


class ContentError(Exception):
    """Content that cannot be used; the message names the file, the entry and the problem."""


class Strict(BaseModel):
    """Unknown keys refused, instances immutable.

    Start-up cost: validators are built when content is first validated, not when the classes
    are defined (`defer_build`), so content from a snapshot (snapshot.py) never builds them.
    Empty defaults are written `Field([])` / `Field({})`, not `default_factory=list`: pydantic
    copies an empty default for each instance all the same, and a factory costs an inspection of
    its signature per field when the class is built (~8 ms over the content models).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def unique_ids(items: list[_Item], what: str) -> list[_Item]:
    """Refuse a list where two entries share an id: the second would silently shadow the first."""
    ids = [item.id for item in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"duplicate {what} id {', '.join(map(repr, repeated))}")
    return items
