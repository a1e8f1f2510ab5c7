"""A coach edits content/ and runs `hipstep content check`: every mistake is one line, exit 2.

Each row breaks a copy of the real content in one way a person could, then runs the real command
line on it. The refusal must name the file (and the entry where there is one), fit on one line,
and never be a traceback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import ContentError, load_content
from bot.content.files import UniqueKeyLoader
from bot.content.limits import check_limits
from bot.settings import default_content_dir
from tests.core.test_cli import cli

Breakage = Callable[[Path], None]


def edited(filename: str, change: Callable[[Any], object]) -> Breakage:
    def apply(directory: Path) -> None:
        path = directory / filename
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    return apply


def appended(filename: str, text: str) -> Breakage:
    def apply(directory: Path) -> None:
        with (directory / filename).open("a", encoding="utf-8") as file:
            file.write(text)

    return apply


def question(data: Any, question_id: str) -> Any:
    return next(q for q in data["questions"] if q["id"] == question_id)


def copy_first(items: list[Any], **changes: object) -> None:
    items.append({**items[0], **changes})


def latin1_texts(directory: Path) -> None:
    path = directory / "texts.yaml"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("Hi!", "Olé!").encode("latin-1", "replace")
    )


def directory_instead_of_goals(directory: Path) -> None:
    (directory / "goals.yaml").unlink()
    (directory / "goals.yaml").mkdir()


def many_discomfort_answers(data: Any) -> None:
    question(data, "pain")["options"] += [
        {"id": f"ache_{n}", "label": f"Ache {n}"} for n in range(30)
    ]


def long_topic_id(data: Any) -> None:
    copy_first(data["topics"], id="a_very_long_topic_identifier_xyz", related=[])


BROKEN: list[tuple[str, Breakage, list[str]]] = [
    (
        "repeated yaml key",
        appended("texts.yaml", "welcome: Hello again\n"),
        ["texts.yaml", "key 'welcome' repeats"],
    ),
    (
        "duplicate goal id",
        edited("goals.yaml", lambda d: copy_first(d["goals"])),
        ["goals.yaml", "duplicate goal id"],
    ),
    (
        "duplicate answer in one question",
        edited("quiz.yaml", lambda d: copy_first(question(d, "exp")["options"])),
        ["quiz.yaml", "questions.2.options", "duplicate answer id 'beginner'"],
    ),
    (
        "duplicate caution id",
        edited("recommendation.yaml", lambda d: copy_first(d["cautions"])),
        ["recommendation.yaml", "duplicate caution id 'knee'"],
    ),
    (
        "duplicate exercise id",
        edited("exercises.yaml", lambda d: d["exercises"][1].update(id=d["exercises"][0]["id"])),
        ["exercises.yaml", "duplicate exercise id"],
    ),
    (
        "duplicate FAQ topic id",
        edited("faq.yaml", lambda d: copy_first(d["topics"])),
        ["faq.yaml", "duplicate FAQ topic id"],
    ),
    ("button data over 64 bytes", edited("faq.yaml", long_topic_id), ["faq.yaml", "bytes", "64"]),
    (
        "more buttons than Discord shows",
        edited("quiz.yaml", many_discomfort_answers),
        ["quiz.yaml", "question 'pain'", "buttons", "25"],
    ),
    (
        "unknown placeholder in the menu title",
        edited("texts.yaml", lambda d: d.update(menu_title="Pick {topic}")),
        ["texts.yaml", "menu_title", "'topic'"],
    ),
    (
        "placeholder in a text that takes none",
        edited("texts.yaml", lambda d: d.update(welcome="Hi {name}!")),
        ["texts.yaml", "welcome", "'name'"],
    ),
    (
        "unpaired brace",
        edited("texts.yaml", lambda d: d.update(menu_title="Questions {first")),
        ["texts.yaml", "menu_title", "braces"],
    ),
    ("Latin-1 file", latin1_texts, ["texts.yaml", "not UTF-8"]),
    ("directory instead of a file", directory_instead_of_goals, ["goals.yaml", "is a directory"]),
    ("broken yaml", appended("faq.yaml", "topics: [\n"), ["faq.yaml", "not valid YAML", "line"]),
    (
        "yaml nested too deeply",
        appended("lexicon.yaml", "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        ["lexicon.yaml"],
    ),
]


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def assert_refused_in_one_line(directory: Path, expected: list[str]) -> None:
    done = cli("content", "check", str(directory))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for fragment in expected:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("breakage", "expected"), [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN]
)
def test_coach_mistake_is_refused_in_one_line(
    content_copy: Path, breakage: Breakage, expected: list[str]
) -> None:
    breakage(content_copy)
    assert_refused_in_one_line(content_copy, expected)


def test_missing_content_directory_is_named(tmp_path: Path) -> None:
    assert_refused_in_one_line(tmp_path / "nowhere", ["nowhere", "not found"])


def test_a_file_given_as_the_content_directory_is_refused(content_copy: Path) -> None:
    assert_refused_in_one_line(
        content_copy / "faq.yaml", ["faq.yaml", "expected the content directory"]
    )


def test_the_shipped_content_fits_every_platform_limit() -> None:
    check_limits(load_content(default_content_dir()))


def test_repeated_key_inside_a_flow_mapping_is_caught(content_copy: Path) -> None:
    path = content_copy / "quiz.yaml"
    path.write_text(
        path.read_text().replace("{id: beginner, label:", "{id: beginner, id: novice, label:")
    )
    with pytest.raises(ContentError, match=r"quiz\.yaml: line \d+: key 'id' repeats"):
        load_content(content_copy)


def test_yaml_merge_keys_are_not_repetitions() -> None:
    """`<<: *base` then overriding one of its keys is how YAML shares entries, not a mistake."""
    document = "base: &base {label: Knees, id: knee}\nother:\n  <<: *base\n  id: hips\n"
    loaded = yaml.load(document, Loader=UniqueKeyLoader)
    assert loaded["other"] == {"label": "Knees", "id": "hips"}


def test_the_bot_will_not_start_on_content_a_platform_would_refuse(content_copy: Path) -> None:
    """The same limits stop `hipstep chat` (and `run`) at start, not at the first press."""
    edited("faq.yaml", long_topic_id)(content_copy)
    done = cli("chat", stdin="hi\n", env={"CONTENT_DIR": str(content_copy)})
    assert done.returncode == 2
    assert "faq.yaml" in done.stderr and "64" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
