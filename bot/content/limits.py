"""Platform limits content must fit: button data within 64 bytes, buttons per reply.

The replies are built with the bot's own builders and stamped as the service stamps them, so
the sizes measured are the ones Telegram and Discord will see. Imported by `content check` (not
by `bot.content` itself, since the builders import the content models).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from bot import replies
from bot.content.loader import FILES, ContentError
from bot.content.models import Content
from bot.messages import Reply
from bot.option_data import MAX_BYTES, stamp_owner
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
    for where, reply in every_reply(content, longest_nonce()):
        count = len(reply.options)
        if count > min(TELEGRAM_MAX_BUTTONS, DISCORD_MAX_BUTTONS):
            raise ContentError(
                f"{where}: {count} buttons in one reply; Discord allows {DISCORD_MAX_BUTTONS} "
                f"({DISCORD_MAX_ROWS} rows of {DISCORD_ROW_WIDTH}), Telegram {TELEGRAM_MAX_BUTTONS}"
            )
        for option in reply.options:
            size = len(stamp_owner(LONGEST_USER_ID, option.data).encode())
            if size > MAX_BYTES:
                raise ContentError(
                    f"{where}: button {option.label!r} carries {size} bytes of data "
                    f"({option.data!r} for a 20-digit user id); Telegram allows {MAX_BYTES}: "
                    "shorten the ids"
                )


def every_reply(content: Content, nonce: str) -> Iterator[tuple[str, Reply]]:
    """Each reply with buttons the content can produce, labelled by the file and entry behind it."""
    quiz, faq = FILES["quiz"], FILES["faq"]
    for index, question in enumerate(content.quiz.questions):
        yield (
            f"{quiz}: question {question.id!r}",
            replies.question_reply(
                content, question, nonce, {}, number=index + 1, first=index == 0, edit=False
            ),
        )
    pages = -(-len(content.faq.topics) // replies.MENU_PAGE_SIZE)
    for page in range(pages):
        yield f"{faq}: menu page {page + 1}", replies.menu_reply(content, page, nonce, edit=False)
    for topic in content.faq.topics:
        yield f"{faq}: topic {topic.id!r}", replies.topic_reply(content, topic.id, nonce)
    yield FILES["texts"], replies.text_reply(content.texts.help, content, nonce)
