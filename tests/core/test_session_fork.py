"""forked(session): the engine's copy of the session it was given. The copy must equal the
original, remember the same set fields, and share nothing that a turn could change."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, PrivateAttr

from bot.session import Profile, QuizState, Session, forked


def mid_quiz() -> Session:
    return Session(
        salt="ab",
        round=3,
        flow="quiz",
        quiz=QuizState(step="more", answers={"main": ["glutes"]}, history=["main"]),
        seen_events=["e1", "e2"],
        profile=Profile(goals=["glutes"], experience="beginner", concerns=["knee"]),
    )


def test_the_copy_equals_the_original_with_the_same_fields_set() -> None:
    session = mid_quiz()
    copy = forked(session)
    assert copy == session
    assert copy.model_dump() == session.model_dump()
    assert copy.model_fields_set == session.model_fields_set
    assert copy.to_json() == session.to_json()
    assert forked(Session()).model_fields_set == set()


def test_changing_the_copy_leaves_the_original_as_it_was() -> None:
    session = mid_quiz()
    before = session.model_dump()
    copy = forked(session)
    assert copy.quiz is not None and copy.profile is not None
    copy.quiz.answers["main"].append("strength")
    copy.quiz.answers["more"] = ["speed"]
    copy.quiz.history.append("more")
    copy.quiz.step = "equipment"
    copy.seen_events.append("e3")
    copy.profile.concerns.append("lower_back")
    copy.flow = "idle"
    copy.round += 1
    assert session.model_dump() == before
    assert session.model_fields_set == mid_quiz().model_fields_set


class WithExtras(BaseModel):
    """Extra keys and private attributes, which the session models have none of (yet)."""

    model_config = ConfigDict(extra="allow")
    tags: list[str] = []
    _seen: dict[str, list[str]] = PrivateAttr(default_factory=dict)


def test_extra_keys_and_private_attributes_are_copied_too() -> None:
    model = WithExtras.model_validate({"tags": ["a"], "notes": ["n"]})
    model._seen["x"] = ["1"]
    copy = forked(model)
    assert copy == model and copy.model_extra == {"notes": ["n"]} and copy._seen == {"x": ["1"]}
    assert copy.model_extra is not None and model.model_extra is not None
    copy.model_extra["notes"].append("m")
    copy._seen["x"].append("2")
    assert model.model_extra == {"notes": ["n"]} and model._seen == {"x": ["1"]}
