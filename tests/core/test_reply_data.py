"""Option and Reply write their own __init__ (it is faster than a frozen dataclass's): they must
still take every field, keep its default, stay immutable and come back whole from the outbox."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from bot.messages import Delivery, Layout, Option, Reply, ReplyKind, Section, rich
from bot.service import OUTBOX

OPTION = Option("Glutes", "2a.42.ab1.main.glutes", toggle=True, picked=True, link="quiz")
REPLY = Reply(
    ReplyKind.QUESTION,
    title="Title",
    sections=(Section("Question 1 of 6", rich("What **matters** most?")),),
    options=(OPTION, Option("Cancel", "2c.42.ab1.main.")),
    layout=Layout.TOGGLES,
    delivery=Delivery.EDIT,
    topic_id="knees",
    select_hint="Pick all that apply",
    select_data="2s.42.ab1.main.",
    private=True,
)


@pytest.mark.parametrize("kind", [Option, Reply])
def test_init_takes_every_field_with_its_default(kind: type[Option] | type[Reply]) -> None:
    parameters = list(inspect.signature(kind).parameters.values())
    fields = dataclasses.fields(kind)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default for f in fields
    ]


@pytest.mark.parametrize("value", [OPTION, REPLY])
def test_every_field_is_set_and_none_can_change(value: Option | Reply) -> None:
    for field in dataclasses.fields(value):
        assert field.name in vars(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field.name, None)


def test_replies_come_back_from_the_outbox_equal() -> None:
    assert OUTBOX.validate_json(OUTBOX.dump_json([REPLY, Reply(ReplyKind.NOTICE)])) == [
        REPLY,
        Reply(ReplyKind.NOTICE),
    ]
    assert dataclasses.replace(REPLY, private=False) == Reply(
        **{**{f.name: getattr(REPLY, f.name) for f in dataclasses.fields(Reply)}, "private": False}
    )
