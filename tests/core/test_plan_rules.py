"""Every rule of quiz_contract.json "plan" holds for every person the quiz can describe.

A person is up to three goals (231 sets), an experience level, a kit and a set of concerns:
8,316 plans in all, built in-process. Each rule has a checker; each checker is also shown a
deliberately broken plan, so a checker that lets everything through fails its own test.
"""

from __future__ import annotations

import copy
import itertools
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import ContentError, load_content
from bot.engine import Engine
from bot.messages import Delivery
from bot.plan import build_plan
from bot.quiz import recommend
from bot.replies import Buttons, recommendation_reply
from bot.settings import default_content_dir
from bot.text import plain_text
from tests.contracts import QUIZ_CONTRACT
from tests.core.test_cli import cli

GOALS = list(QUIZ_CONTRACT["goals"])
RULES: dict[str, str] = QUIZ_CONTRACT["plan"]["rules"]
EXPERIENCES = ("beginner", "intermediate", "advanced")
KITS = ("full_gym", "dumbbells", "bodyweight")
CONCERN_SETS = ((), ("knee",), ("lower_back",), ("knee", "lower_back"))
GOAL_SETS = [g for size in (1, 2, 3) for g in itertools.combinations(GOALS, size)]
DISCORD_LIMIT = 2000

PlanData = list[dict[str, Any]]


@dataclass(frozen=True)
class Person:
    goals: tuple[str, ...]
    experience: str
    equipment: str
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    person: Person
    prioritize: str
    plan: PlanData
    text: str


def everyone() -> Iterator[Person]:
    for goals, experience, kit, concerns in itertools.product(
        GOAL_SETS, EXPERIENCES, KITS, CONCERN_SETS
    ):
        yield Person(goals, experience, kit, concerns)


@pytest.fixture(scope="module")
def advice(engine: Engine) -> dict[Person, Advice]:
    """The advice for every person, as `recommend --json` would give it."""
    result = {}
    for person in everyone():
        rec = recommend(
            engine.content,
            list(person.goals),
            list(person.concerns),
            person.experience,
            person.equipment,
        )
        plan = [day.as_dict() for day in build_plan(engine.content, rec)]
        reply = recommendation_reply(engine.content, rec, Buttons("0", "0"), Delivery.SEND)
        text = plain_text(reply)
        result[person] = Advice(person, rec.prioritize, plan, text)
    return result


def entries(plan: PlanData, exercise: str | None = None) -> list[dict[str, Any]]:
    return [e for day in plan for e in day["exercises"] if exercise in (None, e["exercise"])]


# One checker per contract rule: the reason the plan breaks it, or "" when it holds.


def prioritized_first(a: Advice) -> str:
    if a.prioritize == "both":
        for lift in ("hip_thrust", "step_up"):
            if not any(e["role"] != "accessory" for e in entries(a.plan, lift)):
                return f"{lift} never main or after the main lift"
        return ""
    other = "step_up" if a.prioritize == "hip_thrust" else "hip_thrust"
    first_day = [e["exercise"] for e in a.plan[0]["exercises"]]
    if a.prioritize not in first_day:
        return f"{a.prioritize} missing from day 1"
    if other in first_day and first_day.index(other) < first_day.index(a.prioritize):
        return f"{other} ahead of {a.prioritize} on day 1"
    return ""


def beginner(a: Advice) -> str:
    if a.person.experience != "beginner":
        return ""
    for e in entries(a.plan):
        if e["load"] == "heavy" or e["reps"][0] < 8:
            return f"{e['exercise']} {e['load']} {e['reps']} for a beginner"
        if e["exercise"] == "step_up" and (
            e["load"] not in ("bodyweight", "light") or "balance" not in e["cues"]
        ):
            return f"beginner step-up {e['load']} cues {e['cues']}"
    return ""


def bodyweight(a: Advice) -> str:
    if a.person.equipment != "bodyweight":
        return ""
    loads = {e["load"] for e in entries(a.plan)}
    return "" if loads == {"bodyweight"} else f"loads {sorted(loads)} with body weight only"


def dumbbells(a: Advice) -> str:
    if a.person.equipment != "dumbbells" or a.person.experience == "advanced":
        return ""
    heavy = [e for e in entries(a.plan, "hip_thrust") if e["load"] == "heavy"]
    return "heavy hip thrust with dumbbells" if heavy else ""


def squat_deadlift(a: Advice) -> str:
    if "squat_deadlift" not in a.person.goals:
        return ""
    main = [e for e in entries(a.plan, "hip_thrust") if e["role"] == "main"]
    return "hip thrust as the main lift for a bigger squat/deadlift" if main else ""


def hip_power(a: Advice) -> str:
    if "hip_power" not in a.person.goals or a.person.experience == "beginner":
        return ""
    fast = [e for e in entries(a.plan, "hip_thrust") if e["tempo"] == "explosive"]
    return "" if fast else "no explosive hip thrust for hip power"


def knee(a: Advice) -> str:
    if "knee" not in a.person.concerns:
        return ""
    bare = [e for e in entries(a.plan, "step_up") if "knee" not in e["cues"]]
    return "a step-up without the knee cue" if bare else ""


def lower_back(a: Advice) -> str:
    if "lower_back" not in a.person.concerns:
        return ""
    bare = [e for e in entries(a.plan, "hip_thrust") if "lower_back" not in e["cues"]]
    return "a hip thrust without the lower-back cue" if bare else ""


def length(a: Advice) -> str:
    return f"{len(a.text)} characters" if len(a.text) > DISCORD_LIMIT else ""


CHECKERS: dict[str, Callable[[Advice], str]] = {
    "prioritized_first": prioritized_first,
    "beginner": beginner,
    "bodyweight": bodyweight,
    "dumbbells": dumbbells,
    "squat_deadlift": squat_deadlift,
    "hip_power": hip_power,
    "knee": knee,
    "lower_back": lower_back,
    "length": length,
}


def thrust_ahead_on_day_one(plan: PlanData) -> None:
    plan[0]["exercises"].insert(0, copy.deepcopy(entries(plan, "hip_thrust")[0]))


def set_all(exercise: str, **fields: object) -> Callable[[PlanData], None]:
    return lambda plan: [e.update(fields) for e in entries(plan, exercise)] and None


BEGINNER = Person(("glute_hypertrophy", "balance"), "beginner", "dumbbells", ("knee",))
STRONG = Person(("hip_power", "squat_deadlift"), "intermediate", "full_gym", ("lower_back",))
BREAKS: dict[str, tuple[Person, Callable[[PlanData], None]]] = {
    "prioritized_first": (
        Person(("balance",), "intermediate", "full_gym", ()),
        thrust_ahead_on_day_one,
    ),
    "beginner": (BEGINNER, set_all("step_up", load="moderate")),
    "bodyweight": (
        Person(("balance",), "advanced", "bodyweight", ()),
        set_all("step_up", load="light"),
    ),
    "dumbbells": (BEGINNER, set_all("hip_thrust", load="heavy")),
    "squat_deadlift": (STRONG, set_all("hip_thrust", role="main")),
    "hip_power": (STRONG, set_all("hip_thrust", tempo="controlled")),
    "knee": (BEGINNER, set_all("step_up", cues=["balance"])),
    "lower_back": (STRONG, set_all("hip_thrust", cues=[])),
    "length": (STRONG, lambda plan: None),
}


def broken(advice: dict[Person, Advice], rule: str) -> Advice:
    """A real plan the rule applies to, bent so that it breaks the rule."""
    person, bend = BREAKS[rule]
    real = advice[person]
    assert not CHECKERS[rule](real), "the unbent plan keeps the rule"
    plan = copy.deepcopy(real.plan)
    bend(plan)
    text = real.text + "x" * DISCORD_LIMIT if rule == "length" else real.text
    return Advice(person, real.prioritize, plan, text)


def test_every_contract_rule_has_a_check_here() -> None:
    checked = set(CHECKERS) | {"advanced", "experience_matters"}
    assert checked == set(RULES)


@pytest.mark.parametrize("rule", sorted(CHECKERS))
def test_rule_holds_for_every_person(advice: dict[Person, Advice], rule: str) -> None:
    assert len(advice) == 231 * 3 * 3 * 4
    failures = [(a.person, why) for a in advice.values() if (why := CHECKERS[rule](a))]
    assert not failures, f"{RULES[rule]}\n{len(failures)} plans break it, e.g. {failures[:3]}"


@pytest.mark.parametrize("rule", sorted(CHECKERS))
def test_rule_check_catches_a_plan_that_breaks_it(advice: dict[Person, Advice], rule: str) -> None:
    assert CHECKERS[rule](broken(advice, rule)), f"the {rule} check let a broken plan through"


def test_advanced_lifter_in_a_full_gym_goes_heavy_and_differs_from_a_beginner(
    advice: dict[Person, Advice],
) -> None:
    for a in advice.values():
        p = a.person
        if p.experience != "advanced" or p.equipment != "full_gym":
            continue
        if a.prioritize != "both":
            loads = {e["load"] for e in entries(a.plan, a.prioritize)}
            assert "heavy" in loads, p
        novice = advice[Person(p.goals, "beginner", p.equipment, p.concerns)]
        assert novice.plan != a.plan, p


def test_experience_changes_the_week_not_only_a_line(advice: dict[Person, Advice]) -> None:
    for goals, kit, concerns in itertools.product(GOAL_SETS, KITS, CONCERN_SETS):
        weeks = [advice[Person(goals, x, kit, concerns)] for x in EXPERIENCES]
        plans = {json.dumps(w.plan) for w in weeks}
        assert len(plans) == 3, (goals, kit, concerns)
        assert len({week_of(w.text) for w in weeks}) == 3, (goals, kit, concerns)


def week_of(text: str) -> str:
    return text.split("\nYour week\n")[1].split("\n\n")[0]


def test_the_text_says_every_entry_of_the_plan(advice: dict[Person, Advice]) -> None:
    for a in advice.values():
        lines = week_of(a.text).strip().splitlines()
        assert len(lines) == len(a.plan), a.person
        for line, day in zip(lines, a.plan, strict=True):
            assert day["day"] in line
            for e in day["exercises"]:
                assert f"{span(e['sets'])} × {span(e['reps'])}" in line, (a.person, line)
            heavy = any(e["load"] == "heavy" for e in day["exercises"])
            assert ("heavy" in line) == heavy, (a.person, line)
            fast = any(e["tempo"] == "explosive" for e in day["exercises"])
            assert ("drive up fast" in line) == fast, (a.person, line)


def test_a_week_without_concerns_still_carries_form_cues(advice: dict[Person, Advice]) -> None:
    for a in advice.values():
        for line, day in zip(week_of(a.text).strip().splitlines(), a.plan, strict=True):
            uncued = sum(1 for e in day["exercises"] if not e["cues"])
            assert line.count("form:") == uncued, (a.person, line)


def span(bounds: list[int]) -> str:
    return str(bounds[0]) if bounds[0] == bounds[1] else f"{bounds[0]}–{bounds[1]}"


def test_body_weight_and_beginner_advice_never_says_heavy(advice: dict[Person, Advice]) -> None:
    for a in advice.values():
        if a.person.equipment == "bodyweight" or a.person.experience == "beginner":
            lowered = a.text.lower()
            assert "heavy" not in lowered and "more load" not in lowered, a.person


def test_goals_that_use_both_lifts_are_not_called_a_pull_in_two_directions(
    advice: dict[Person, Advice],
) -> None:
    for goals in [("overall_lower_body",), ("injury_prevention", "overall_lower_body")]:
        shared = advice[Person(goals, "intermediate", "full_gym", ())]
        assert shared.prioritize == "both" and "both directions" not in shared.text, goals
    mixed = advice[Person(("glute_hypertrophy", "balance"), "intermediate", "full_gym", ())]
    assert mixed.prioritize == "both" and "both directions" in mixed.text


def test_the_longest_advice_still_fits_one_discord_message(advice: dict[Person, Advice]) -> None:
    longest = max(advice.values(), key=lambda a: len(a.text))
    assert len(longest.text) <= DISCORD_LIMIT, longest.person


def test_recommend_json_has_the_plan_with_defaults() -> None:
    done = cli("recommend", "--goal", "squat_deadlift", "--concern", "lower_back", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"prioritize", "goals", "cautions", "plan", "text"}
    thrusts = entries(result["plan"], "hip_thrust")
    assert thrusts and all(e["role"] == "after_main_lift" for e in thrusts)
    assert all(
        set(e) == {"exercise", "role", "sets", "reps", "load", "tempo", "cues"} for e in thrusts
    )
    explicit = cli(
        "recommend",
        "--goal",
        "squat_deadlift",
        "--concern",
        "lower_back",
        "--experience",
        "intermediate",
        "--equipment",
        "full_gym",
        "--equipment",
        "full_gym",
        "--json",
    )
    assert json.loads(explicit.stdout) == result, "defaults: intermediate, full_gym; repeats ok"


def test_recommend_refuses_two_different_experience_levels() -> None:
    done = cli(
        "recommend", "--goal", "balance", "--experience", "beginner", "--experience", "advanced"
    )
    assert done.returncode == 2
    assert "beginner" in done.stderr and "advanced" in done.stderr


def test_recommend_names_the_valid_kits_for_an_unknown_one() -> None:
    done = cli("recommend", "--goal", "balance", "--equipment", "kettlebell")
    assert done.returncode == 2
    assert "kettlebell" in done.stderr and "dumbbells" in done.stderr


def edited_content(tmp_path: Path, name: str, change: Callable[[Any], object]) -> Path:
    """A copy of the content with one file changed, as a coach's edit would."""
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    data = yaml.safe_load((target / name).read_text())
    change(data)
    (target / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return target


@pytest.mark.parametrize(
    ("name", "change", "complaint"),
    [
        ("recommendation.yaml", lambda d: d["doses"]["step_main"].pop("source"), "source"),
        ("recommendation.yaml", lambda d: d["plans"]["both"].pop("source"), "source"),
        ("goals.yaml", lambda d: d["goals"][2]["plan"][0].pop("source"), "squat_deadlift"),
        ("recommendation.yaml", lambda d: d["cautions"][0].pop("source"), "knee"),
        (
            "recommendation.yaml",
            lambda d: d["plans"]["step_up"]["days"][0]["exercises"][0].update(dose="max_out"),
            "unknown dose 'max_out'",
        ),
        (
            "recommendation.yaml",
            lambda d: d["doses"]["step_main"]["beginner"].update(reps=[12, 8]),
            "low <= high",
        ),
        ("recommendation.yaml", lambda d: d["equipment"].pop("dumbbells"), "equipment"),
    ],
)
def test_content_check_refuses_a_plan_a_coach_broke(
    tmp_path: Path, name: str, change: Callable[[Any], object], complaint: str
) -> None:
    with pytest.raises(ContentError, match=complaint):
        load_content(edited_content(tmp_path, name, change))
