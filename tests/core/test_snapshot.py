"""Snapshots of the prepared content (checked, FAQ indexed): the same as a full load, and never
served once anything changed."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import snapshot as snapshots_module
from bot.content import ContentError, load_content
from bot.prepared import Prepared, prepare
from bot.settings import default_content_dir, default_snapshot_dir, load_settings
from bot.snapshot import SNAPSHOT_FILE, code_files, load_with_snapshot, snapshot_key

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    return tmp_path / "snapshots"


@pytest.fixture
def full_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The directories fully loaded (parsed and validated) from here on."""
    loaded: list[Path] = []

    def counting(directory: Path) -> Prepared:
        loaded.append(directory)
        return prepare(directory)

    monkeypatch.setattr(snapshots_module, "prepare", counting)
    return loaded


def test_a_snapshot_holds_what_a_full_load_gives(content_copy: Path, snapshots: Path) -> None:
    first = load_with_snapshot(content_copy, snapshots)
    assert (snapshots / SNAPSHOT_FILE).is_file()
    again = load_with_snapshot(content_copy, snapshots)
    fresh = prepare(content_copy)
    assert again is not first
    assert again.content == fresh.content
    assert again.content.model_dump() == fresh.content.model_dump()
    assert vars(again.matcher).keys() == vars(fresh.matcher).keys()
    for text in [t.question for t in fresh.content.faq.topics] + ["hip thurst for knees?", "hi"]:
        assert again.matcher.match(text) == fresh.matcher.match(text)


def test_a_matching_snapshot_is_neither_parsed_nor_validated(
    content_copy: Path, snapshots: Path, full_loads: list[Path]
) -> None:
    load_with_snapshot(content_copy, snapshots)
    load_with_snapshot(content_copy, snapshots)
    assert full_loads == [content_copy]


def test_an_edited_content_file_is_never_served_stale(content_copy: Path, snapshots: Path) -> None:
    before = load_with_snapshot(content_copy, snapshots).content
    topic = before.faq.topics[0]
    edited = topic.question.upper()  # same length, same size of file: only the bytes differ
    faq = content_copy / "faq.yaml"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace(topic.question, edited), encoding="utf-8"
    )
    after = load_with_snapshot(content_copy, snapshots).content
    assert after.topic(topic.id).question == edited != topic.question


def test_content_broken_after_its_snapshot_is_refused(content_copy: Path, snapshots: Path) -> None:
    load_with_snapshot(content_copy, snapshots)
    (content_copy / "goals.yaml").write_text("goals: []\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"goals\.yaml"):
        load_with_snapshot(content_copy, snapshots)
    (content_copy / "goals.yaml").unlink()
    with pytest.raises(ContentError, match="missing"):
        load_with_snapshot(content_copy, snapshots)


def test_changed_code_is_a_miss(
    content_copy: Path,
    snapshots: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    full_loads: list[Path],
) -> None:
    load_with_snapshot(content_copy, snapshots)
    key = snapshot_key(content_copy)
    edited = tmp_path / "models.py"
    edited.write_text("# the models, changed\n")
    original = code_files()
    monkeypatch.setattr(snapshots_module, "code_files", lambda: [*original, edited])
    assert snapshot_key(content_copy) != key
    load_with_snapshot(content_copy, snapshots)
    assert full_loads == [content_copy, content_copy]


def test_the_key_covers_every_module_that_loading_content_runs() -> None:
    """Code outside code_files() that validation used could change with the snapshot kept."""
    program = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bot.prepared import prepare\n"
        "prepare(Path('content'))\n"
        "print(json.dumps(sorted(m.__file__ for n, m in list(sys.modules.items())\n"
        "    if n.startswith('bot.') and getattr(m, '__file__', None))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=True
    )
    used = {Path(name).resolve() for name in json.loads(done.stdout)}
    assert used - {path.resolve() for path in code_files()} == set()


def test_a_damaged_snapshot_is_a_miss_and_rewritten(content_copy: Path, snapshots: Path) -> None:
    load_with_snapshot(content_copy, snapshots)
    path = snapshots / SNAPSHOT_FILE
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert load_with_snapshot(content_copy, snapshots).content == load_content(content_copy)
    assert path.read_bytes() == whole


def test_a_snapshot_others_may_write_is_not_read(
    content_copy: Path, snapshots: Path, full_loads: list[Path]
) -> None:
    load_with_snapshot(content_copy, snapshots)
    os.chmod(snapshots, 0o777)
    load_with_snapshot(content_copy, snapshots)
    assert full_loads == [content_copy, content_copy]


def test_a_snapshot_written_under_a_lenient_umask_is_still_read(
    content_copy: Path, snapshots: Path, full_loads: list[Path]
) -> None:
    previous = os.umask(0o002)
    try:
        load_with_snapshot(content_copy, snapshots)
    finally:
        os.umask(previous)
    load_with_snapshot(content_copy, snapshots)
    assert full_loads == [content_copy]


def test_nowhere_to_write_still_loads(content_copy: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    prepared = load_with_snapshot(content_copy, blocked / "snapshots")
    assert prepared.content == load_content(content_copy)
    assert blocked.is_file()
    assert load_with_snapshot(content_copy, None).content == load_content(content_copy)


def test_snapshots_live_in_the_user_cache_and_an_empty_setting_turns_them_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_snapshot_dir() == tmp_path / "hipstep"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert default_snapshot_dir() == Path.home() / ".cache" / "hipstep"
    monkeypatch.setenv("CONTENT_SNAPSHOT_DIR", "")
    assert load_settings().content_snapshot_dir is None
