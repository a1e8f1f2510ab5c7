"""The group plan: the quiz's prioritise rule applied to every vote, weighted by how many."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from bot.content import BOTH, Content

logger = logging.getLogger(__name__)

LEAD_SHARE = 0.6  # an exercise leads the group when at least this share of the goals leans on it
SESSIONS = 3  # lower-body sessions a week the split is given for
MINORITY_SHARE = 0.25  # a goal with fewer votes than this share of all votes needs attention


@dataclass(frozen=True, slots=True)
class GroupPlan:
    prioritize: str  # an exercise id, or BOTH
    share: int  # percent of the goals' weight leaning on `prioritize` (50 for BOTH)
    lead_sessions: int  # of SESSIONS, how many lead with the prioritised lift
    minority: tuple[str, ...]  # goals that lean elsewhere or got few votes


def group_plan(content: Content, counts: Counter[str]) -> GroupPlan | None:
    """None when nobody voted. A goal that leans on both lifts weighs half on each."""
    known = {g.id for g in content.goals.goals}
    counts = Counter({g: n for g, n in counts.items() if g in known and n > 0})
    total = sum(counts.values())
    if not total:
        return None
    weight: dict[str, float] = {}
    for goal, votes in counts.items():
        exercises = _exercises(content, content.goal(goal).leans)
        for exercise in exercises:
            weight[exercise] = weight.get(exercise, 0.0) + votes / len(exercises)
    leader = max(sorted(weight), key=lambda e: weight[e])
    lead_weight = weight[leader]
    share = lead_weight / total
    prioritize = leader if share >= LEAD_SHARE else BOTH
    lead_sessions = max(1, min(SESSIONS - 1, round(SESSIONS * share)))
    if prioritize == BOTH:
        lead_sessions = (SESSIONS + 1) // 2
    minority = tuple(
        goal
        for goal, votes in counts.most_common()
        if (prioritize != BOTH and content.goal(goal).leans not in (prioritize, BOTH))
        or votes / total < MINORITY_SHARE
    )
    return GroupPlan(
        prioritize, round(100 * share if prioritize != BOTH else 50), lead_sessions, minority
    )


def _exercises(content: Content, leans: str) -> list[str]:
    return [e.id for e in content.exercises.exercises] if leans == BOTH else [leans]
