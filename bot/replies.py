"""Builds the core's Replies from content: questions, recommendations, answers, menus."""

from __future__ import annotations

import logging

from bot import plan
from bot.content import BOTH, Choice, Content, Question
from bot.messages import Layout, Option, Reply, ReplyKind
from bot.option_data import OptionData
from bot.quiz import Recommendation, choices

logger = logging.getLogger(__name__)

MENU_PAGE_SIZE = 7
SHORT_LABEL = 18  # labels up to this long sit side by side as buttons

# Option actions: a = quiz answer, n = quiz navigation, t = FAQ topic, p = menu page, g = go to.
ANSWER, NAVIGATE, TOPIC, PAGE, GO = "a", "n", "t", "p", "g"


def option(label: str, nonce: str, action: str, value: str, **flags: bool) -> Option:
    return Option(label=label, data=OptionData(nonce, action, value).encode(), **flags)


def bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def start_options(content: Content, nonce: str) -> tuple[Option, ...]:
    texts = content.texts
    return (option(texts.quiz_label, nonce, GO, "quiz"), option(texts.faq_label, nonce, GO, "faq"))


def question_reply(
    content: Content,
    question: Question,
    nonce: str,
    answers: dict[str, list[str]],
    *,
    number: int,
    first: bool,
    edit: bool,
) -> Reply:
    """One quiz step; multi-answer steps show a ✓ on what is picked so far."""
    picked = set(answers.get(question.id, []))
    offered = offered_choices(content, question, answers)
    options = [
        option(
            ("✓ " if c.id in picked else "") + c.label,
            nonce,
            ANSWER,
            f"{question.id}:{c.id}",
            toggle=question.multi,
            picked=c.id in picked,
        )
        for c in offered
    ]
    if question.multi:
        if question.none_label and not picked:
            options.append(option(question.none_label, nonce, ANSWER, f"{question.id}:-"))
        else:
            options.append(option(question.done_label, nonce, ANSWER, f"{question.id}:+"))
    if not first:
        options.append(option(content.texts.back_label, nonce, NAVIGATE, "back"))
    options.append(option(content.texts.cancel_label, nonce, NAVIGATE, "cancel"))
    total = len(content.quiz.questions)
    text = f"**Question {number} of {total}**\n{question.prompt}"
    if first:
        text = f"{content.quiz.intro}\n\n{text}"
    long_labels = any(len(c.label) > SHORT_LABEL for c in offered) or len(offered) > 4
    layout = Layout.TOGGLES if question.multi else Layout.LIST if long_labels else Layout.BUTTONS
    return Reply(text, tuple(options), layout, ReplyKind.QUESTION, edit=edit)


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


def recommendation_reply(content: Content, rec: Recommendation, nonce: str, edit: bool) -> Reply:
    """The advice: what to prioritise, why, cautions, and the week bot/plan.py built for them."""
    headline = plan.headline(content, rec)
    why = bullets([f"**{content.goal(g).label}**: {content.goal(g).why}" for g in rec.goals])
    trains = _what_it_trains(content, rec.prioritize)
    cautions = [c.text for c in content.recommendation.cautions if c.id in rec.cautions]
    fields: list[tuple[str, str]] = [("Why", why), ("What it trains", trains)]
    if cautions:
        fields.append(("Watch out", bullets(cautions)))
    fields.append(("Your week", bullets(plan.week_lines(content, plan.build_plan(content, rec)))))
    note = content.recommendation.equipment_notes.get(rec.equipment, "")
    if note:
        fields.append(("Your equipment", note))
    if cautions or rec.concerns:
        fields.append(("Safety", content.recommendation.safety))
    body = "\n\n".join(f"**{heading}**\n{text}" for heading, text in fields)
    text = f"{headline}\n{plan.summary(content, rec)}\n\n{body}"
    if content.recommendation.closing:
        text += f"\n\n{content.recommendation.closing}"
    options = (
        option(content.texts.restart_label, nonce, GO, "quiz"),
        option(content.texts.faq_label, nonce, GO, "faq"),
    )
    return Reply(
        text,
        options,
        Layout.BUTTONS,
        ReplyKind.RECOMMENDATION,
        edit=edit,
        title=headline.replace("**", ""),
        fields=tuple(fields),
    )


def _what_it_trains(content: Content, prioritize: str) -> str:
    chosen = content.exercises.exercises if prioritize == BOTH else [content.exercise(prioritize)]
    return bullets(
        [
            f"**{e.name}**: " + "; ".join(f"{m.name} ({m.role})" for m in e.muscles[:3])
            for e in chosen
        ]
    )


def topic_reply(content: Content, topic_id: str, nonce: str, also: tuple[str, ...] = ()) -> Reply:
    """An FAQ answer with buttons for related topics (and close runner-ups)."""
    topic = content.topic(topic_id)
    related = list(dict.fromkeys([*also, *topic.related]))[:3]
    options = tuple(option(content.topic(r).question, nonce, TOPIC, r) for r in related)
    options += (option(content.texts.faq_label, nonce, GO, "faq"),)
    text = f"**{topic.question}**\n{topic.answer}"
    return Reply(
        text, options, Layout.LIST, ReplyKind.FAQ_ANSWER, title=topic.question, topic_id=topic.id
    )


def menu_reply(content: Content, page: int, nonce: str, edit: bool) -> Reply:
    """One page of the FAQ menu, with paging buttons when topics do not fit one page."""
    topics = content.faq.topics
    pages = max(1, -(-len(topics) // MENU_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * MENU_PAGE_SIZE
    shown = topics[start : start + MENU_PAGE_SIZE]
    options = [option(t.question, nonce, TOPIC, t.id) for t in shown]
    if page > 0:
        options.append(option(content.texts.previous_label, nonce, PAGE, str(page - 1)))
    if page < pages - 1:
        options.append(option(content.texts.next_label, nonce, PAGE, str(page + 1)))
    text = content.texts.menu_title.format(
        first=start + 1, last=start + len(shown), total=len(topics)
    )
    return Reply(text, tuple(options), Layout.LIST, ReplyKind.MENU, edit=edit)


def suggestions_reply(content: Content, topic_ids: tuple[str, ...], nonce: str) -> Reply:
    options = tuple(option(content.topic(t).question, nonce, TOPIC, t) for t in topic_ids)
    return Reply(content.texts.did_you_mean, options, Layout.LIST, ReplyKind.MENU)


def comparison_reply(content: Content, nonce: str) -> Reply:
    """The two exercises side by side: one field per exercise, then the verdict."""
    fields = []
    for e in content.exercises.exercises:
        muscles = "; ".join(f"{m.name}: {m.role}" for m in e.muscles)
        body = (
            f"{e.summary}\n**How:** {e.mechanics}\n**Muscles:** {muscles}\n"
            f"**Best for:**\n{bullets(e.strengths)}\n**Watch for:**\n{bullets(e.limitations)}"
        )
        fields.append((f"{e.emoji} {e.name}".strip(), body))
    fields.append(("Verdict", content.exercises.verdict))
    text = "\n\n".join(f"**{h}**\n{b}" for h, b in fields)
    return Reply(
        f"**{content.exercises.title}**\n\n{text}",
        start_options(content, nonce),
        Layout.BUTTONS,
        ReplyKind.COMPARISON,
        title=content.exercises.title,
        fields=tuple(fields),
    )


def text_reply(
    text: str,
    content: Content,
    nonce: str,
    kind: ReplyKind = ReplyKind.MESSAGE,
    with_start: bool = True,
) -> Reply:
    options = start_options(content, nonce) if with_start else ()
    return Reply(text, options, Layout.BUTTONS, kind)


def notice(text: str) -> Reply:
    return Reply(text, kind=ReplyKind.NOTICE)
