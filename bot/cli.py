"""The core's command line: ask, recommend, eval, content check (`python -m bot ...`).

The platform commands (chat, run, discord-sync) are added by the composition root,
`adapters/cli.py` (`hipstep ...`): the core never imports an adapter.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from bot.content import ContentError
from bot.logs import configure_logging, redact, secret_values
from bot.settings import Settings, SettingsError, load_settings
from bot.terminal import make_streams_safe

# Each command imports what only it needs, inside the command: `ask` answers in a fraction of
# the time it takes to import the plan, the stores, asyncio and the evaluation too.

logger = logging.getLogger(__name__)


class CliError(Exception):
    """A usage problem reported as one line and exit status 2."""


class RunFailed(Exception):
    """The bots could not start or stopped with an error: one line, exit status 1."""


def redacted(text: str, settings: Settings) -> str:
    """`text` with every configured secret replaced, safe to print."""
    return redact(text, secret_values(settings))


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line (`error: ...`) and exit status 2, like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see: {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    """Parse, load settings, run the chosen command; errors end in one line and an exit code."""
    make_streams_safe()
    args = (parser or build_parser()[0]).parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        result: int = args.func(args, settings)
        return result
    except _refusals() as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # `... | head` closed the pipe: nothing more to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0


def _refusals() -> tuple[type[Exception], ...]:
    """The errors that end in one line and status 2 (evaluated only when something is raised)."""
    from bot.evaluation import EvalError
    from bot.quiz import UnknownAnswer
    from bot.store.base import StoreConfigError

    return (SettingsError, ContentError, StoreConfigError, CliError, UnknownAnswer, EvalError)


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its subcommands, so the composition root can add the platform ones."""
    parser = _Parser(prog="hipstep", description="Hip thrust vs step-up coach.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question from the FAQ")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=_ask)
    rec = sub.add_parser("recommend", help="the questionnaire's advice for given answers")
    rec.add_argument("--goal", action="append", default=[], required=True)
    rec.add_argument("--concern", action="append", default=[])
    rec.add_argument("--experience", action="append", default=[], help="default: intermediate")
    rec.add_argument("--equipment", action="append", default=[], help="default: full_gym")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(func=_recommend)
    ev = sub.add_parser("eval", help="FAQ accuracy on a JSONL file of {q, accept}")
    ev.add_argument("file", type=Path)
    ev.add_argument("--json", action="store_true")
    ev.add_argument(
        "--min-correct", type=float, default=0.0, help="exit 1 below this in-scope share (0-1)"
    )
    ev.add_argument(
        "--min-declined", type=float, default=0.0, help="exit 1 below this declined share (0-1)"
    )
    ev.set_defaults(func=_eval)
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate content without starting anything")
    check.add_argument("dir", nargs="?", type=Path)
    check.set_defaults(func=_content_check)
    return parser, sub


async def close_after(service: Any, work: Any) -> None:
    """Run `work`, then release the store, even when `work` fails."""
    try:
        await work
    finally:
        await service.store.close()


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.app import load_faq
    from bot.faq import Match

    content, matcher = load_faq(settings)
    if args.text.strip():
        found, fallback = matcher.match(args.text), content.texts.out_of_scope
    else:
        found = Match(topic_id=None, confidence=0.0, suggestions=(), ranked=())
        fallback = content.texts.empty_text
    answer = content.topic(found.topic_id).answer if found.topic_id else fallback
    if args.json:
        print(
            json.dumps(
                {
                    "faq_id": found.topic_id,
                    "confidence": found.confidence,
                    "answer": answer,
                    "suggestions": list(found.suggestions),
                    "also": list(found.also),
                }
            )
        )
    else:
        print(answer)
        for topic_id in found.also:
            print("\n" + content.topic(topic_id).answer)
        if found.suggestions:
            print("\nSee also: " + ", ".join(found.suggestions))
    return 0


def _recommend(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.content import load_content
    from bot.messages import Delivery
    from bot.plan import DEFAULT_EQUIPMENT, DEFAULT_EXPERIENCE, build_plan
    from bot.quiz import answer_ids, recommend
    from bot.replies import Buttons, recommendation_reply
    from bot.text import plain_text

    content = load_content(settings.content_dir)
    experience = _one_value("experience", args.experience, DEFAULT_EXPERIENCE)
    equipment = _one_value("equipment", args.equipment, DEFAULT_EQUIPMENT)
    for role, given in (
        ("concerns", args.concern),
        ("experience", [experience]),
        ("equipment", [equipment]),
    ):
        valid = answer_ids(content, role)
        unknown = [g for g in given if g not in valid]
        if unknown:
            raise CliError(f"unknown {role} {unknown}; valid: {sorted(valid)}")
    rec = recommend(content, args.goal, args.concern, experience, equipment)
    reply = recommendation_reply(content, rec, Buttons("0", "0"), Delivery.SEND)
    text = plain_text(reply)
    if args.json:
        result = {
            "prioritize": rec.prioritize,
            "goals": list(rec.goals),
            "cautions": list(rec.cautions),
            "plan": [day.as_dict() for day in build_plan(content, rec)],
            "text": text,
        }
        print(json.dumps(result))
    else:
        print(text)
    return 0


def _one_value(name: str, given: list[str], default: str) -> str:
    """A flag that may be repeated only with the same value; absent means the default."""
    values = list(dict.fromkeys(given))
    if len(values) > 1:
        raise CliError(f"--{name} given twice with different values: {values}; give one")
    return values[0] if values else default


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.app import load_engine
    from bot.evaluation import evaluate, format_report

    if not args.file.is_file():
        raise CliError(f"{args.file}: no such file")
    engine = load_engine(settings)
    report = evaluate(engine.matcher, args.file, {t.id for t in engine.content.faq.topics})
    print(json.dumps(report.as_dict()) if args.json else format_report(report))
    figures = report.as_dict()
    below = [
        f"{name} {figures[key]:.1%} < {bar:.1%}"
        for name, key, bar in (
            ("in-scope correct", "in_scope_correct", args.min_correct),
            ("out-of-scope declined", "oos_rejected", args.min_declined),
        )
        if float(str(figures[key])) < bar
    ]
    if below:
        print("error: below the bar: " + "; ".join(below), file=sys.stderr)
        return 1
    return 0


def _content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_engine
    from bot.content import load_content
    from bot.content.limits import check_limits

    directory = args.dir or settings.content_dir
    content = load_content(directory)
    check_limits(content)
    load_engine(settings.model_copy(update={"content_dir": directory}))
    print(
        f"{directory}: ok ({len(content.faq.topics)} FAQ topics, "
        f"{len(content.goals.goals)} goals, {len(content.quiz.questions)} questions)"
    )
    return 0
