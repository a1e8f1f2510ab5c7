"""Content is validated on load: a broken file names the file, the entry and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError, load_content
from bot.engine import Engine
from bot.settings import default_content_dir
from tests.contracts import FAQ_TOPICS

TOPICS = FAQ_TOPICS


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data))


def test_every_contract_topic_has_an_answer(engine: Engine) -> None:
    assert [t.id for t in engine.content.faq.topics] == [t["id"] for t in TOPICS]


def test_missing_answer_names_file_and_topic(content_copy: Path) -> None:
    edit(content_copy / "faq.yaml", lambda d: d["topics"][2].pop("answer"))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    message = str(err.value)
    assert "faq.yaml" in message and TOPICS[2]["id"] in message and "answer" in message


def test_broken_yaml_is_reported_not_raised(content_copy: Path) -> None:
    (content_copy / "goals.yaml").write_text("goals: [unclosed")
    with pytest.raises(ContentError, match=r"goals\.yaml: not valid YAML"):
        load_content(content_copy)


def test_goal_leaning_on_an_unknown_exercise_is_refused(content_copy: Path) -> None:
    edit(content_copy / "goals.yaml", lambda d: d["goals"][0].update(leans="squat"))
    with pytest.raises(ContentError, match="leans on unknown 'squat'"):
        load_content(content_copy)


def test_another_comparison_is_only_a_content_change(content_copy: Path) -> None:
    """Rename the exercises everywhere: the core follows without a code change."""
    for name in ("exercises.yaml", "goals.yaml", "recommendation.yaml"):
        path = content_copy / name
        path.write_text(path.read_text().replace("hip_thrust", "squat").replace("step_up", "lunge"))
    content = load_content(content_copy)
    assert {e.id for e in content.exercises.exercises} == {"squat", "lunge"}
    assert Engine(content).matcher.match("how high should the step be").topic_id == "step_height"


def test_missing_file_is_named(content_copy: Path) -> None:
    (content_copy / "quiz.yaml").unlink()
    with pytest.raises(ContentError, match=r"quiz\.yaml: file is missing"):
        load_content(content_copy)


def test_every_command_needs_a_menu_description(content_copy: Path) -> None:
    edit(content_copy / "texts.yaml", lambda d: d["commands"].pop("quiz"))
    with pytest.raises(ContentError, match=r"texts\.yaml: commands: .*missing \['quiz'\]"):
        load_content(content_copy)
