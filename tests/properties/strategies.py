"""Hypothesis strategies for what users send: commands, presses of every kind, and odd text."""

from __future__ import annotations

import logging

from hypothesis import strategies as st

from bot.messages import Command

logger = logging.getLogger(__name__)

NASTY_TEXTS = [
    "",
    "   \n\t ",
    "x" * 10_000,
    "how many sets of hip thrusts? " * 330,
    "\x00\x01\x1b[31mred\x7f\u200b\u202e",
    "🍑🦵🏋️‍♀️ glutes 💪🏽",
    "<b>bold</b> <script>alert(1)</script> &amp; **stars** __under__ `code` [link](http://x)",
    "quiz",
    "hi",
    "thanks!",
    "/start",
    "step-ups hurt my knee, what should I do?",
    "hip thrust vs step up",
]

FORGED_DATA = [
    "",
    "|",
    "1",
    "1...",
    "1.x.a.main:glutes",
    "2.0.a.main:glutes",
    "1.00.t.no-such-topic",
    "1.00.p.-1",
    "1.00.p.99999999999999999999",
    "1.00.g.elsewhere",
    "1.00.n.sideways",
    "1.00.a.:",
    "1.00.a.more:+",
    "1." + "9" * 200 + ".a.x",
    "💥.💥.💥.💥",
    "2a..1f.main.glute_hypertrophy",  # no owner: a shared post may not answer a quiz
    "2p.42.1f...²",  # a page number that is a digit but not a decimal
    "2p.42.1f...100",
    "2b.42.1f..",  # Back without the question it was shown on
    "2a.42.1f.main.glute_hypertrophy.extra",
    "2z.42.1f..",
    "2a.42.XYZ.main.glute_hypertrophy",
]


def free_text() -> st.SearchStrategy[str]:
    """Short random text, the nasty classics, and long runs built without huge buffers."""
    long_runs = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1, 10_000))
    return st.one_of(st.text(max_size=60), st.sampled_from(NASTY_TEXTS), long_runs)


def forged_data() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(FORGED_DATA), st.text(max_size=80))


def command() -> st.SearchStrategy[tuple[str, ...]]:
    names = st.sampled_from([c.value for c in Command])
    argument = st.one_of(st.just(""), st.sampled_from(["quiz", "faq", "x"]), free_text())
    return st.tuples(st.just("command"), names, argument)


def press() -> st.SearchStrategy[tuple[object, ...]]:
    """A press of an offered option: from the latest replies, an earlier one, or another's."""
    kinds = st.sampled_from(["press", "press", "press", "stale", "foreign"])
    return st.tuples(kinds, st.integers(0, 1_000))


def user_action() -> st.SearchStrategy[tuple[object, ...]]:
    """What one user does next; presses are weighted up so quizzes get somewhere."""
    return st.one_of(
        press(),
        press(),
        command(),
        st.tuples(st.just("text"), free_text()),
        st.tuples(st.just("forged"), forged_data()),
        st.tuples(st.just("redeliver")),
    )
