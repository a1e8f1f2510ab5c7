"""Button data: one typed codec, packed once when a reply is built and unpacked once at the edge.

Wire form (version 2): `2<action>.<owner>.<nonce>.<question>.<value>`, for example
`2a.123456789.1f3a2.main.glute_hypertrophy`. It stays within Telegram's 64 bytes for 20-digit
user ids with the content's ids (`content check` verifies the longest one). An empty owner marks
a shared post that any member may press.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

logger = logging.getLogger(__name__)

VERSION = "2"
MAX_BYTES = 64
MAX_PAGE = 99
SHARED = ""  # the owner of a post anyone may press

_OWNER = re.compile(r"[0-9a-z]{0,20}")
_NONCE = re.compile(r"[0-9a-f]{1,12}")
_ID = re.compile(r"[a-z][a-z0-9_]{0,31}")


class BadButtonData(ValueError):
    """Button data that was forged, truncated, too long or made by another version of the bot."""


class Action(StrEnum):
    """What a press asks for; each action says which of question/value it needs."""

    ANSWER = "a"  # pick (or toggle, on a multi-answer question) value on question
    DONE = "d"  # finish a multi-answer question
    NONE = "x"  # a multi-answer question answered with "none of these"
    SELECT = "s"  # a select menu: its chosen values arrive with the press
    BACK = "b"  # go back from question
    CANCEL = "c"  # stop the quiz shown at question
    TOPIC = "t"  # an FAQ answer: value is the topic id
    PAGE = "p"  # an FAQ menu page: value is the page number
    GO = "g"  # start something: value is quiz or faq
    VOTE = "v"  # a group poll: value is a goal id
    CLOSE = "z"  # a coach closes the group poll


_NEEDS_QUESTION = {
    Action.ANSWER,
    Action.DONE,
    Action.NONE,
    Action.SELECT,
    Action.BACK,
    Action.CANCEL,
}
_NEEDS_ID_VALUE = {Action.ANSWER, Action.TOPIC, Action.GO, Action.VOTE}


@dataclass(frozen=True, slots=True)
class ButtonData:
    """What a button means, and whose it is: owner (user id), nonce (which quiz or menu)."""

    owner: str
    nonce: str
    action: Action
    question: str = ""
    value: str = ""

    def pack(self) -> str:
        """The wire form; raises BadButtonData when it would not fit a Telegram button."""
        return pack(self.owner, self.nonce, self.action, self.question, self.value)

    @classmethod
    def unpack(cls, raw: str) -> ButtonData:
        """Parse and check every field; anything off raises BadButtonData (never ValueError)."""
        if not 2 < len(raw.encode()) <= MAX_BYTES or raw[0] != VERSION:
            raise BadButtonData("unknown button format")
        parts = raw[2:].split(".")
        if len(parts) != 5 or parts[0] != "":
            raise BadButtonData("malformed button data")
        try:
            action = Action(raw[1])
        except ValueError:
            raise BadButtonData("unknown button action") from None
        data = cls(parts[1], parts[2], action, parts[3], parts[4])
        _validate(data)
        return data

    @property
    def shared(self) -> bool:
        return self.owner == SHARED

    @property
    def page(self) -> int:
        return int(self.value)


def pack(owner: str, nonce: str, action: Action, question: str = "", value: str = "") -> str:
    """ButtonData(...).pack() without building the object: every option of every reply is
    packed here, so it stays one call and two cached checks that return the checked parts."""
    stamp = _checked_stamp(owner, nonce)
    code, tail = _checked_fields(action, question, value)
    # Every field passed a pattern of ASCII characters: the length in bytes is the length.
    raw = VERSION + code + stamp + tail
    if len(raw) > MAX_BYTES:
        raise BadButtonData(f"button data is {len(raw)} bytes (max {MAX_BYTES})")
    return raw


def _validate(data: ButtonData) -> None:
    _checked_stamp(data.owner, data.nonce)
    _checked_fields(data.action, data.question, data.value)


@lru_cache(maxsize=1024)  # one reply packs all its options with the same owner and nonce
def _checked_stamp(owner: str, nonce: str) -> str:
    """The wire form's `.<owner>.<nonce>.` middle, once both are checked."""
    if not _OWNER.fullmatch(owner) or not _NONCE.fullmatch(nonce):
        raise BadButtonData("bad owner or nonce")
    return f".{owner}.{nonce}."


@lru_cache(maxsize=4096)  # the same few content ids are packed on every reply: check them once
def _checked_fields(action: Action, question: str, value: str) -> tuple[str, str]:
    """The wire form's action code and `<question>.<value>` end, once they are checked."""
    if (action in _NEEDS_QUESTION) != bool(question):
        raise BadButtonData(f"action {action.name} and question disagree")
    if question and not _ID.fullmatch(question):
        raise BadButtonData("bad question id")
    if action in _NEEDS_ID_VALUE and not _ID.fullmatch(value):
        raise BadButtonData("bad value id")
    if action is Action.PAGE and not (
        value.isascii() and value.isdecimal() and int(value) <= MAX_PAGE
    ):
        raise BadButtonData("bad page number")
    if action not in _NEEDS_ID_VALUE | {Action.PAGE} and value:
        raise BadButtonData(f"action {action.name} takes no value")
    return action.value, f"{question}.{value}"


def pack_each(
    owner: str, nonce: str, action: Action, question: str, values: tuple[str, ...]
) -> list[str]:
    """[pack(owner, nonce, action, question, v) for v in values]: a quiz step packs a dozen
    answers to one question, so their ids are checked together, once per question."""
    stamp = _checked_stamp(owner, nonce)
    checked = _checked_each(action, question, values)
    if checked is None or len(VERSION + checked[0] + stamp) + checked[2] > MAX_BYTES:
        # Something is refused: one by one, so that it is refused exactly as pack() refuses it.
        return [pack(owner, nonce, action, question, value) for value in values]
    code, tails, _ = checked
    head = VERSION + code + stamp
    return [head + tail for tail in tails]


@lru_cache(maxsize=256)  # a question's answers are content, the same for everyone asked
def _checked_each(
    action: Action, question: str, values: tuple[str, ...]
) -> tuple[str, tuple[str, ...], int] | None:
    """The action code, each value's `<question>.<value>` end and the longest; None when one
    of them is refused."""
    try:
        tails = tuple(_checked_fields(action, question, value)[1] for value in values)
    except BadButtonData:
        return None
    return action.value, tails, max(map(len, tails), default=0)
