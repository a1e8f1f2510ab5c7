"""Validated content kept on disk, so that a start-up need not parse YAML nor check the models.

A snapshot is served only when its key matches, and the key is a hash of every content file's
bytes, of the source that decides what valid content is (this package, the core vocabulary its
checks use), and of the Python, pydantic and PyYAML that made it. Anything changed is a miss:
the content is loaded and checked as usual (errors and all), then the snapshot rewritten.
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

from bot.content.loader import FILES, load_content
from bot.content.models import Content

logger = logging.getLogger(__name__)

SNAPSHOT_FILE = "content.pickle"
FORMAT = b"hipstep content snapshot 1"
_BOT = Path(__file__).resolve().parents[1]


def code_files() -> list[Path]:
    """The source that decides what valid content is and what it loads into: this package, and
    the core vocabulary its checks use (the commands that texts.yaml must describe)."""
    return [*sorted((_BOT / "content").glob("*.py")), _BOT / "messages.py", _BOT / "buttons.py"]


def snapshot_key(directory: Path) -> bytes | None:
    """The hash a snapshot of `directory` must carry; None when a file cannot be read."""
    digest = hashlib.sha256(FORMAT)
    for version in (sys.version, pydantic.VERSION, pydantic_core.__version__):
        digest.update(version.encode() + b"\n")
    yaml_spec = find_spec("yaml")  # its source, not its import: PyYAML costs ~9 ms to import
    if yaml_spec is None or yaml_spec.origin is None:
        return None
    sources = [
        *(directory / name for name in FILES.values()),
        *code_files(),
        Path(yaml_spec.origin),
    ]
    try:
        for path in sources:
            data = path.read_bytes()
            digest.update(f"{path.name} {len(data)}\n".encode())
            digest.update(data)
    except OSError:
        return None  # the full load says what is wrong
    return digest.hexdigest().encode()


def load_with_snapshot(directory: Path, snapshots: Path | None) -> Content:
    """The content of `directory`, from a matching snapshot in `snapshots` when there is one."""
    key = snapshot_key(directory) if snapshots is not None else None
    if snapshots is None or key is None:
        return load_content(directory)  # snapshots off, or a file the full load will name
    path = snapshots / SNAPSHOT_FILE
    content = _read(path, key)
    if content is None:
        content = load_content(directory)
        if snapshot_key(directory) == key:  # not edited while it was being loaded
            _write(path, key, content)
    return content


def _read(path: Path, key: bytes) -> Content | None:
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
        content = pickle.loads(body)
    except Exception as exc:  # a damaged file: load as if there were none
        kind = type(exc).__name__
        logger.warning("content snapshot %s unreadable (%s): loading content", path, kind)
        return None
    return content if isinstance(content, Content) else None


def _ours(path: Path) -> bool:
    """Unpickling runs code: read only what this user owns and no one else may change."""
    if not hasattr(os, "getuid"):
        return False  # no owners to check (Windows): no snapshots
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _write(path: Path, key: bytes, content: Content) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = key + b"\n" + pickle.dumps(content, pickle.HIGHEST_PROTOCOL)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:  # whatever the umask
            file.write(data)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError) as exc:
        logger.debug("content snapshot not written to %s: %s", path, exc)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
