"""pack_each packs a quiz step's answers together: the same data as pack() one by one, and the
same refusals."""

from __future__ import annotations

import pytest

from bot.buttons import Action, BadButtonData, pack, pack_each

ANSWERS = ("glute_hypertrophy", "strength", "knee_friendly")


def test_same_data_as_packing_each_answer() -> None:
    assert pack_each("42", "ab1", Action.ANSWER, "more", ANSWERS) == [
        pack("42", "ab1", Action.ANSWER, "more", answer) for answer in ANSWERS
    ]
    assert pack_each("42", "ab1", Action.ANSWER, "more", ()) == []


@pytest.mark.parametrize(
    ("owner", "nonce", "values"),
    [
        ("not an id", "ab1", ANSWERS),  # a forged owner
        ("42", "xyz", ANSWERS),  # a nonce that is not hex
        ("42", "ab1", ("strength", "Not-An-Id")),  # a content id the codec refuses
        ("4" * 20, "f" * 12, ("strength", "x" * 32)),  # too long for Telegram's 64 bytes
        ("4" * 20, "f" * 12, ("x" * 32, "Not-An-Id")),  # too long comes first, as in pack()
    ],
)
def test_refused_as_packing_each_answer_is(owner: str, nonce: str, values: tuple[str, ...]) -> None:
    with pytest.raises(BadButtonData) as one_by_one:
        [pack(owner, nonce, Action.ANSWER, "more", value) for value in values]
    with pytest.raises(BadButtonData) as together:
        pack_each(owner, nonce, Action.ANSWER, "more", values)
    assert str(together.value) == str(one_by_one.value)
