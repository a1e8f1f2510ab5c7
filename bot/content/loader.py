"""Loads `content/` and validates it against the models.

A broken file fails with the file, the entry and what is wrong (ContentError), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.models import Content

logger = logging.getLogger(__name__)

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


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
}


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from None


def _describe(path: Path, raw: object, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        entry = _entry_name(raw, loc)
        lines.append(f"{path.name}: {where}{entry}: {err['msg']}")
    return "\n".join(lines)


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
    if not directory.is_dir():
        raise ContentError(f"{directory}: content directory not found")
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
        return Content.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ContentError(f"{directory}: {problems}") from None
