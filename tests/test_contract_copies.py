"""The contract copies in tests/data match ../shared/eval, when a shared folder is beside us."""

from __future__ import annotations

import pytest

from tests.contracts import DATA, SHARED_EVAL


@pytest.mark.parametrize("name", ["faq_topics.json", "quiz_contract.json", "faq_dev.jsonl"])
def test_contract_copy_matches_the_shared_original(name: str) -> None:
    original = SHARED_EVAL / name
    if not original.is_file():
        pytest.skip("no ../shared beside this clone; the copy in tests/data is the contract")
    assert (DATA / name).read_bytes() == original.read_bytes(), f"refresh tests/data/{name}"
