"""Reading one content file: YAML, safely, refusing a key repeated in one mapping.

Kept apart from the loader so that content served from a snapshot (bot/snapshot.py)
never imports PyYAML at all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from bot.content.base import ContentError

logger = logging.getLogger(__name__)

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKey(yaml.YAMLError):
    """A mapping with the same key twice."""


class UniqueKeyLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loading that refuses a key repeated in one mapping (else the second silently wins).

    Only the constructor is overridden, so libyaml still does the parsing when it is installed.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                earlier = first_line.get(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if earlier is not None:
                raise DuplicateKey(f"line {line}: key {key!r} repeats line {earlier}")
            first_line[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def read_yaml(path: Path) -> object:
    """Parse one file; every way it can be unreadable becomes one ContentError line."""
    try:
        text = path.read_bytes().decode("utf-8")
        return yaml.load(text, Loader=UniqueKeyLoader)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except IsADirectoryError:
        raise ContentError(f"{path}: is a directory, expected a YAML file") from None
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ContentError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except RecursionError:
        raise ContentError(f"{path}: nested too deeply") from None
    except DuplicateKey as exc:
        raise ContentError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {_one_line(exc)}") from None


def _one_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{problem}{where}"
