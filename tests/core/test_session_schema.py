"""Stored sessions across releases: current ones load as they are, older ones are migrated
(even when the current model would refuse their shape), newer ones are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import session as session_module
from bot.session import Session


def test_a_current_session_loads_back_equal() -> None:
    saved = Session(salt="ab", round=3, seen_events=["e1"], outbox='[{"x": 1}]')
    assert Session.from_json(saved.to_json()) == saved


def test_an_older_session_is_migrated_even_when_its_shape_no_longer_validates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def words_to_numbers(document: dict[str, Any]) -> dict[str, Any]:
        return {**document, "round": {"three": 3}[document["round"]]}

    monkeypatch.setattr(session_module, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(session_module.MIGRATIONS, 1, words_to_numbers)
    loaded = Session.from_json(json.dumps({"schema_version": 1, "round": "three"}))
    assert loaded.round == 3 and loaded.schema_version == 2


def test_a_session_from_a_newer_release_is_refused() -> None:
    newer = json.dumps({"schema_version": session_module.SCHEMA_VERSION + 1})
    with pytest.raises(ValueError, match="newer"):
        Session.from_json(newer)


def test_what_is_not_a_session_is_refused() -> None:
    with pytest.raises(ValueError):
        Session.from_json("[1, 2]")
