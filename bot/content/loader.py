"""Loads `content/` and validates it against the models.

A broken file fails with the file, the entry and what is wrong (ContentError), never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from string import Formatter

from pydantic import BaseModel, ValidationError

from bot.content.base import ContentError
from bot.content.models import Content

logger = logging.getLogger(__name__)

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
    from bot.content.files import read_yaml  # PyYAML: not needed for content from a snapshot

    if not directory.exists():
        raise ContentError(f"{directory}: content directory not found")
    if not directory.is_dir():
        raise ContentError(f"{directory}: is a file, expected the content directory")
    raw: dict[str, object] = {}
    for field_name, filename in FILES.items():
        path = directory / filename
        data = read_yaml(path)
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
