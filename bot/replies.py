"""Builds the core's Replies from content: questions, recommendations, answers, menus."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from functools import lru_cache

from bot import plan
from bot.buttons import Action, pack, pack_each
from bot.content import BOTH, Choice, Content, Question
from bot.messages import Delivery, Layout, Option, Reply, ReplyKind, RichText, Section, plain, rich
from bot.quiz import Recommendation, choices

logger = logging.getLogger(__name__)

MENU_PAGE_SIZE = 7
SHORT_LABEL = 18  # labels up to this long sit side by side as buttons
BULLET = "• "


class Buttons:
    """Packs the options of one reply for one owner and nonce: the codec's only writer."""

    def __init__(self, owner: str, nonce: str) -> None:
        self.owner, self.nonce = owner, nonce

    def option(
        self,
        label: str,
        action: Action,
        question: str = "",
        value: str = "",
        *,
        toggle: bool = False,
        picked: bool = False,
    ) -> Option:
        # Every option of every reply passes here: one call deep, positional (it adds up).
        return Option(label, pack(self.owner, self.nonce, action, question, value), toggle, picked)

    def answers(
        self, question: Question, offered: Sequence[Choice], picked: Collection[str]
    ) -> list[Option]:
        """A quiz step's answer options; on a multi-answer step each is a toggle, ticked when
        `picked`. One call for them all: a step can offer a dozen or more."""
        ids = tuple([c.id for c in offered])
        packed = pack_each(self.owner, self.nonce, Action.ANSWER, question.id, ids)
        multi = question.multi
        return [
            Option(c.label, data, multi, c.id in picked)
            for c, data in zip(offered, packed, strict=True)
        ]

    def data(self, action: Action, question: str = "", value: str = "") -> str:
        return pack(self.owner, self.nonce, action, question, value)

    def topics(self, content: Content, topic_ids: Sequence[str]) -> list[Option]:
        """A button per FAQ topic, labelled with its question."""
        owner, nonce = self.owner, self.nonce
        return [
            Option(content.topic(t).question, pack(owner, nonce, Action.TOPIC, "", t))
            for t in topic_ids
        ]


@lru_cache(maxsize=512)  # content texts, split the same way every time
def sections_from(markup: str, heading: str = "") -> tuple[Section, ...]:
    """Content text as sections: paragraphs become bodies, lines starting '• ' their items."""
    sections: list[Section] = []
    body: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if body or items:
            title = heading if not sections else ""
            sections.append(Section(title, rich("\n".join(body)), tuple(rich(i) for i in items)))
        body.clear()
        items.clear()

    for line in markup.strip().splitlines():
        if line.startswith(BULLET):
            items.append(line.removeprefix(BULLET))
            continue
        if items or (not line.strip() and body):
            flush()
        if line.strip():
            body.append(line)
    flush()
    return tuple(sections) or (Section(heading),)


def start_options(content: Content, buttons: Buttons) -> tuple[Option, ...]:
    texts = content.texts
    return (
        buttons.option(texts.quiz_label, Action.GO, value="quiz"),
        buttons.option(texts.faq_label, Action.GO, value="faq"),
    )


def question_reply(
    content: Content,
    question: Question,
    buttons: Buttons,
    answers: dict[str, list[str]],
    *,
    number: int,
    first: bool,
    delivery: Delivery,
) -> Reply:
    """One quiz step; options of a multi-answer step carry whether they are picked so far."""
    texts = content.texts
    picked = answers.get(question.id, [])
    offered = offered_choices(content, question, answers)
    options = buttons.answers(question, offered, picked)
    if question.multi:
        if question.none_label and not picked:
            options.append(buttons.option(question.none_label, Action.NONE, question.id))
        else:
            options.append(buttons.option(question.done_label, Action.DONE, question.id))
    if not first:
        options.append(buttons.option(texts.back_label, Action.BACK, question.id))
    options.append(buttons.option(texts.cancel_label, Action.CANCEL, question.id))
    intro = content.quiz.intro if first else None
    total = len(content.quiz.questions)
    sections = _question_sections(intro, texts.question_progress, number, total, question.prompt)
    long_labels = len(offered) > 4 or any(len(c.label) > SHORT_LABEL for c in offered)
    layout = Layout.TOGGLES if question.multi else Layout.LIST if long_labels else Layout.BUTTONS
    hint = texts.pick_all if question.multi else texts.pick_one
    return Reply(
        ReplyKind.QUESTION,
        sections=sections,
        options=tuple(options),
        layout=layout,
        delivery=delivery,
        select_hint=hint,
        select_data=buttons.data(Action.SELECT, question.id) if question.multi else "",
        private=question.role == "concerns",
    )


@lru_cache(maxsize=256)  # content texts: the same few questions, asked again on every turn
def _question_sections(
    intro: str | None, progress: str, number: int, total: int, prompt: str
) -> tuple[Section, ...]:
    """A quiz step's text: the quiz's intro (given for the first question only), then the
    question under its `progress` heading ("Question {number} of {total}")."""
    asked = Section(progress.format(number=number, total=total), rich(prompt))
    return (asked,) if intro is None else (Section(body=rich(intro)), asked)


def offered_choices(
    content: Content, question: Question, answers: dict[str, list[str]]
) -> list[Choice]:
    """A follow-up goal question leaves out the goal already chosen as the main one."""
    offered = choices(content, question)
    if question.role == "more_goals":
        main = {
            a for q in content.quiz.questions if q.role == "goal" for a in answers.get(q.id, [])
        }
        offered = [c for c in offered if c.id not in main]
    return offered


def recommendation_reply(
    content: Content, rec: Recommendation, buttons: Buttons, delivery: Delivery
) -> Reply:
    """The advice: what to prioritise, why, cautions, and the week bot/plan.py built for them."""
    headings = content.texts.headings
    why = tuple(rich(f"**{content.goal(g).label}**: {content.goal(g).why}") for g in rec.goals)
    sections = [
        Section(body=rich(plan.summary(content, rec))),
        Section(headings.why, items=why),
        Section(headings.trains, items=_what_it_trains(content, rec.prioritize)),
    ]
    cautions = [c.text for c in content.recommendation.cautions if c.id in rec.cautions]
    if cautions:
        sections.append(Section(headings.watch_out, items=tuple(rich(c) for c in cautions)))
    week = plan.week_lines(content, plan.build_plan(content, rec))
    sections.append(Section(headings.week, items=tuple(rich(line) for line in week)))
    note = content.recommendation.equipment_notes.get(rec.equipment, "")
    if note:
        sections.append(Section(headings.equipment, rich(note)))
    if cautions or rec.concerns:
        sections.append(Section(headings.safety, rich(content.recommendation.safety)))
    if content.recommendation.closing:
        sections.append(Section(body=rich(content.recommendation.closing)))
    options = (
        buttons.option(content.texts.restart_label, Action.GO, value="quiz"),
        buttons.option(content.texts.faq_label, Action.GO, value="faq"),
    )
    return Reply(
        ReplyKind.RECOMMENDATION,
        title=plain(rich(plan.headline(content, rec))),
        sections=tuple(sections),
        options=options,
        delivery=delivery,
        private=True,
    )


def _what_it_trains(content: Content, prioritize: str) -> tuple[RichText, ...]:
    chosen = content.exercises.exercises if prioritize == BOTH else [content.exercise(prioritize)]
    return tuple(
        rich(f"**{e.name}**: " + "; ".join(f"{m.name} ({m.role})" for m in e.muscles[:3]))
        for e in chosen
    )


def topic_reply(
    content: Content, topic_id: str, buttons: Buttons, also: tuple[str, ...] = ()
) -> Reply:
    """An FAQ answer with buttons for related topics (and close runner-ups)."""
    topic = content.topic(topic_id)
    related = list(dict.fromkeys([*also, *topic.related]))[:3]
    menu = buttons.option(content.texts.faq_label, Action.GO, value="faq")
    return Reply(
        ReplyKind.FAQ_ANSWER,
        title=topic.question,
        sections=sections_from(topic.answer),
        options=(*buttons.topics(content, related), menu),
        layout=Layout.LIST,
        topic_id=topic.id,
    )


def menu_reply(content: Content, page: int, buttons: Buttons, delivery: Delivery) -> Reply:
    """One page of the FAQ menu, with paging buttons when topics do not fit one page."""
    topics = content.faq.topics
    pages = max(1, -(-len(topics) // MENU_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * MENU_PAGE_SIZE
    shown = topics[start : start + MENU_PAGE_SIZE]
    options = [buttons.option(t.question, Action.TOPIC, value=t.id) for t in shown]
    if page > 0:
        options.append(
            buttons.option(content.texts.previous_label, Action.PAGE, value=str(page - 1))
        )
    if page < pages - 1:
        options.append(buttons.option(content.texts.next_label, Action.PAGE, value=str(page + 1)))
    title = content.texts.menu_title.format(
        first=start + 1, last=start + len(shown), total=len(topics)
    )
    return Reply(
        ReplyKind.MENU,
        sections=(Section(body=rich(title)),),
        options=tuple(options),
        layout=Layout.LIST,
        delivery=delivery,
        select_hint=content.texts.pick_one,
    )


def suggestions_reply(content: Content, topic_ids: tuple[str, ...], buttons: Buttons) -> Reply:
    return Reply(
        ReplyKind.MENU,
        sections=(Section(body=rich(content.texts.did_you_mean)),),
        options=tuple(buttons.topics(content, topic_ids)),
        layout=Layout.LIST,
    )


def comparison_reply(content: Content, buttons: Buttons) -> Reply:
    """The two exercises side by side: one section per exercise, then the verdict."""
    headings = content.texts.headings
    sections = []
    for e in content.exercises.exercises:
        muscles = "; ".join(f"{m.name}: {m.role}" for m in e.muscles)
        body = (
            f"{e.summary}\n**{headings.how}:** {e.mechanics}\n**{headings.muscles}:** {muscles}\n"
            f"**{headings.best_for}:**"
        )
        items = [rich(s) for s in e.strengths]
        sections.append(Section(f"{e.emoji} {e.name}".strip(), rich(body), tuple(items)))
        sections.append(
            Section(
                body=rich(f"**{headings.watch_for}:**"),
                items=tuple(rich(x) for x in e.limitations),
            )
        )
    sections.append(Section(headings.verdict, rich(content.exercises.verdict)))
    return Reply(
        ReplyKind.COMPARISON,
        title=content.exercises.title,
        sections=tuple(sections),
        options=start_options(content, buttons),
    )


def text_reply(
    text: str, content: Content, buttons: Buttons | None, kind: ReplyKind = ReplyKind.MESSAGE
) -> Reply:
    """One of the bot's own lines; with `buttons`, followed by the quiz / questions buttons."""
    options = start_options(content, buttons) if buttons is not None else ()
    return Reply(kind, sections=sections_from(text), options=options)


def notice(text: str) -> Reply:
    """A short remark about a press: an alert on the presser's screen where the platform can."""
    return Reply(ReplyKind.NOTICE, sections=(Section(body=rich(text)),), delivery=Delivery.ALERT)
