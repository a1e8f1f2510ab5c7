"""The week a recommendation prescribes, built from content's plan templates, and its wording.

Content holds the templates (recommendation.yaml: days, doses, equipment; goals.yaml: goal
adjustments; cautions: cues). This module applies them in a fixed order (dose by experience,
goal adjustments, equipment limits, cues) so every rule in quiz_contract.json "plan" holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.content import BOTH, Content
from bot.content.base import LOADS
from bot.content.training import Adjustment, EquipmentRule, PlanEntry
from bot.quiz import Recommendation

logger = logging.getLogger(__name__)

DEFAULT_EXPERIENCE = "intermediate"
DEFAULT_EQUIPMENT = "full_gym"


@dataclass(frozen=True, slots=True)
class Entry:
    """One exercise on one day: what the contract calls a plan entry, plus notes to say."""

    exercise: str
    role: str
    sets: tuple[int, int]
    reps: tuple[int, int]
    load: str
    tempo: str | None
    cues: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "exercise": self.exercise,
            "role": self.role,
            "sets": list(self.sets),
            "reps": list(self.reps),
            "load": self.load,
            "tempo": self.tempo,
            "cues": list(self.cues),
        }


@dataclass(frozen=True, slots=True)
class Day:
    label: str
    exercises: tuple[Entry, ...]

    def as_dict(self) -> dict[str, object]:
        return {"day": self.label, "exercises": [e.as_dict() for e in self.exercises]}


def build_plan(content: Content, rec: Recommendation) -> tuple[Day, ...]:
    """The week for these answers: the template for `rec.prioritize`, fitted to the person."""
    experience = rec.experience or DEFAULT_EXPERIENCE
    rule = content.recommendation.equipment[rec.equipment or DEFAULT_EQUIPMENT]
    template = content.recommendation.plans[rec.prioritize]
    days = [[_dosed(content, e, experience) for e in day.exercises] for day in template.days]
    for goal in rec.goals:
        for change in content.goal(goal).plan:
            if _applies(change, experience, rec.concerns):
                _adjust(days, change)
    return tuple(
        Day(day.label, tuple(_cued(content, _fitted(e, rule, experience), rec) for e in entries))
        for day, entries in zip(template.days, days, strict=True)
    )


def _dosed(content: Content, entry: PlanEntry, experience: str) -> Entry:
    dose = getattr(content.recommendation.doses[entry.dose], experience)
    return Entry(entry.exercise, entry.role, dose.sets, dose.reps, dose.load, dose.tempo)


def _applies(change: Adjustment, experience: str, concerns: tuple[str, ...]) -> bool:
    return experience not in change.not_for and not set(change.unless_concern) & set(concerns)


def _lighter(load: str, cap: str) -> str:
    return load if LOADS.index(load) <= LOADS.index(cap) else cap


def _adjust(days: list[list[Entry]], change: Adjustment) -> None:
    """Apply one goal's change to all, the first or the last entries of its exercise."""
    spots = [
        (d, i)
        for d, day in enumerate(days)
        for i, e in enumerate(day)
        if e.exercise == change.exercise
    ]
    if change.entries == "first":
        spots = spots[:1]
    elif change.entries == "last":
        spots = spots[-1:]
    for d, i in spots:
        entry = days[d][i]
        days[d][i] = replace(
            entry,
            role=change.role or entry.role,
            tempo=change.tempo or entry.tempo,
            reps=change.reps or entry.reps,
            load=_lighter(entry.load, change.max_load) if change.max_load else entry.load,
            notes=entry.notes + ((change.note,) if change.note else ()),
        )


def _fitted(entry: Entry, rule: EquipmentRule, experience: str) -> Entry:
    """Cap the load to what the kit allows; with little load, more reps and a harder variant."""
    low, high = entry.reps
    shift = max(0, rule.min_reps - low)
    variant = rule.variants.get(entry.exercise, {}).get(experience, "")  # type: ignore[call-overload]
    return replace(
        entry,
        load=_lighter(entry.load, rule.max_load[experience]),  # type: ignore[index]
        reps=(low + shift, high + shift),
        notes=((variant,) if variant else ()) + entry.notes,
    )


def _cued(content: Content, entry: Entry, rec: Recommendation) -> Entry:
    """Every caution about this exercise whose trigger was answered becomes a cue on it.

    An entry with no such cue still gets the lift's main form cue, so no week is cue-free.
    """
    experience = rec.experience or DEFAULT_EXPERIENCE
    cues = tuple(
        c.id
        for c in content.recommendation.cautions
        if c.about == entry.exercise
        and (
            (c.when_concern and c.when_concern in rec.concerns)
            or (c.when_experience and c.when_experience == experience)
        )
    )
    form = content.recommendation.form_cues.get(entry.exercise, "")
    notes = entry.notes + ((form,) if form and not cues else ())
    return replace(entry, cues=cues, notes=notes)


def headline(content: Content, rec: Recommendation) -> str:
    return content.recommendation.plans[rec.prioritize].headline


def summary(content: Content, rec: Recommendation) -> str:
    """Goals "pull in both directions" only when some lean on one lift and some on the other.

    A goal that leans on both lifts is no pull either way, so it gets the `summary_no_pull` text.
    """
    plan = content.recommendation.plans[rec.prioritize]
    leans = {content.goal(g).leans for g in rec.goals} - {BOTH}
    return plan.summary if len(leans) > 1 or not plan.summary_no_pull else plan.summary_no_pull


def week_lines(content: Content, plan: tuple[Day, ...]) -> list[str]:
    """One line per day, e.g. "**Day 1 — Strength:** hip thrusts, 3–4 × 8–10, moderate load"."""
    return [
        f"**Day {number} — {day.label}:** "
        + "; then ".join(describe(content, e) for e in day.exercises)
        for number, day in enumerate(plan, start=1)
    ]


def describe(content: Content, entry: Entry) -> str:
    """An entry in words; everything in the entry's data is said, so text and plan agree."""
    rec = content.recommendation
    name = content.exercise(entry.exercise).name.lower() + "s"
    role = rec.roles.get(entry.role, "")  # type: ignore[call-overload]
    per_leg = " per leg" if entry.exercise in rec.per_leg else ""
    parts = [
        f"{name} {role}".strip() + f", {_span(entry.sets)} × {_span(entry.reps)}{per_leg}",
        rec.loads.get(entry.load, entry.load),  # type: ignore[call-overload]
    ]
    if entry.tempo:
        parts.append(rec.tempos.get(entry.tempo, entry.tempo))  # type: ignore[call-overload]
    text = ", ".join(parts) + "".join(f", {n}" for n in entry.notes)
    cues = [c.cue for c in rec.cautions if c.id in entry.cues]
    return text + (f" ({'; '.join(cues)})" if cues else "")


def _span(bounds: tuple[int, int]) -> str:
    low, high = bounds
    return str(low) if low == high else f"{low}–{high}"
