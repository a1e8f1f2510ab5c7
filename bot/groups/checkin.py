"""The weekly check-in: a schedule per group, parsed from the coach's words, and when it is due."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CATCH_UP = timedelta(minutes=30)  # a check-in missed by a restart still goes out this long after


class BadSchedule(ValueError):
    """The coach's /checkin words are not `weekly <day> <HH:MM> [timezone]`."""


class Schedule(BaseModel):
    weekday: int = Field(ge=0, le=6)  # Monday = 0
    at: time
    zone: str = "UTC"

    @property
    def day_name(self) -> str:
        return DAYS[self.weekday]

    def due(self, now: datetime) -> date | None:
        """The local date of the run due at `now` (within the catch-up window), else None."""
        local = now.astimezone(ZoneInfo(self.zone))
        start = datetime.combine(local.date(), self.at, tzinfo=local.tzinfo)
        if local.weekday() == self.weekday and start <= local < start + CATCH_UP:
            return local.date()
        return None


def parse(words: str) -> Schedule:
    """'weekly mon 18:00 Europe/London' -> Schedule; raises BadSchedule."""
    parts = words.split()
    if len(parts) not in (3, 4) or parts[0].lower() != "weekly":
        raise BadSchedule(words)
    day = parts[1].lower()[:3]
    if day not in DAYS:
        raise BadSchedule(f"unknown day {parts[1]!r}")
    try:
        at = time.fromisoformat(parts[2].zfill(5))
        zone = parts[3] if len(parts) == 4 else "UTC"
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise BadSchedule(words) from None
    return Schedule(weekday=DAYS.index(day), at=at.replace(second=0, microsecond=0), zone=zone)
