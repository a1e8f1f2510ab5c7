"""Stories of follow-up questions after a quiz: the stored answers are used, one thing changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import plan, quiz
from bot.buttons import ButtonData
from bot.content import ContentError, load_content
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
from bot.replies import Buttons, recommendation_reply
from bot.service import CoachService
from bot.session import Profile, Session
from bot.store.base import SessionKey
from tests.core.helpers import as_read, press, said

OWNER = "7"
ANN = SessionKey("telegram", "111", "111")
DEV_SET = Path(__file__).resolve().parents[1] / "data" / "faq_dev.jsonl"

# The quiz as Ann answers it: glutes only, a year or two of lifting, no discomfort, a full gym.
ANNS_PRESSES = ("glutes", "Nothing else", "A year or two", "No discomfort", "full gym")


def run(engine: Engine, session: Session, event: object) -> tuple[Session, list[Reply]]:
    admitted = ChoiceEvent(ButtonData.unpack(event.raw)) if isinstance(event, PressEvent) else event
    assert isinstance(admitted, CommandEvent | ChoiceEvent | TextEvent)
    return engine.handle(session, admitted, OWNER)


def finished_quiz(engine: Engine, presses: tuple[str, ...] = ANNS_PRESSES) -> Session:
    session, replies = run(engine, Session(salt="ab"), CommandEvent(Command.QUIZ))
    for label in presses:
        session, replies = run(engine, session, press(replies[-1], label))
    assert replies[-1].kind is ReplyKind.RECOMMENDATION
    return session


def expected_recommendation(
    engine: Engine, session: Session, **changed: object
) -> tuple[Reply, quiz.Recommendation]:
    """What the quiz would have said had the person answered `changed` differently."""
    assert session.profile is not None
    answers = {**session.profile.model_dump(), **changed}
    rec = quiz.recommend(
        engine.content,
        answers["goals"],
        answers["concerns"],
        answers["experience"],
        answers["equipment"],
    )
    buttons = Buttons(OWNER, session.nonce)
    return recommendation_reply(engine.content, rec, buttons, Delivery.SEND), rec


def name_of(engine: Engine, role: str, answer: str) -> str:
    return next(
        a.name for a in engine.content.followups.answers if (a.role, a.id) == (role, answer)
    )


def test_finished_quiz_keeps_the_answers_as_a_profile(engine: Engine) -> None:
    session = finished_quiz(engine)
    assert session.profile == Profile(
        goals=["glute_hypertrophy"], experience="intermediate", equipment="full_gym", concerns=[]
    )


def test_and_for_beginners_replans_the_week_for_a_beginner(engine: Engine) -> None:
    session = finished_quiz(engine)
    _, replies = run(engine, session, TextEvent("and for beginners?"))
    expected, _ = expected_recommendation(engine, session, experience="beginner")
    intro, answer = replies
    assert name_of(engine, "experience", "beginner") in said(intro)
    assert name_of(engine, "experience", "intermediate") in said(intro)
    assert answer == expected
    before, _ = expected_recommendation(engine, session)
    assert said(answer) != said(before), "a beginner's week differs from an intermediate's"
    assert intro.private and answer.private


def test_only_dumbbells_replans_with_the_equipment_changed(engine: Engine) -> None:
    session = finished_quiz(engine)
    _, replies = run(engine, session, TextEvent("what if I only have dumbbells?"))
    expected, rec = expected_recommendation(engine, session, equipment="dumbbells")
    assert replies[-1] == expected
    assert name_of(engine, "equipment", "dumbbells") in said(replies[0])
    loads = {e.load for day in plan.build_plan(engine.content, rec) for e in day.exercises}
    assert "heavy" not in loads


def test_what_about_my_knees_adds_the_knee_concern_and_its_cues(engine: Engine) -> None:
    session = finished_quiz(engine)
    _, replies = run(engine, session, TextEvent("what about my knees?"))
    expected, rec = expected_recommendation(engine, session, concerns=["knee"])
    assert replies[-1] == expected
    assert as_read(engine.content.recommendation.safety) in said(replies[-1])
    cued = [e for day in plan.build_plan(engine.content, rec) for e in day.exercises if e.cues]
    assert cued, "a knee concern puts knee cues on the plan"
    assert said(replies[0]) == as_read(
        engine.content.followups.added.format(new=name_of(engine, "concerns", "knee"))
    )


@pytest.mark.parametrize(
    ("typed", "change"),
    [
        ("and if I'm advanced", {"experience": "advanced"}),
        ("and for beginers??", {"experience": "beginner"}),
        ("what abut my kness", {"concerns": ["knee"]}),
        ("how about the lower back", {"concerns": ["lower_back"]}),
        ("what if i train at home", {"equipment": "bodyweight"}),
    ],
)
def test_follow_ups_are_understood_with_typos_and_other_wordings(
    engine: Engine, typed: str, change: dict[str, object]
) -> None:
    session = finished_quiz(engine)
    _, replies = run(engine, session, TextEvent(typed))
    assert replies[-1] == expected_recommendation(engine, session, **change)[0]


def test_asking_about_the_answer_already_given_says_so_and_keeps_the_week(engine: Engine) -> None:
    session = finished_quiz(engine)
    _, replies = run(engine, session, TextEvent("and with a full gym?"))
    new = name_of(engine, "equipment", "full_gym")
    spec = engine.content.followups
    assert said(replies[0]) == as_read(spec.already.format(new=new) + " " + spec.same_week)
    assert replies[-1] == expected_recommendation(engine, session)[0]


def test_the_stored_answers_stay_as_given_after_a_follow_up(engine: Engine) -> None:
    session = finished_quiz(engine)
    after, _ = run(engine, session, TextEvent("and for beginners?"))
    assert after.profile == session.profile
    _, replies = run(engine, after, TextEvent("what about my knees?"))
    assert replies[-1] == expected_recommendation(engine, session, concerns=["knee"])[0]


def test_without_a_quiz_what_about_my_knees_is_an_faq_question(engine: Engine) -> None:
    _, replies = run(engine, Session(salt="ab"), TextEvent("what about my knees?"))
    topic = engine.matcher.match("what about my knees?").topic_id
    assert topic is not None
    assert [r.kind for r in replies] == [ReplyKind.FAQ_ANSWER]
    assert replies[0].topic_id == topic


def test_a_longer_question_after_a_quiz_still_goes_to_the_faq(engine: Engine) -> None:
    session = finished_quiz(engine)
    text = "what about my knees hurting when i do step ups?"
    _, with_quiz = run(engine, session, TextEvent(text))
    _, without = run(engine, session.model_copy(update={"profile": None}), TextEvent(text))
    assert with_quiz == without
    assert all(r.kind is not ReplyKind.RECOMMENDATION for r in with_quiz)


def test_real_faq_questions_get_the_same_answers_after_a_quiz(engine: Engine) -> None:
    """No line of the dev set is taken for a follow-up: with or without a quiz, same replies."""
    finished = finished_quiz(engine)
    fresh = finished.model_copy(update={"profile": None})
    questions = [json.loads(line)["q"] for line in DEV_SET.read_text().splitlines() if line]
    assert len(questions) > 50
    for question in questions:
        _, after_quiz = run(engine, finished, TextEvent(question))
        _, no_quiz = run(engine, fresh, TextEvent(question))
        assert after_quiz == no_quiz, question


def test_engine_leaves_the_callers_session_untouched(engine: Engine) -> None:
    session = finished_quiz(engine)
    snapshot = session.model_copy(deep=True)
    run(engine, session, CommandEvent(Command.QUIZ))
    run(engine, session, TextEvent("and for beginners?"))
    assert session == snapshot


def test_sessions_stored_before_profiles_existed_still_load() -> None:
    old = Session(salt="ab", round=3).model_dump()
    del old["profile"]
    loaded = Session.from_json(json.dumps(old))
    assert loaded.profile is None and loaded.round == 3


async def test_profile_is_stored_and_forget_deletes_it(service: CoachService) -> None:
    replies = await service.handle(ANN, CommandEvent(Command.QUIZ))
    for label in ANNS_PRESSES:
        replies = await service.handle(ANN, press(replies[-1], label))
    stored = await service.store.load(ANN)
    assert stored is not None and stored.profile is not None
    replies = await service.handle(ANN, TextEvent("and for beginners?"))
    assert replies[-1].kind is ReplyKind.RECOMMENDATION
    await service.handle(ANN, CommandEvent(Command.FORGET))
    assert await service.store.load(ANN) is None
    replies = await service.handle(ANN, TextEvent("and for beginners?"))
    assert all(r.kind is not ReplyKind.RECOMMENDATION for r in replies)


def test_content_check_refuses_a_follow_up_naming_no_quiz_answer(
    tmp_path: Path, engine: Engine
) -> None:
    copy = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", copy)
    path = copy / "followups.yaml"
    path.write_text(path.read_text().replace("id: dumbbells,", "id: kettlebell_only,"))
    with pytest.raises(ContentError, match="kettlebell_only"):
        load_content(copy)
