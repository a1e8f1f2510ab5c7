"""The async seam for group coaching, next to CoachService: coach commands, votes, check-ins.

Adapters decide who is a coach (platform roles) and where a reply goes; this decides what is
said and keeps the group's state in the store (records), so restarts and workers agree.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime

from bot.buttons import Action, BadButtonData, ButtonData
from bot.content import CoachTexts
from bot.engine import Engine
from bot.groups import checkin, records, views
from bot.groups.commands import CoachCommand, PostKind
from bot.groups.plan import group_plan
from bot.groups.poll import GoalPoll
from bot.groups.records import GroupKey
from bot.groups.unanswered import Unanswered, normalised
from bot.messages import Reply, ReplyKind, TextEvent
from bot.replies import notice
from bot.store.base import Store

logger = logging.getLogger(__name__)

POLL, CHECKIN, UNANSWERED = "poll", "checkin", "unanswered"
TOP_UNANSWERED = 10
GROUP_ACTIONS = {Action.VOTE, Action.CLOSE}


class GroupService:
    """Group coaching for every platform; safe to share between tasks, workers share the store."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        retention: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.content = engine.content
        self.store = store
        self.retention = retention  # how long a declined question is remembered
        self._clock = clock
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def texts(self) -> CoachTexts:
        return self.content.texts.coach

    def command_menu(self) -> list[tuple[str, str]]:
        return [(c.value, self.texts.commands[c.value]) for c in CoachCommand]

    def not_coach(self) -> Reply:
        return notice(self.texts.not_coach)

    @staticmethod
    def is_group_press(raw: str) -> bool:
        """Whether a press is a poll's (vote or close): such presses come here, not to the quiz."""
        try:
            return ButtonData.unpack(raw).action in GROUP_ACTIONS
        except BadButtonData:
            return False

    @staticmethod
    def is_close(raw: str) -> bool:
        return GroupService.is_group_press(raw) and ButtonData.unpack(raw).action is Action.CLOSE

    # -- shared entry points ---------------------------------------------------------------------
    def post(self, argument: str) -> Reply:
        """/post quiz|faq|compare: one public message; anything else gets the usage line."""
        try:
            kind = PostKind(argument.strip().lower())
        except ValueError:
            return views.line(self.texts.post_usage)
        return views.entry_post(self.content, kind)

    # -- the goal poll -------------------------------------------------------------------------
    async def open_poll(self, group: GroupKey, argument: str = "") -> tuple[Reply, bool]:
        """The poll message and True; or a notice and False when one is open already."""
        fresh = GoalPoll(nonce=secrets.token_hex(3), show_names=argument.strip() == "names")

        def opening(old: GoalPoll | None) -> tuple[GoalPoll | None, bool]:
            return (None, False) if old is not None else (fresh, True)

        opened = await self._change(group.name(POLL), GoalPoll, opening)
        if not opened:
            return views.line(self.texts.poll_already_open), False
        return views.poll_message(self.content, fresh), True

    async def attach(self, group: GroupKey, message: str) -> None:
        """Remember the posted poll message's id, so edits and a restarted bot can find it."""

        def attaching(old: GoalPoll | None) -> tuple[GoalPoll | None, None]:
            return (None if old is None else old.model_copy(update={"message": message}), None)

        await self._change(group.name(POLL), GoalPoll, attaching)

    async def poll(self, group: GroupKey) -> GoalPoll | None:
        return await records.load(self.store, group.name(POLL), GoalPoll)

    def poll_view(self, poll: GoalPoll) -> Reply:
        return views.poll_message(self.content, poll)

    async def vote(
        self, group: GroupKey, member: str, raw: str, name: str = ""
    ) -> tuple[Reply, GoalPoll | None]:
        """A member's tap on a goal: their private confirmation, and the poll to show (None if
        the tap changed nothing: a closed or older poll)."""
        data = ButtonData.unpack(raw)
        known = {g.id for g in self.content.goals.goals}

        def voting(old: GoalPoll | None) -> tuple[GoalPoll | None, list[str] | None]:
            if old is None or old.closed or old.nonce != data.nonce or data.value not in known:
                return None, None
            return old, old.toggle(member, data.value, name)

        result: list[list[str] | None] = []

        def recording(old: GoalPoll | None) -> tuple[GoalPoll | None, GoalPoll | None]:
            new, goals = voting(old)
            result[:] = [goals]
            return new, new

        poll = await self._change(group.name(POLL), GoalPoll, recording)
        goals = result[0] if result else None
        if poll is None or goals is None:
            return notice(self.texts.poll_none_open), None
        if not goals:
            return notice(self.texts.vote_cleared), poll
        labels = ", ".join(self.content.goal(g).label for g in goals)
        return notice(self.texts.vote_noted.format(goals=labels)), poll

    async def close_poll(
        self, group: GroupKey, raw: str | None = None
    ) -> tuple[list[Reply], GoalPoll | None]:
        """Close the open poll once: the group plan and the final poll (None if this call did
        not close it: none open, an older poll's button, or another close won)."""
        nonce = ButtonData.unpack(raw).nonce if raw else None

        def closing(old: GoalPoll | None) -> tuple[GoalPoll | None, GoalPoll | None]:
            if old is None or old.closed or (nonce is not None and old.nonce != nonce):
                return None, None
            closed = old.model_copy(update={"closed": True})
            return closed, closed

        poll = await self._change(group.name(POLL), GoalPoll, closing)
        if poll is None:
            return [views.line(self.texts.poll_none_open)], None
        await self.store.record_delete(group.name(POLL))
        counts = poll.counts()
        plan = group_plan(self.content, counts)
        if plan is None:
            return [views.line(self.texts.results_empty)], poll
        return [views.group_plan_message(self.content, plan, counts)], poll

    # -- unanswered questions ------------------------------------------------------------------
    def declined(self, replies: list[Reply]) -> bool:
        """Whether the core declined the question (out of scope)."""
        return any(r.kind is ReplyKind.DECLINE for r in replies)

    async def note_declined(self, group: GroupKey, event: TextEvent) -> None:
        """Count a question the bot declined in a group, by its normalised text only."""
        text = normalised(event.text, self.engine.matcher.normalizer.plain(event.text))
        if not text:
            return
        now = self._clock()

        def counting(old: Unanswered | None) -> tuple[Unanswered | None, None]:
            found = old or Unanswered()
            found.count(text, now, self.retention)
            return found, None

        await self._change(group.name(UNANSWERED), Unanswered, counting)

    async def unanswered(self, group: GroupKey) -> Reply:
        found = await records.load(self.store, group.name(UNANSWERED), Unanswered)
        if found is not None:
            found.expire(self._clock(), self.retention)
        top = found.top(TOP_UNANSWERED) if found is not None else []
        return views.unanswered_message(self.content, top)

    # -- weekly check-in -------------------------------------------------------------------------
    async def set_checkin(self, group: GroupKey, argument: str) -> Reply:
        """/checkin weekly <day> <HH:MM> [zone] saves the schedule; /checkin off removes it."""
        name = group.name(CHECKIN)
        if argument.strip().lower() == "off":
            existed = await self.store.record_load(name) is not None
            await self.store.record_delete(name)
            return views.line(self.texts.checkin_off if existed else self.texts.checkin_none)
        try:
            schedule = checkin.parse(argument)
        except checkin.BadSchedule:
            return views.line(self.texts.checkin_usage)
        await self._change(name, checkin.Schedule, lambda _old: (schedule, None))
        return views.line(
            self.texts.checkin_set.format(
                day=schedule.day_name, time=schedule.at.strftime("%H:%M"), zone=schedule.zone
            )
        )

    async def due_checkins(self, platform: str, now: datetime | None = None) -> list[str]:
        """The chats whose check-in is due now and that this worker claimed (once per run)."""
        now = now or datetime.fromtimestamp(self._clock(), UTC)
        prefix = f"{CHECKIN}:{platform}:"
        claimed: list[str] = []
        for name in await self.store.record_names(prefix):
            schedule = await records.load(self.store, name, checkin.Schedule)
            day = schedule.due(now) if schedule is not None else None
            if day is not None and await self.store.mark_seen(f"{name}:{day.isoformat()}"):
                claimed.append(name.removeprefix(prefix))
        return claimed

    def checkin_post(self) -> Reply:
        return views.checkin_message(self.content)

    # -- helpers -------------------------------------------------------------------------------
    async def _change(
        self, name: str, model: type[records.M], edit: records.Edit[records.M, records.R]
    ) -> records.R:
        """One change at a time per record in this process; other workers lose CAS races."""
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        async with lock:
            return await records.change(self.store, name, model, edit)
