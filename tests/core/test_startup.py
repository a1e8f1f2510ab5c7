"""`python -m bot ask` imports only what answering needs: the start-up budget, held by imports.

Each module named here costs milliseconds that `ask` once paid (benchmarks/bench_core.py
measures the time itself).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
# What bot/__main__.py does, then the modules loaded by the time the answer is printed.
ASK = (
    "import json, os, sys\n"
    "os.environ.setdefault('PYDANTIC_DISABLE_PLUGINS', '__all__')\n"
    "from bot.cli import main\n"
    "main(['ask', 'are step ups bad for my knees'])\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)
NOT_FOR_ASK = {
    "bot.service": "the service and the stores",
    "bot.store": "no session to load or save",
    "bot.engine": "only the FAQ index answers",
    "bot.session": "no conversation to keep",
    "rapidfuzz": "no typo to correct in the question asked",
}


def modules_after_ask(tmp_path: Path, **env: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", ASK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"},
            "STORE_URL": "memory://",
            "CONTENT_SNAPSHOT_DIR": str(tmp_path / "snapshots"),
            **env,
        },
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_ask_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    first = modules_after_ask(tmp_path)
    assert {name: why for name, why in NOT_FOR_ASK.items() if name in first} == {}
    assert "yaml" in first  # no snapshot yet: the content was parsed and checked
    again = modules_after_ask(tmp_path)
    assert {"yaml", "bot.messages"} & again == set()  # served from the snapshot
