"""Conversation cases: small talk, two questions at once, gym off-topic, referrals, typos."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.engine import Engine
from bot.messages import Command, CommandEvent, ReplyKind, TextEvent
from bot.session import Session
from tests.core.helpers import as_read, said, squash


def say(engine: Engine, text: str) -> list[str]:
    _, replies = engine.handle(Session(), TextEvent(text), "7")
    return [said(r) for r in replies]


@pytest.mark.parametrize(
    "typed",
    ["thx", "thx bro", "thanks!", "lol", "haha", "👍", "ok", "okay cool", "hi coach", "hello"],
)
def test_small_talk_gets_a_friendly_line_not_a_decline(engine: Engine, typed: str) -> None:
    texts = engine.content.texts
    friendly = {
        as_read(t) for t in (texts.thanks_reply, texts.acknowledgement_reply, texts.greeting_reply)
    }
    answers = say(engine, typed)
    assert len(answers) == 1 and answers[0] in friendly, (typed, answers)


def test_small_talk_with_a_question_is_answered_as_a_question(engine: Engine) -> None:
    answers = say(engine, "ok thanks, how high should the step be?")
    expected = as_read(engine.content.topic("step_height").answer)
    assert len(answers) == 1 and squash(expected) in squash(answers[0])


def test_two_questions_in_one_message_get_two_answers_in_order(engine: Engine) -> None:
    found = engine.matcher.match("How many sets should I do? And how long should I rest?")
    assert (found.topic_id, found.also) == ("sets_and_reps", ("rest_between_sets",))
    _, replies = engine.handle(
        Session(), TextEvent("how often should i train and how do i warm up"), "7"
    )
    assert len(replies) == 2 and all(r.kind is not ReplyKind.ERROR for r in replies)


def test_one_question_has_nothing_else_to_answer(engine: Engine) -> None:
    assert engine.matcher.match("are step ups bad for my knees?").also == ()


def test_ask_json_lists_the_second_question() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "how do i warm up? and how often?"],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(run.stdout)
    assert answer["faq_id"] == "warm_up" and answer["also"] == ["training_frequency"]


@pytest.mark.parametrize(
    "typed",
    [
        "best protein powder?",
        "how much whey after training",
        "how do i grow my biceps",
        "best chest exercise",
        "calf raises every day?",
        "is cardio bad for gains",
        "lunges or split squats",
        "how much should i eat to build muscle",
    ],
)
def test_gym_questions_on_other_subjects_are_declined(engine: Engine, typed: str) -> None:
    assert engine.matcher.match(typed).topic_id is None


def test_an_on_topic_anchor_outweighs_an_off_topic_word(engine: Engine) -> None:
    assert engine.matcher.match("are split squats better than step ups").topic_id == (
        "similar_exercises"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "I had knee surgery last year, can I do step ups",
        "im pregnant, are hip thrusts ok",
        "I have a herniated disc",
        "my physio says I have patellar tendinopathy, are step ups bad for my knees?",
        "sharp pain in my knee on step ups",
    ],
)
def test_medical_questions_are_referred_to_a_professional(engine: Engine, typed: str) -> None:
    assert engine.matcher.match(typed).topic_id == "see_a_professional"


def test_ordinary_knee_pain_still_gets_the_knee_advice(engine: Engine) -> None:
    assert engine.matcher.match("step ups make my knees sore").topic_id == "knee_concerns"


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("wich is beter for my but", {"which_is_better", "glute_growth"}),
        ("how hihg shoud the step be", {"step_height"}),
        ("wich one bilds quads", {"quad_development"}),
    ],
)
def test_short_typos_are_corrected(engine: Engine, typed: str, accepted: set[str]) -> None:
    assert engine.matcher.match(typed).topic_id in accepted


def test_a_near_miss_of_an_unrelated_word_is_not_guessed_into_a_referral(engine: Engine) -> None:
    assert engine.matcher.match("best pizza in town").topic_id is None


def test_every_day_means_how_often_not_daily_life(engine: Engine) -> None:
    assert engine.matcher.match("can i hip thrust every day").topic_id == "training_frequency"
    assert engine.matcher.match("step ups for everyday life").topic_id == "everyday_function"


def test_glute_bridge_is_its_own_topic(engine: Engine) -> None:
    assert engine.matcher.match("glute bridge or hip thrust?").topic_id == (
        "glute_bridge_difference"
    )


def test_a_declined_question_offers_the_two_nearest_topics(engine: Engine) -> None:
    found = engine.matcher.match("glutes")
    vague = engine.matcher.match("something about my step")
    for match in (found, vague):
        assert match.topic_id is not None or 1 <= len(match.suggestions) <= 2


def test_two_questions_asked_in_the_middle_of_a_quiz_are_both_answered(engine: Engine) -> None:
    session, _ = engine.handle(Session(), CommandEvent(Command.QUIZ), "7")
    _, replies = engine.handle(
        session, TextEvent("how many sets should I do? and how long should I rest?"), "7"
    )
    topics = [r.topic_id for r in replies if r.kind is ReplyKind.FAQ_ANSWER]
    assert topics == ["sets_and_reps", "rest_between_sets"]
    assert replies[-1].kind is ReplyKind.QUESTION  # and the quiz goes on


def test_thanks_in_the_middle_of_a_quiz_gets_a_friendly_line_and_the_question_again(
    engine: Engine,
) -> None:
    session, _ = engine.handle(Session(), CommandEvent(Command.QUIZ), "7")
    after, replies = engine.handle(session, TextEvent("thx"), "7")
    assert said(replies[0]) == as_read(engine.content.texts.thanks_reply)
    assert replies[-1].kind is ReplyKind.QUESTION and after.quiz == session.quiz
