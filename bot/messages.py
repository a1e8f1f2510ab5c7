"""The core's vocabulary: an Event comes in, Replies go out; no platform types here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)


class EventKind(StrEnum):
    COMMAND = "command"
    CHOICE = "choice"
    TEXT = "text"


class Command(StrEnum):
    START = "start"
    QUIZ = "quiz"
    FAQ = "faq"
    HELP = "help"
    CANCEL = "cancel"
    FORGET = "forget"
    BACK = "back"
    ASK = "ask"  # argument: a free-text question, always answered from the FAQ
    COMPARE = "compare"  # the two exercises side by side


@dataclass(frozen=True, slots=True)
class Event:
    """What a user did: ran a command, pressed an offered option, or typed text."""

    kind: EventKind
    value: str
    argument: str = ""

    @classmethod
    def command(cls, name: Command | str, argument: str = "") -> Event:
        return cls(EventKind.COMMAND, str(name), argument)

    @classmethod
    def choice(cls, data: str) -> Event:
        return cls(EventKind.CHOICE, data)

    @classmethod
    def text(cls, text: str) -> Event:
        return cls(EventKind.TEXT, text)


class Layout(StrEnum):
    """A hint for adapters on how to present a reply's options."""

    BUTTONS = "buttons"  # a few short answers: inline buttons
    LIST = "list"  # many longer labels: one per row / a select menu
    TOGGLES = "toggles"  # a multi-answer question: labels carry a check mark when picked


class ReplyKind(StrEnum):
    """What a reply is, so adapters can style it (embeds, alerts) without reading its text."""

    MESSAGE = "message"
    QUESTION = "question"
    RECOMMENDATION = "recommendation"
    COMPARISON = "comparison"  # `fields` holds (heading, body) pairs: an embed where possible
    FAQ_ANSWER = "faq_answer"
    MENU = "menu"
    NOTICE = "notice"  # a short side remark: a toast/ephemeral where the platform has one
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Option:
    """An offered answer: `data` is opaque, short and checked when it comes back.

    `toggle` marks a choice of a multi-answer question (a check box, not Done/Back/Cancel);
    `picked` says whether it is ticked now.
    """

    label: str
    data: str
    toggle: bool = False
    picked: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """One message for the user. `text` uses light markup: **bold** and lines starting '• '.

    `edit` asks the adapter to replace the message whose option was pressed (a quiz advancing in
    place) instead of sending a new one, where the platform can.
    """

    text: str
    options: tuple[Option, ...] = ()
    layout: Layout = Layout.BUTTONS
    kind: ReplyKind = ReplyKind.MESSAGE
    edit: bool = False
    title: str = ""
    topic_id: str = ""
    fields: tuple[tuple[str, str], ...] = field(default=())
