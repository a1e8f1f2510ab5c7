"""SQLite faults: a bad file stops start-up in one line; trouble at run time means 'try again'."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.messages import Command, CommandEvent
from bot.service import CoachService
from bot.session import Session
from bot.store.base import SessionKey, StoreConfigError, StoreUnavailable
from bot.store.sqlite import SqliteStore

NOBODY = 65534


def complaint_on_opening(path: Path) -> str:
    """What opening the store says, as an unprivileged user (root ignores file permissions)."""
    if os.geteuid() != 0:
        with pytest.raises(StoreConfigError) as caught:
            SqliteStore(path)
        return str(caught.value)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe and exits
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            SqliteStore(path)
            said = "opened"
        except BaseException as exc:
            said = str(exc)
        os.write(writer, said.encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    with os.fdopen(reader, "rb") as pipe:
        return pipe.read().decode()


@pytest.fixture
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory another user may enter (pytest's own tmp dirs are private to root)."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"hipstep-ro-{os.getpid()}-{id(object())}"
    folder.mkdir(mode=0o755)
    yield folder
    for root, _, files in os.walk(folder):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(Path(root) / name, 0o644)
    for item in sorted(folder.rglob("*"), reverse=True):
        item.unlink() if item.is_file() else item.rmdir()
    folder.rmdir()


async def test_a_read_only_database_stops_start_up_until_it_is_writable_again(
    shared_dir: Path,
) -> None:
    path = shared_dir / "data" / "bot.db"
    await SqliteStore(path).close()
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)

    said = complaint_on_opening(path)
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)

    assert "read-only" in said and str(path) in said and "\n" not in said
    await SqliteStore(path).close()


async def test_a_garbage_file_stops_start_up_in_one_line_and_a_fresh_file_works(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    path.write_bytes(b"this is not a database, it is a grocery list\n" * 200)

    with pytest.raises(StoreConfigError, match="not a SQLite database") as caught:
        SqliteStore(path)

    assert "\n" not in str(caught.value)
    path.unlink()
    store = SqliteStore(path)
    await store.ping()
    await store.close()


@pytest.mark.parametrize(
    ("where", "complaint"),
    [("a-directory", "is a directory"), ("a-file/bot.db", "cannot create its directory")],
)
def test_a_path_that_cannot_hold_a_database_stops_start_up(
    tmp_path: Path, where: str, complaint: str
) -> None:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(StoreConfigError, match=complaint):
        SqliteStore(tmp_path / where)


async def test_a_full_disk_means_try_again_once_in_the_log_and_recovers_when_space_frees(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    store = SqliteStore(tmp_path / "bot.db", max_pages=16)  # the empty schema takes 13
    service = CoachService(engine, store)
    try_again = [engine.store_unavailable_reply()]
    answered: list[SessionKey] = []
    for n in range(10_000):
        newcomer = SessionKey("telegram", str(n), str(n))
        if await service.handle(newcomer, CommandEvent(Command.QUIZ), None) == try_again:
            break
        answered.append(newcomer)
    caplog.set_level(logging.INFO)
    more = [await service.handle(newcomer, CommandEvent(Command.QUIZ), None) for _ in range(3)]

    for user in answered:
        await store.delete(user)
    after = await service.handle(newcomer, CommandEvent(Command.QUIZ), None)

    assert 0 < len(answered) < 10_000
    assert more == [try_again] * 3
    assert after != try_again and after
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "full" in errors[0].getMessage()
    assert "reachable again" in caplog.text
    await store.close()


async def test_a_closed_store_says_unavailable_rather_than_raising_sqlite_errors(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "bot.db")
    await store.close()

    for call in (store.load(SessionKey("t", "1", "1")), store.mark_seen("x")):
        with pytest.raises(StoreUnavailable):
            await call
    with pytest.raises(StoreUnavailable):
        await store.save(SessionKey("t", "1", "1"), Session(version=1), 0)
