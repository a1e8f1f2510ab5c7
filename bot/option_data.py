"""Option data is a short, versioned, parseable string checked before use.

Core form: `1.<nonce>.<action>.<value>`; the service prefixes the owner: `<user>|1.<nonce>...`
so a press by another member is recognised before any state is touched. The whole string stays
within Telegram's 64-byte callback limit for 20-digit user ids (tested).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FORMAT_VERSION = "1"
MAX_BYTES = 64


class BadOptionData(ValueError):
    """Option data that was forged, truncated or made by another version of the bot."""


@dataclass(frozen=True, slots=True)
class OptionData:
    nonce: str
    action: str
    value: str

    def encode(self) -> str:
        return f"{FORMAT_VERSION}.{self.nonce}.{self.action}.{self.value}"

    @classmethod
    def decode(cls, raw: str) -> OptionData:
        parts = raw.split(".", 3)
        if len(parts) != 4 or parts[0] != FORMAT_VERSION or not all(parts[1:3]):
            raise BadOptionData(raw[:80])
        return cls(parts[1], parts[2], parts[3])


def stamp_owner(owner: str, data: str) -> str:
    return f"{owner}|{data}"


def split_owner(raw: str) -> tuple[str | None, str]:
    """Return (owner, core data); owner is None for data without a stamp."""
    owner, sep, data = raw.partition("|")
    return (owner, data) if sep else (None, raw)
