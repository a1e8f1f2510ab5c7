"""Platform limits content must fit: button data within 64 bytes, buttons per reply.

The replies are built with the bot's own builders for the longest user id and nonce, so the
sizes measured are the ones Telegram and Discord will see (packing refuses over 64 bytes).
Imported by `content check` (not by `bot.content` itself: the builders import its models).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from functools import partial

from bot import replies
from bot.buttons import MAX_BYTES, BadButtonData
from bot.content.base import ContentError
from bot.content.loader import FILES
from bot.content.models import Content
from bot.messages import Delivery, Reply
from bot.replies import Buttons
from bot.session import Session

logger = logging.getLogger(__name__)

LONGEST_USER_ID = "9" * 20  # Telegram ids fit 52 bits; Discord snowflakes are up to 20 digits
LONGEST_SALT = "f" * 4  # the service salts sessions with secrets.token_hex(2)
ROUNDS_ASSUMED = 2**20  # quizzes one session may start and end (it expires after a week)
TELEGRAM_MAX_BUTTONS = 100
DISCORD_MAX_ROWS, DISCORD_ROW_WIDTH = 5, 5
DISCORD_MAX_BUTTONS = DISCORD_MAX_ROWS * DISCORD_ROW_WIDTH


def longest_nonce() -> str:
    return Session(salt=LONGEST_SALT, round=ROUNDS_ASSUMED).nonce


def check_limits(content: Content) -> None:
    """Raise ContentError naming the file and entry of the first reply a platform would refuse."""
    buttons = Buttons(LONGEST_USER_ID, longest_nonce())
    for where, build in every_reply(content, buttons):
        try:
            reply = build()
        except BadButtonData as exc:
            raise ContentError(
                f"{where}: {exc} for a 20-digit user id; Telegram allows {MAX_BYTES}: "
                "shorten the ids"
            ) from None
        count = len(reply.options)
        if count > min(TELEGRAM_MAX_BUTTONS, DISCORD_MAX_BUTTONS):
            raise ContentError(
                f"{where}: {count} buttons in one reply; Discord allows {DISCORD_MAX_BUTTONS} "
                f"({DISCORD_MAX_ROWS} rows of {DISCORD_ROW_WIDTH}), Telegram {TELEGRAM_MAX_BUTTONS}"
            )


def every_reply(content: Content, buttons: Buttons) -> Iterator[tuple[str, Callable[[], Reply]]]:
    """Each reply with buttons the content can produce, labelled by the file and entry behind it."""
    quiz, faq = FILES["quiz"], FILES["faq"]
    for index, question in enumerate(content.quiz.questions):
        yield (
            f"{quiz}: question {question.id!r}",
            partial(
                replies.question_reply,
                content,
                question,
                buttons,
                {},
                number=index + 1,
                first=index == 0,
                delivery=Delivery.SEND,
            ),
        )
    pages = -(-len(content.faq.topics) // replies.MENU_PAGE_SIZE)
    for page in range(pages):
        yield (
            f"{faq}: menu page {page + 1}",
            partial(replies.menu_reply, content, page, buttons, Delivery.SEND),
        )
    for topic in content.faq.topics:
        yield f"{faq}: topic {topic.id!r}", partial(replies.topic_reply, content, topic.id, buttons)
    yield FILES["texts"], partial(replies.text_reply, content.texts.help, content, buttons)
