"""The core's vocabulary: Events come in (a command, a press, text), Replies go out as data.

A Reply is structured (title, sections, emphasis spans, options with a picked flag) so each
adapter renders it its own way (HTML, embeds, plain text) without parsing what the core wrote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.buttons import ButtonData

logger = logging.getLogger(__name__)


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


# -- events ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Origin:
    """Where an event happened: a group (others read the replies), and whether the platform
    can answer one member privately in place (Discord's ephemeral replies)."""

    group: bool = False
    whisper: bool = False


PRIVATE_CHAT = Origin()


@dataclass(frozen=True, slots=True)
class CommandEvent:
    """A command; `name` may be given as text ('quiz') and must be one of Command."""

    name: Command
    argument: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", Command(self.name))


@dataclass(frozen=True, slots=True)
class PressEvent:
    """A pressed button or select menu, as the platform delivered it (not yet trusted).

    `on_message` holds the data of every button on the pressed message, when the platform says
    (a press counts only if it is one of them); `selected` holds a select menu's chosen values.
    """

    raw: str
    on_message: tuple[str, ...] | None = None
    selected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChoiceEvent:
    """A press the service has checked: decoded, on its own message, by its owner."""

    data: ButtonData
    selected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextEvent:
    text: str


Event = CommandEvent | PressEvent | TextEvent
EngineEvent = CommandEvent | ChoiceEvent | TextEvent


# -- replies -----------------------------------------------------------------------------------
class Layout(StrEnum):
    """A hint for adapters on how to present a reply's options."""

    BUTTONS = "buttons"  # a few short answers: inline buttons
    LIST = "list"  # many longer labels: one per row / a select menu
    TOGGLES = "toggles"  # a multi-answer question: options with toggle=True carry `picked`


class ReplyKind(StrEnum):
    """What a reply is, so adapters can style it (embeds, alerts) without reading its text."""

    MESSAGE = "message"
    QUESTION = "question"
    RECOMMENDATION = "recommendation"
    COMPARISON = "comparison"
    FAQ_ANSWER = "faq_answer"
    MENU = "menu"
    NOTICE = "notice"  # a short side remark about a press
    DECLINE = "decline"  # a question outside what the bot knows
    ERROR = "error"


class Delivery(StrEnum):
    """How the reply reaches the user; decided by the core, carried out by each adapter."""

    SEND = "send"  # a new message
    EDIT = "edit"  # replace the message whose button was pressed (send anew if it can't)
    ALERT = "alert"  # a short private notice: a toast / ephemeral message where the platform can


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text; `strong` runs are shown bold where the platform can."""

    text: str
    strong: bool = False


RichText = tuple[Span, ...]
_STRONG = re.compile(r"\*\*(.+?)\*\*")


@lru_cache(maxsize=2048)  # nearly every markup is a content text, parsed again on each reply
def rich(markup: str) -> RichText:
    """Content's light markup (`**bold**`) as spans: parsed here once, never by adapters."""
    spans: list[Span] = []
    position = 0
    for found in _STRONG.finditer(markup):
        if found.start() > position:
            spans.append(Span(markup[position : found.start()]))
        spans.append(Span(found.group(1), strong=True))
        position = found.end()
    if position < len(markup):
        spans.append(Span(markup[position:]))
    return tuple(spans)


def plain(text: RichText) -> str:
    return "".join(span.text for span in text)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a reply: an optional heading, a body and bullet items (an embed field)."""

    heading: str = ""
    body: RichText = ()
    items: tuple[RichText, ...] = ()


@dataclass(frozen=True, init=False)
class Option:
    """An offered answer. `data` is packed ButtonData; `toggle` marks a check-box choice of a
    multi-answer question and `picked` whether it is ticked; `link` is a deep-link payload that
    opens a private chat with the bot instead of sending data (where the platform has links)."""

    label: str
    data: str = ""
    toggle: bool = False
    picked: bool = False
    link: str = ""

    def __init__(
        self, label: str, data: str = "", toggle: bool = False, picked: bool = False, link: str = ""
    ) -> None:
        # A frozen dataclass's own __init__ sets fields one object.__setattr__ call at a time;
        # a quiz step has a dozen options and more, so they go straight into the instance dict.
        fields = self.__dict__
        fields["label"], fields["data"], fields["link"] = label, data, link
        fields["toggle"], fields["picked"] = toggle, picked


@dataclass(frozen=True, init=False)
class Reply:
    """One message for the user, as data."""

    kind: ReplyKind
    title: str = ""
    sections: tuple[Section, ...] = ()
    options: tuple[Option, ...] = ()
    layout: Layout = Layout.BUTTONS
    delivery: Delivery = Delivery.SEND
    topic_id: str = ""
    select_hint: str = ""  # a select menu's placeholder, where options become one
    select_data: str = ""  # a multi-answer question's data, for a multi-select of its toggles
    private: bool = False  # holds personal (health) answers: never shown to a whole group

    def __init__(
        self,
        kind: ReplyKind,
        title: str = "",
        sections: tuple[Section, ...] = (),
        options: tuple[Option, ...] = (),
        layout: Layout = Layout.BUTTONS,
        delivery: Delivery = Delivery.SEND,
        topic_id: str = "",
        select_hint: str = "",
        select_data: str = "",
        private: bool = False,
    ) -> None:
        # Straight into the instance dict, as for Option: every turn builds a few replies.
        fields = self.__dict__
        fields["kind"], fields["title"], fields["sections"] = kind, title, sections
        fields["options"], fields["layout"], fields["delivery"] = options, layout, delivery
        fields["topic_id"], fields["select_hint"] = topic_id, select_hint
        fields["select_data"], fields["private"] = select_data, private
