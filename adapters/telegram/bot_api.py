"""Bot API calls made through python-telegram-bot's public `do_api_request`, answered as raw JSON.

Hot paths (fetching updates, sending and editing replies) skip building PTB objects from the
answers, which we never read: about a third of the CPU of a reply on loopback. Requests still go
through PTB's request class and rate limiter, and the parameters are encoded exactly as PTB's own
methods encode them (a test compares the two byte for byte).

PTB hints, with a warning, that methods of its own exist for these endpoints; that hint is
silenced for these endpoints only (it is advice, nothing is wrong).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import Bot
from telegram.warnings import PTBUserWarning

logger = logging.getLogger(__name__)

RAW_ENDPOINTS = ("getUpdates", "sendMessage", "editMessageText")
HINT = r"Please use 'Bot\.(" + "|".join(RAW_ENDPOINTS) + r")'"
warnings.filterwarnings("ignore", message=HINT, category=PTBUserWarning)


async def call(bot: Bot, endpoint: str, params: dict[str, Any], **timeouts: Any) -> Any:
    """One Bot API call; the answer as JSON (None values are left out, as PTB does)."""
    assert endpoint in RAW_ENDPOINTS, endpoint
    kwargs = {name: value for name, value in params.items() if value is not None}
    return await bot.do_api_request(endpoint, api_kwargs=kwargs, **timeouts)
