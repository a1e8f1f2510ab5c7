"""The project's copies of the shared contracts (tests/data/), so a clone on its own passes.

`../shared/eval` is the source the copies come from; `test_contract_copies` compares them with it
only when it is there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
FAQ_TOPICS_FILE = DATA / "faq_topics.json"
QUIZ_CONTRACT_FILE = DATA / "quiz_contract.json"
FAQ_DEV_FILE = DATA / "faq_dev.jsonl"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


FAQ_TOPICS: list[dict[str, str]] = load_json(FAQ_TOPICS_FILE)["topics"]
QUIZ_CONTRACT: dict[str, Any] = load_json(QUIZ_CONTRACT_FILE)
