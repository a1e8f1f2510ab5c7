"""The coach's commands: separate from the member commands, so menus can hide them."""

from __future__ import annotations

import logging
from enum import StrEnum

logger = logging.getLogger(__name__)


class CoachCommand(StrEnum):
    POST = "post"  # argument: quiz | faq | compare
    GROUPQUIZ = "groupquiz"  # argument: "names" to show who answered
    GROUPRESULTS = "groupresults"
    UNANSWERED = "unanswered"
    CHECKIN = "checkin"  # argument: weekly <day> <HH:MM> [timezone] | off


class PostKind(StrEnum):
    QUIZ = "quiz"
    FAQ = "faq"
    COMPARE = "compare"
