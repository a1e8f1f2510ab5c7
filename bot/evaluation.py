"""FAQ accuracy on a JSONL file of {"q", "accept"}: the figures `eval` prints."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.faq import FaqMatcher

logger = logging.getLogger(__name__)


class EvalError(Exception):
    """A questions file that cannot be scored; the message names the file and the line."""


class Case(BaseModel):
    """One line of the file: a question and the topic ids that count as right (none: decline)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    q: str
    accept: list[str]

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value


@dataclass
class Report:
    in_scope: int = 0
    out_of_scope: int = 0
    top1_hits: int = 0
    answered_right: int = 0
    declined: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "in_scope_top1": self.top1_hits / self.in_scope if self.in_scope else 0.0,
            "in_scope_correct": self.answered_right / self.in_scope if self.in_scope else 0.0,
            "oos_rejected": self.declined / self.out_of_scope if self.out_of_scope else 0.0,
            "counts": {k: v for k, v in asdict(self).items() if k != "misses"},
            "misses": self.misses,
        }


def read_cases(path: Path, known_topics: Collection[str] | None = None) -> list[Case]:
    """Every non-blank line as a Case; the first bad line raises EvalError naming its number."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvalError(f"{path}: cannot be read ({exc.strerror})") from None
    cases = [_parse(path, number, line, known_topics) for number, line in _lines(raw)]
    if not cases:
        raise EvalError(f"{path}: no questions in the file (expected one JSON object a line)")
    return cases


def _lines(raw: bytes) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if line.strip():
            yield number, line


def _parse(path: Path, number: int, line: bytes, known_topics: Collection[str] | None) -> Case:
    where = f"{path}: line {number}"
    try:
        case = Case.model_validate_json(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise EvalError(f"{where}: not UTF-8 text (byte 0x{line[exc.start]:02x})") from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field_name = ".".join(str(part) for part in err["loc"])
        problem = str(err["msg"]).removeprefix("Value error, ")
        raise EvalError(f"{where}: {field_name + ': ' if field_name else ''}{problem}") from None
    unknown = [t for t in case.accept if known_topics is not None and t not in known_topics]
    if unknown:
        raise EvalError(f"{where}: accept names unknown topic {', '.join(map(repr, unknown))}")
    return case


def evaluate(
    matcher: FaqMatcher, path: Path, known_topics: Collection[str] | None = None
) -> Report:
    """Score each line: in scope, is the top topic accepted and answered; out of scope, declined.

    The whole file is validated first, so a bad line stops the run before any figure is printed.
    """
    report = Report()
    for case in read_cases(path, known_topics):
        question, accept = case.q, case.accept
        found = matcher.match(question)
        ranked = matcher.rank(question)
        top = ranked[0][0] if ranked else None
        if accept:
            report.in_scope += 1
            report.top1_hits += top in accept
            right = found.topic_id in accept
            report.answered_right += right
        else:
            report.out_of_scope += 1
            right = found.topic_id is None
            report.declined += right
        if not right:
            report.misses.append(
                {
                    "q": question,
                    "accept": accept,
                    "got": found.topic_id,
                    "confidence": found.confidence,
                    "top": top,
                }
            )
    return report


def format_report(report: Report) -> str:
    figures = report.as_dict()
    rows = [
        ("in-scope top-1 accuracy", figures["in_scope_top1"], f"{report.in_scope} questions"),
        ("in-scope answered correctly", figures["in_scope_correct"], "at the bot's threshold"),
        ("out-of-scope declined", figures["oos_rejected"], f"{report.out_of_scope} questions"),
    ]
    lines = [f"{name + ':':29} {share:.1%} ({detail})" for name, share, detail in rows]
    for miss in report.misses:
        lines.append(
            f"  miss: {miss['q']!r} accept={miss['accept']} got={miss['got']} "
            f"conf={miss['confidence']} top={miss['top']}"
        )
    return "\n".join(lines)
