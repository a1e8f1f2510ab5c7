"""FAQ accuracy on a JSONL file of {"q", "accept"}: the figures `eval` prints."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.faq import FaqMatcher

logger = logging.getLogger(__name__)


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


def evaluate(matcher: FaqMatcher, path: Path) -> Report:
    """Score each line: in scope, is the top topic accepted and answered; out of scope, declined."""
    report = Report()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        question, accept = str(case["q"]), list(case.get("accept", []))
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
