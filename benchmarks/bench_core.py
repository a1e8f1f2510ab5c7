"""Core speed: engine per-turn time, matcher per-query time (p50/p99), start-up to first answer.

Run: .venv/bin/python benchmarks/bench_core.py   (prints figures; nothing is asserted)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import load_engine  # noqa: E402
from bot.buttons import ButtonData  # noqa: E402
from bot.messages import ChoiceEvent, Command, CommandEvent, TextEvent  # noqa: E402
from bot.session import Session  # noqa: E402
from bot.settings import load_settings  # noqa: E402

QUESTIONS = [
    "are step ups bad for my knees",
    "best exercise for a bigger booty",
    "how high should the box be",
    "what equipment do i need",
    "hip thurst form tips",
    "which one is better",
    "i play soccer",
    "will my deadlift go up",
    "what is a good protein powder",
    "how do i get a six pack",
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def bench_matcher(rounds: int = 300) -> None:
    engine = load_engine(load_settings(store_url="memory://"))
    engine.matcher.match("warm up")
    samples = []
    for _ in range(rounds):
        for q in QUESTIONS:
            t0 = time.perf_counter()
            engine.matcher.match(q)
            samples.append(time.perf_counter() - t0)
    p50, p99 = percentiles(samples)
    print(
        f"matcher per query:   p50 {p50 * 1e6:7.1f} us   p99 {p99 * 1e6:7.1f} us   "
        f"({len(samples)} queries)"
    )


OWNER = "42"


def bench_engine(rounds: int = 300) -> None:
    engine = load_engine(load_settings(store_url="memory://"))
    samples = []
    kinds = []  # what each turn was, to tell which kinds make the p99
    for _ in range(rounds):
        session = Session(salt="ab")
        session, replies = engine.handle(session, CommandEvent(Command.QUIZ), OWNER)
        events = 0
        while replies[-1].options and session.flow == "quiz" and events < 8:
            option = replies[-1].options[0]
            t0 = time.perf_counter()
            session, replies = engine.handle(
                session, ChoiceEvent(ButtonData.unpack(option.data)), OWNER
            )
            samples.append(time.perf_counter() - t0)
            kinds.append(f"press -> {replies[-1].kind}")
            events += 1
        for q in QUESTIONS[:3]:
            t0 = time.perf_counter()
            session, replies = engine.handle(session, TextEvent(q), OWNER)
            samples.append(time.perf_counter() - t0)
            kinds.append("text")
    p50, p99 = percentiles(samples)
    print(
        f"engine per turn:     p50 {p50 * 1e6:7.1f} us   p99 {p99 * 1e6:7.1f} us   "
        f"({len(samples)} turns: quiz presses and FAQ text)"
    )
    print(f"  turns at or over the p99: {slowest_kinds(samples, kinds, p99)}")
    for kind in sorted(set(kinds)):
        k50, k99 = percentiles([s for s, k in zip(samples, kinds, strict=True) if k == kind])
        print(f"  {kind:23s} p50 {k50 * 1e6:7.1f} us   p99 {k99 * 1e6:7.1f} us")


def slowest_kinds(samples: list[float], kinds: list[str], cutoff: float) -> str:
    counts = Counter(k for s, k in zip(samples, kinds, strict=True) if s >= cutoff)
    return ", ".join(f"{kind} {count}" for kind, count in counts.most_common())


def bench_startup(runs: int = 7) -> None:
    """Wall time of `python -m bot ask`, median of `runs`, two ways.

    "installed": bytecode caches exist (in a temporary PYTHONPYCACHEPREFIX, warmed by one run),
    as for a deployed bot. "as run here": this environment's settings as they are; with
    PYTHONDONTWRITEBYTECODE set, the project's own modules are compiled from source every run.
    """
    env = {**os.environ, "STORE_URL": "memory://", "LOG_LEVEL": "WARNING"}
    ask = [sys.executable, "-m", "bot", "ask", "are step ups bad for my knees", "--json"]

    def wall(cmd: list[str], environment: dict[str, str]) -> float:
        subprocess.run(cmd, check=True, capture_output=True, env=environment, cwd=ROOT)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=environment, cwd=ROOT)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    with tempfile.TemporaryDirectory() as cache:
        installed_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        installed_env["PYTHONPYCACHEPREFIX"] = cache
        baseline = wall([sys.executable, "-c", "pass"], installed_env)
        installed = wall(ask, installed_env)
    as_is = wall(ask, env)
    print(
        f"start-up to first answer (python -m bot ask): installed {installed * 1e3:4.0f} ms, "
        f"as run here {as_is * 1e3:4.0f} ms (medians of {runs}); "
        f"bare interpreter {baseline * 1e3:.0f} ms"
    )


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    print(json.dumps({"python": sys.version.split()[0]}), machine_load())
    bench_matcher()
    bench_engine()
    bench_startup()
    print(machine_load())
