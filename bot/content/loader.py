"""Loads `content/` and validates it against the models.

A broken file fails with the file, the entry and what is wrong (ContentError), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from string import Formatter
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.models import Content

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


class ContentError(Exception):
    """Content that cannot be used; the message names the file, the entry and the problem."""


FILES = {
    "texts": "texts.yaml",
    "exercises": "exercises.yaml",
    "goals": "goals.yaml",
    "quiz": "quiz.yaml",
    "recommendation": "recommendation.yaml",
    "faq": "faq.yaml",
    "lexicon": "lexicon.yaml",
    "followups": "followups.yaml",
}

# Texts filled in with str.format and the fields each may use; every other text takes none.
PLACEHOLDERS: dict[str, set[str]] = {
    "menu_title": {"first", "last", "total"},
    "question_progress": {"number", "total"},
    "shared_by": {"name"},
}


def _read_yaml(path: Path) -> object:
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


def _describe(path: Path, raw: object, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        entry = _entry_name(raw, loc)
        problem = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{path.name}: {where}{entry}: {problem}")
    return "; ".join(lines)


def _entry_name(raw: object, loc: list[int | str]) -> str:
    """Name the list entry an error sits in by its id, so a coach can find it."""
    node = raw
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict) and "id" in node:
                return f" (id {node['id']!r})"
        else:
            break
    return ""


def load_content(directory: Path) -> Content:
    """Read and validate every content file in `directory`."""
    if not directory.exists():
        raise ContentError(f"{directory}: content directory not found")
    if not directory.is_dir():
        raise ContentError(f"{directory}: is a file, expected the content directory")
    raw: dict[str, object] = {}
    for field_name, filename in FILES.items():
        path = directory / filename
        data = _read_yaml(path)
        model = Content.model_fields[field_name].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        try:
            model.model_validate(data)
        except ValidationError as exc:
            raise ContentError(_describe(path, data, exc)) from None
        raw[field_name] = data
    try:
        content = Content.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ContentError(f"{directory}: {problems}") from None
    _check_placeholders(directory / FILES["texts"], content)
    return content


def _check_placeholders(path: Path, content: Content) -> None:
    """A `{name}` the code does not fill would raise KeyError the first time the text is shown."""
    texts = content.texts.model_dump()
    commands = texts.pop("commands")
    entries = [*texts.items(), *((f"commands.{k}", v) for k, v in commands.items())]
    for name, text in entries:
        if not isinstance(text, str):
            continue
        allowed = PLACEHOLDERS.get(name, set())
        try:
            used = {field for _, field, _, _ in Formatter().parse(text) if field is not None}
        except ValueError as exc:
            raise ContentError(f"{path.name}: {name}: braces do not pair up ({exc})") from None
        unknown = sorted(used - allowed)
        if unknown:
            allowed_text = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "none"
            raise ContentError(
                f"{path.name}: {name}: unknown placeholder {', '.join(map(repr, unknown))} "
                f"(allowed: {allowed_text})"
            )
