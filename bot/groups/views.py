"""The group's messages as Replies: shared entry posts, the live poll, the plan, check-ins."""

from __future__ import annotations

import logging
from collections import Counter

from bot.buttons import SHARED, Action, ButtonData
from bot.content import BOTH, Content
from bot.groups.commands import PostKind
from bot.groups.plan import SESSIONS, GroupPlan
from bot.groups.poll import GoalPoll
from bot.messages import Layout, Option, Reply, ReplyKind, Section, rich

logger = logging.getLogger(__name__)

SHARED_NONCE = "0"  # shared entry posts are the same for every member and every day
MAX_NAMES = 30


def shared_option(label: str, action: Action, value: str = "", nonce: str = SHARED_NONCE) -> Option:
    return Option(label, data=ButtonData(SHARED, nonce, action, value=value).pack())


def line(text: str, kind: ReplyKind = ReplyKind.MESSAGE) -> Reply:
    return Reply(kind, sections=(Section(body=rich(text)),))


def entry_options(content: Content, kind: PostKind) -> tuple[Option, ...]:
    """A private deep link (where the platform has links) and a shared button for 'here'."""
    texts = content.texts.coach
    return (
        Option(texts.open_privately_label, link=kind.value),
        shared_option(texts.here_label, Action.GO, kind.value),
    )


def entry_post(content: Content, kind: PostKind) -> Reply:
    texts = content.texts.coach
    body = {PostKind.QUIZ: texts.post_quiz, PostKind.FAQ: texts.post_faq}
    text = body.get(kind, texts.post_compare)
    return Reply(
        ReplyKind.MENU, sections=(Section(body=rich(text)),), options=entry_options(content, kind)
    )


def poll_message(content: Content, poll: GoalPoll) -> Reply:
    """The poll with its live tally: votes per goal, how many answered, names if asked for."""
    texts = content.texts.coach
    counts = poll.counts()
    goals = content.goals.goals
    items = tuple(rich(f"{g.label}: **{counts.get(g.id, 0)}**") for g in goals)
    sections = [
        Section(body=rich(texts.poll_prompt)),
        Section(
            texts.results_heading_votes, rich(texts.poll_tally.format(voters=poll.voters)), items
        ),
    ]
    if poll.show_names and poll.names:
        names = ", ".join(sorted(poll.names.values())[:MAX_NAMES])
        sections.append(Section(body=rich(texts.poll_names.format(names=names))))
    options = [shared_option(g.label, Action.VOTE, g.id, poll.nonce) for g in goals]
    if not poll.closed:
        options.append(
            Option(texts.poll_close_label, data=ButtonData(SHARED, poll.nonce, Action.CLOSE).pack())
        )
    else:
        options = []
    return Reply(
        ReplyKind.MENU, sections=tuple(sections), options=tuple(options), layout=Layout.BUTTONS
    )


def group_plan_message(content: Content, plan: GroupPlan, counts: Counter[str]) -> Reply:
    """The plan for the group: lead lift, the week's split, minority goals, a personal offer."""
    texts = content.texts.coach
    if plan.prioritize == BOTH:
        priority = texts.results_priority_both
    else:
        name = content.exercise(plan.prioritize).name
        priority = texts.results_priority.format(exercise=name, share=plan.share)
    split = texts.results_split.format(
        sessions=SESSIONS, lead=plan.lead_sessions, other=SESSIONS - plan.lead_sessions
    )
    minority = tuple(
        rich(f"**{content.goal(g).label}** ({counts[g]}): {content.goal(g).why}")
        for g in plan.minority
    )
    sections = [Section(body=rich(priority)), Section(texts.results_heading_split, rich(split))]
    if minority:
        sections.append(Section(texts.results_minority, items=minority))
    sections.append(Section(body=rich(texts.results_personal)))
    return Reply(
        ReplyKind.MESSAGE,
        title=texts.results_title,
        sections=tuple(sections),
        options=entry_options(content, PostKind.QUIZ),
    )


def unanswered_message(content: Content, top: list[tuple[str, int]]) -> Reply:
    texts = content.texts.coach
    if not top:
        return line(texts.unanswered_none)
    items = tuple(rich(texts.unanswered_line.format(count=n, text=q)) for q, n in top)
    return Reply(ReplyKind.MESSAGE, title=texts.unanswered_title, sections=(Section(items=items),))


def checkin_message(content: Content) -> Reply:
    texts = content.texts
    options = (
        Option(texts.quiz_label, link=PostKind.QUIZ.value),
        Option(texts.faq_label, link=PostKind.FAQ.value),
        shared_option(texts.coach.here_label, Action.GO, PostKind.QUIZ.value),
    )
    return Reply(
        ReplyKind.MESSAGE, sections=(Section(body=rich(texts.coach.checkin_post)),), options=options
    )
