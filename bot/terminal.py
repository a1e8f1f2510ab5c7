"""Terminal output that never fails to encode: the bot's own symbols fall back to ASCII.

On a terminal that cannot show them (PYTHONIOENCODING=ascii, a Latin-1 console) printing
"✓ • ‹ ›" would raise UnicodeEncodeError; instead each becomes a look-alike and anything else
unknown becomes "?". Undecodable input is replaced rather than ending the chat.
"""

from __future__ import annotations

import codecs
import io
import logging
import sys

logger = logging.getLogger(__name__)

ERROR_HANDLER = "hipstep-ascii"
LOOK_ALIKES = {
    "✓": "v",
    "✕": "x",
    "•": "*",
    "‹": "<",
    "›": ">",
    "–": "-",
    "—": "-",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "\u00a0": " ",
}


def transliterate(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: replace what the encoding cannot hold by ASCII look-alikes."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    unencodable = exc.object[exc.start : exc.end]
    return "".join(LOOK_ALIKES.get(char, "?") for char in unencodable), exc.end


def make_streams_safe() -> None:
    """Install the fallback on stdout and stderr and lenient decoding on stdin."""
    codecs.register_error(ERROR_HANDLER, transliterate)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERROR_HANDLER)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
