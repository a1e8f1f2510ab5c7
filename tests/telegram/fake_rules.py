"""What the fake Bot API refuses, as Telegram does: bad HTML, long texts, bad buttons."""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from typing import Any

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
JsonDict = dict[str, Any]
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class ApiError(Exception):
    """A refusal, answered like Telegram: {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class EntityError(ValueError):
    """Text Telegram answers with "Bad Request: can't parse entities: ..."."""


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityError(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')
        self.open.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            raise EntityError(f'Unsupported HTML entity "&{name};"')
        self.visible.append(ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.visible.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))

    def handle_data(self, data: str) -> None:
        if "<" in data or "&" in data:
            raise EntityError("Can't find end of the entity or tag")
        self.visible.append(data)

    def handle_comment(self, data: str) -> None:
        raise EntityError("Unsupported comment")

    def handle_decl(self, decl: str) -> None:
        raise EntityError("Unsupported declaration")

    def handle_pi(self, data: str) -> None:
        raise EntityError("Unsupported processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise EntityError("Unsupported declaration")


def visible_text(html: str) -> str:
    """The text a user sees, or EntityError for markup Telegram cannot parse."""
    parser = _TelegramHtml()
    parser.feed(html)
    parser.close()
    leftover = parser.rawdata if hasattr(parser, "rawdata") else ""
    if leftover:
        raise EntityError("Can't find end of the entity or tag")
    if parser.open:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.open[-1]}"')
    return "".join(parser.visible)


def utf16_length(text: str) -> int:
    """Telegram counts lengths and offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def checked_text(params: JsonDict) -> str:
    raw = str(params.get("text", ""))
    text = raw
    if str(params.get("parse_mode", "")).upper() == "HTML":
        try:
            text = visible_text(raw)
        except EntityError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def checked_markup(markup: JsonDict | None) -> JsonDict | None:
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if not button.get("text"):
                raise ApiError(400, "Bad Request: button text is empty")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not url.startswith(("https://", "http://", "tg://")):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            if data is None and url is None:
                raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
    return markup
