"""Prepared content kept on disk, so that a start need not parse YAML, check the models nor
index the FAQ (bot/prepared.py).

A snapshot is served only when its key matches, and the key is a hash of every content file's
bytes, of the source that decides what valid content is and how it is indexed (bot/content, the
core vocabulary its checks use, the matcher and normaliser), and of the Python and the libraries
that made it (pydantic, PyYAML, the stemmers). Anything changed is a miss: the content is loaded,
checked and indexed as usual (errors and all), then the snapshot rewritten.
Snapshots are an optimisation only: one that cannot be read or written is a miss, never an
error. One file per snapshot directory (the latest content loaded), written atomically.
CONTENT_SNAPSHOT_DIR= (empty) turns them off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
from importlib.util import find_spec
from pathlib import Path

import pydantic
import pydantic_core

from bot.content.loader import FILES
from bot.prepared import Prepared, prepare

logger = logging.getLogger(__name__)

SNAPSHOT_FILE = "content.pickle"
FORMAT = b"hipstep content snapshot 2"
_BOT = Path(__file__).resolve().parent
# Libraries whose code shaped what is kept (the YAML reading, the stems in the index): known by
# where they are installed, its size and time, without importing them (PyYAML alone costs ~9 ms
# to import, and content from a snapshot never needs it).
LIBRARIES = ("yaml", "snowballstemmer", "Stemmer")


def code_files() -> list[Path]:
    """The source that decides what valid content is, what it loads into and how it is indexed:
    bot/content, the core vocabulary its checks use (the commands texts.yaml must describe),
    the FAQ matcher and its normaliser."""
    return [
        *sorted((_BOT / "content").glob("*.py")),
        *(_BOT / name for name in ("messages.py", "buttons.py", "faq.py", "normalize.py")),
        _BOT / "prepared.py",
    ]


def snapshot_key(directory: Path) -> bytes | None:
    """The hash a snapshot of `directory` must carry; None when a file cannot be read."""
    digest = hashlib.sha256(FORMAT)
    for version in (sys.version, pydantic.VERSION, pydantic_core.__version__):
        digest.update(version.encode() + b"\n")
    sources = [*(directory / name for name in FILES.values()), *code_files()]
    try:
        for name in LIBRARIES:
            spec = find_spec(name)
            if spec is None or spec.origin is None:
                digest.update(f"{name} absent\n".encode())
                continue
            installed = os.stat(spec.origin)
            digest.update(f"{spec.origin} {installed.st_size} {installed.st_mtime_ns}\n".encode())
        for path in sources:
            data = path.read_bytes()
            digest.update(f"{path.name} {len(data)}\n".encode())
            digest.update(data)
    except OSError:
        return None  # the full load says what is wrong
    return digest.hexdigest().encode()


def load_with_snapshot(directory: Path, snapshots: Path | None) -> Prepared:
    """`directory` prepared, from a matching snapshot in `snapshots` when there is one."""
    key = snapshot_key(directory) if snapshots is not None else None
    if snapshots is None or key is None:
        return prepare(directory)  # snapshots off, or a file the full load will name
    path = snapshots / SNAPSHOT_FILE
    prepared = _read(path, key)
    if prepared is None:
        prepared = prepare(directory)
        if snapshot_key(directory) == key:  # not edited while it was being loaded
            _write(path, key, prepared)
    return prepared


def _read(path: Path, key: bytes) -> Prepared | None:
    try:
        if not (_ours(path.parent) and _ours(path)):
            return None
        data = path.read_bytes()
    except OSError:
        return None
    stored_key, _, body = data.partition(b"\n")
    if stored_key != key:
        return None
    try:
        prepared = pickle.loads(body)
    except Exception as exc:  # a damaged file: load as if there were none
        kind = type(exc).__name__
        logger.warning("content snapshot %s unreadable (%s): loading content", path, kind)
        return None
    return prepared if isinstance(prepared, Prepared) else None


def _ours(path: Path) -> bool:
    """Unpickling runs code: read only what this user owns and no one else may change."""
    if not hasattr(os, "getuid"):
        return False  # no owners to check (Windows): no snapshots
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _write(path: Path, key: bytes, prepared: Prepared) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = key + b"\n" + pickle.dumps(prepared, pickle.HIGHEST_PROTOCOL)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:  # whatever the umask
            file.write(data)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError) as exc:
        logger.debug("content snapshot not written to %s: %s", path, exc)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
