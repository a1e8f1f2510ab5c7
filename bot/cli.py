"""Command line: chat, run, ask, recommend, eval, content check, discord-sync.

This is the composition root: the only place in bot/ that reaches the adapters, and only by
name at call time, so importing the core never imports telegram or discord.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.app import build_service, load_engine
from bot.content import ContentError, load_content
from bot.evaluation import evaluate, format_report
from bot.logs import configure_logging, secret_values
from bot.plan import DEFAULT_EQUIPMENT, DEFAULT_EXPERIENCE, build_plan
from bot.quiz import UnknownAnswer, answer_ids, recommend
from bot.replies import recommendation_reply
from bot.settings import Settings, SettingsError, load_settings
from bot.store.factory import StoreConfigError

logger = logging.getLogger(__name__)


class CliError(Exception):
    """A usage problem reported as one line and exit status 2."""


class RunFailed(Exception):
    """The bots could not start or stopped with an error: one line, exit status 1."""


def _redacted(text: str, settings: Settings) -> str:
    for secret in secret_values(settings):
        text = text.replace(secret, "***")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings)
        result: int = args.func(args, settings)
        return result
    except (SettingsError, ContentError, StoreConfigError, CliError, UnknownAnswer) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hipstep", description="Hip thrust vs step-up coach.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("chat", help="chat in the terminal (no token needed)").set_defaults(func=_chat)
    sub.add_parser("run", help="run the Telegram and/or Discord bots").set_defaults(func=_run)
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
    ev.set_defaults(func=_eval)
    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate content without starting anything")
    check.add_argument("dir", nargs="?", type=Path)
    check.set_defaults(func=_content_check)
    sync = sub.add_parser("discord-sync", help="register Discord slash commands now")
    sync.set_defaults(func=_discord_sync)
    return parser


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    console = importlib.import_module("adapters.console")
    service = build_service(settings)
    asyncio.run(_close_after(service, console.chat(service)))
    return 0


async def _close_after(service: Any, work: Any) -> None:
    try:
        await work
    finally:
        await service.store.close()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    modules = [
        name
        for name, token in (
            ("adapters.telegram_bot", settings.telegram_bot_token),
            ("adapters.discord_bot", settings.discord_bot_token),
        )
        if token
    ]
    if not modules:
        raise CliError("set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN (or try: hipstep chat)")
    service = build_service(settings)
    try:
        asyncio.run(_close_after(service, _serve_all(settings, service, modules)))
    except Exception as exc:
        logger.debug("run failed", exc_info=True)
        raise RunFailed(_redacted(f"{type(exc).__name__}: {exc}", settings)) from None
    return 0


async def _serve_all(settings: Settings, service: Any, modules: list[str]) -> None:
    """Run every configured platform in one loop until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.store.ping()
    serves = [importlib.import_module(m).serve(settings, service, stop) for m in modules]
    await asyncio.gather(*serves)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    engine = load_engine(settings)
    found = engine.matcher.match(args.text)
    answer = (
        engine.content.topic(found.topic_id).answer
        if found.topic_id
        else (engine.content.texts.out_of_scope)
    )
    if args.json:
        print(
            json.dumps(
                {
                    "faq_id": found.topic_id,
                    "confidence": found.confidence,
                    "answer": answer,
                    "suggestions": list(found.suggestions),
                }
            )
        )
    else:
        print(answer)
        if found.suggestions:
            print("\nSee also: " + ", ".join(found.suggestions))
    return 0


def _recommend(args: argparse.Namespace, settings: Settings) -> int:
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
    text = recommendation_reply(content, rec, "0", edit=False).text
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
    if not args.file.is_file():
        raise CliError(f"{args.file}: no such file")
    report = evaluate(load_engine(settings).matcher, args.file)
    print(json.dumps(report.as_dict()) if args.json else format_report(report))
    return 0


def _content_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = args.dir or settings.content_dir
    content = load_content(directory)
    load_engine(settings.model_copy(update={"content_dir": directory}))
    print(
        f"{directory}: ok ({len(content.faq.topics)} FAQ topics, "
        f"{len(content.goals.goals)} goals, {len(content.quiz.questions)} questions)"
    )
    return 0


def _discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_bot_token is None:
        raise CliError("set DISCORD_BOT_TOKEN to sync Discord commands")
    discord_bot = importlib.import_module("adapters.discord_bot")
    names = asyncio.run(discord_bot.sync_commands(settings))
    print("synced: " + ", ".join(names))
    return 0
