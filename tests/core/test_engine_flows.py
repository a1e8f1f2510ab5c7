"""Stories of a user talking to the engine: quiz, back, cancel, stale buttons, free text."""

from __future__ import annotations

from bot.buttons import Action, ButtonData
from bot.engine import Engine
from bot.messages import (
    ChoiceEvent,
    Command,
    CommandEvent,
    Delivery,
    PressEvent,
    Reply,
    ReplyKind,
    TextEvent,
)
from bot.session import Session
from tests.core.helpers import as_read, find_option, press, said

OWNER = "7"


def run(
    engine: Engine, session: Session, event: CommandEvent | PressEvent | TextEvent
) -> tuple[Session, list[Reply]]:
    """One turn; a press reaches the engine decoded, as the service admits it."""
    admitted = ChoiceEvent(ButtonData.unpack(event.raw)) if isinstance(event, PressEvent) else event
    new, replies = engine.handle(session, admitted, OWNER)
    assert replies, "the engine must always say something"
    return new, replies


def start_quiz(engine: Engine) -> tuple[Session, Reply]:
    session, replies = run(engine, Session(salt="ab"), CommandEvent(Command.QUIZ))
    return session, replies[-1]


def test_full_quiz_by_pressing_buttons_ends_with_a_recommendation(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    assert reply.kind is ReplyKind.QUESTION and "1 of 5" in said(reply)
    for label in ("glutes", "explosive", "Done", "New to lifting", "Knees", "Done", "full gym"):
        session, replies = run(engine, session, press(reply, label))
        reply = replies[-1]
    assert reply.kind is ReplyKind.RECOMMENDATION
    assert "hip thrusts" in said(reply).lower()
    assert session.flow == "idle" and session.quiz is None


def test_quiz_steps_edit_the_message_in_place(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    _, replies = run(engine, session, press(reply, "glutes"))
    assert replies[-1].delivery is Delivery.EDIT and replies[-1].kind is ReplyKind.QUESTION


def test_multi_answer_question_toggles_a_check_mark(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    session, replies = run(engine, session, press(reply, "glutes"))
    session, replies = run(engine, session, press(replies[-1], "Balance"))
    assert find_option(replies[-1], "Balance").picked
    session, replies = run(engine, session, press(replies[-1], "Balance"))
    assert not find_option(replies[-1], "Balance").picked


def test_follow_up_goals_leave_out_the_main_goal(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    main_label = find_option(reply, "glutes").label
    _, replies = run(engine, session, press(reply, "glutes"))
    assert main_label not in [o.label for o in replies[-1].options]


def test_back_returns_to_the_previous_question_dropping_the_one_left(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    session, replies = run(engine, session, press(reply, "glutes"))
    session, replies = run(engine, session, press(replies[-1], "Balance"))
    session, replies = run(engine, session, press(replies[-1], "Back"))
    assert "1 of 5" in said(replies[-1])
    assert session.quiz is not None and session.quiz.answers == {"main": ["glute_hypertrophy"]}


def test_back_command_outside_a_quiz_says_there_is_nothing(engine: Engine) -> None:
    _, replies = run(engine, Session(), CommandEvent(Command.BACK))
    assert said(replies[0]) == as_read(engine.content.texts.nothing_to_go_back_to)


def test_cancel_ends_the_quiz_and_its_buttons_go_stale(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    session, replies = run(engine, session, CommandEvent(Command.CANCEL))
    assert said(replies[0]) == as_read(engine.content.texts.cancelled) and session.flow == "idle"
    _, replies = run(engine, session, press(reply, "glutes"))
    assert replies[0].kind is ReplyKind.NOTICE
    assert said(replies[0]) == as_read(engine.content.texts.stale_option)


def test_button_from_an_earlier_quiz_is_stale_in_a_new_one(engine: Engine) -> None:
    session, old = start_quiz(engine)
    session, replies = run(engine, session, CommandEvent(Command.QUIZ))
    unchanged, replies = run(engine, session, press(old, "glutes"))
    assert said(replies[0]) == as_read(engine.content.texts.stale_option)
    assert unchanged.quiz == session.quiz


def test_button_pressed_twice_does_not_skip_a_question(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    session, _ = run(engine, session, press(reply, "glutes"))
    again, replies = run(engine, session, press(reply, "glutes"))
    assert replies[0].kind is ReplyKind.NOTICE
    assert again.quiz == session.quiz


def test_well_formed_data_naming_an_unknown_answer_gets_a_friendly_notice(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    nonce = ButtonData.unpack(reply.options[0].data).nonce
    for forged in (f"2a.{OWNER}.{nonce}.main.bigger_biceps", f"2a.{OWNER}.{nonce}.nope.x"):
        again, replies = run(engine, session, PressEvent(forged))
        assert replies[0].kind is ReplyKind.NOTICE, forged
        assert again.quiz == session.quiz


def test_typed_answer_counts_as_pressing_its_button(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    for label in ("glutes", "Nothing else"):
        session, replies = run(engine, session, press(reply, label))
        reply = replies[-1]
    session, replies = run(engine, session, TextEvent("Several years"))
    assert session.quiz is not None and session.quiz.answers["exp"] == ["advanced"]


def test_faq_question_mid_quiz_is_answered_and_the_quiz_goes_on(engine: Engine) -> None:
    session, _ = start_quiz(engine)
    after, replies = run(engine, session, TextEvent("are step ups bad for my knees?"))
    assert replies[0].kind is ReplyKind.FAQ_ANSWER and replies[0].topic_id == "knee_concerns"
    assert replies[-1].kind is ReplyKind.QUESTION
    assert after.quiz == session.quiz


def test_nonsense_mid_quiz_re_asks_kindly(engine: Engine) -> None:
    session, _ = start_quiz(engine)
    _, replies = run(engine, session, TextEvent("asdfgh"))
    assert said(replies[0]) == as_read(engine.content.texts.quiz_free_text)
    assert replies[-1].kind is ReplyKind.QUESTION and "1 of 5" in said(replies[-1])


def test_discomfort_brings_the_safety_line(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    for label in ("Single-leg", "Nothing else", "New to lifting", "Knees", "Done", "bench"):
        session, replies = run(engine, session, press(reply, label))
        reply = replies[-1]
    assert engine.content.recommendation.safety in said(reply)
    assert "Knees:" in said(reply) and "Balance:" in said(reply)


def test_any_discomfort_brings_the_safety_line_even_without_a_caution(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    for label in ("glutes", "Nothing else", "Several years", "Knees", "Done", "full gym"):
        session, replies = run(engine, session, press(reply, label))
        reply = replies[-1]
    assert "Knees:" not in said(reply)  # hip thrusts only: the knee caution does not apply
    assert engine.content.recommendation.safety in said(reply)


def test_typed_labels_answer_multi_questions_too(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    session, _ = run(engine, session, press(reply, "glutes"))
    session, replies = run(engine, session, TextEvent("Nothing else"))
    assert session.quiz is not None and session.quiz.answers["more"] == []
    assert "3 of 5" in said(replies[-1])


def test_faq_menu_pages_through_every_topic(engine: Engine) -> None:
    session, replies = run(engine, Session(), CommandEvent(Command.FAQ))
    seen: list[str] = []
    reply = replies[0]
    while True:
        seen += [o.label for o in reply.options if ButtonData.unpack(o.data).action is Action.TOPIC]
        nxt = [o for o in reply.options if o.label == engine.content.texts.next_label]
        if not nxt:
            break
        session, replies = run(engine, session, PressEvent(nxt[0].data))
        reply = replies[0]
        assert reply.delivery is Delivery.EDIT
    assert sorted(seen) == sorted(t.question for t in engine.content.faq.topics)


def test_menu_topic_button_answers_it(engine: Engine) -> None:
    session, replies = run(engine, Session(), CommandEvent(Command.FAQ))
    _, replies = run(engine, session, PressEvent(replies[0].options[0].data))
    assert replies[0].kind is ReplyKind.FAQ_ANSWER
    assert replies[0].topic_id == engine.content.faq.topics[0].id


def test_start_deep_links_open_the_quiz_or_a_topic(engine: Engine) -> None:
    _, replies = run(engine, Session(), CommandEvent(Command.START, "quiz"))
    assert replies[0].kind is ReplyKind.QUESTION
    _, replies = run(engine, Session(), CommandEvent(Command.START, "step_height"))
    assert replies[0].topic_id == "step_height"
    _, replies = run(engine, Session(), CommandEvent(Command.START, "<script>"))
    assert said(replies[0]) == as_read(engine.content.texts.welcome)


def test_greetings_thanks_and_help_get_sensible_replies(engine: Engine) -> None:
    texts = engine.content.texts
    for typed, expected in (
        ("Hi!", texts.greeting_reply),
        ("thanks :)", texts.thanks_reply),
        ("help", texts.help),
    ):
        _, replies = run(engine, Session(), TextEvent(typed))
        assert said(replies[0]) == as_read(expected), typed


def test_out_of_scope_text_says_what_the_bot_can_do(engine: Engine) -> None:
    _, replies = run(engine, Session(), TextEvent("who won the football game last night"))
    assert said(replies[0]) == as_read(engine.content.texts.out_of_scope)


def test_odd_text_never_breaks_the_engine(engine: Engine) -> None:
    for text in (
        "",
        "   ",
        "x" * 10_000,
        "\x00\x1b[31m",
        "💪🍑" * 50,
        "<b>hi</b> & <script>",
        "ß" * 3000,
        "/quiz",
    ):
        _, replies = run(engine, Session(), TextEvent(text))
        assert said(replies[0])


def test_comparison_lists_both_exercises(engine: Engine) -> None:
    _, replies = run(engine, Session(), CommandEvent(Command.COMPARE))
    names = [e.name for e in engine.content.exercises.exercises]
    assert replies[0].kind is ReplyKind.COMPARISON
    headings = [section.heading for section in replies[0].sections]
    assert all(any(name in heading for heading in headings) for name in names)


def test_engine_never_modifies_the_session_it_was_given(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    before = session.model_dump()
    engine.handle(session, ChoiceEvent(ButtonData.unpack(press(reply, "glutes").raw)), OWNER)
    assert session.model_dump() == before


def test_quiz_saved_before_its_question_was_removed_from_content_ends_quietly(
    engine: Engine,
) -> None:
    session, reply = start_quiz(engine)
    assert session.quiz is not None
    session.quiz.step = "removed_question"
    after, replies = run(engine, session, TextEvent("are step ups bad for my knees"))
    assert after.flow == "idle" and replies[0].topic_id == "knee_concerns"
    _, replies = run(engine, after, press(reply, "glutes"))
    assert replies[0].kind is ReplyKind.NOTICE


def test_quiz_whose_goal_left_the_content_starts_over_instead_of_failing(engine: Engine) -> None:
    session, reply = start_quiz(engine)
    for label in ("glutes", "Nothing else", "Several years", "No discomfort"):
        session, replies = run(engine, session, press(reply, label))
        reply = replies[-1]
    assert session.quiz is not None
    session.quiz.answers["main"] = ["goal_that_was_removed"]
    after, replies = run(engine, session, press(reply, "full gym"))
    assert after.flow == "quiz" and "1 of 5" in said(replies[-1])
