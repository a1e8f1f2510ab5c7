"""Arrows point inward: a checked contract, read from every module's imports (AST, not text).

Rules: the core (`bot`) imports no adapter and no platform library; the store imports no adapter;
the Telegram, Discord and console adapters never import one another. Only the composition root
(`adapters/cli.py`, `adapters/__main__.py`) may import every adapter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSITION_ROOT = {"adapters.cli", "adapters.__main__"}
# (modules the rule applies to, imports they must not make)
RULES: list[tuple[str, tuple[str, ...]]] = [
    ("bot", ("adapters", "telegram", "discord")),
    ("bot.store", ("adapters", "bot.engine", "bot.service")),
    ("adapters.telegram", ("adapters.discord", "adapters.console", "discord")),
    ("adapters.discord", ("adapters.telegram", "adapters.console", "telegram")),
    ("adapters.console", ("adapters.telegram", "adapters.discord", "telegram", "discord")),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str) -> set[str]:
    """Every module a source imports, at any depth (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(module: str, source: str) -> list[str]:
    found = []
    for scope, forbidden in RULES:
        if module in COMPOSITION_ROOT or not (module == scope or module.startswith(scope + ".")):
            continue
        for name in imported_names(source):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{module} imports {name}")
    return found


def project_modules() -> list[Path]:
    return sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "adapters").rglob("*.py")])


def test_no_module_breaks_the_layering_contract() -> None:
    problems = [
        p for path in project_modules() for p in violations(module_name(path), path.read_text())
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("adapters.telegram.handlers", "from adapters.discord.render import render"),
        ("adapters.discord.app", "import adapters.telegram.app"),
        ("adapters.console", "def f():\n    from adapters.telegram import render\n"),
        ("bot.engine", "import telegram"),
        ("bot.store.redis", "from adapters.cli import main"),
    ],
)
def test_a_deliberate_cross_import_is_caught(module: str, source: str) -> None:
    assert violations(module, source), f"{module}: {source!r} should break the contract"


BLOCKER = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('telegram', 'discord', 'adapters'):
            raise ImportError('core imported ' + name)
sys.meta_path.insert(0, Block())
import bot
for info in pkgutil.walk_packages(bot.__path__, 'bot.'):
    if info.name not in ('bot.__main__',):
        importlib.import_module(info.name)
print('ok')
"""


def test_core_imports_without_telegram_discord_or_adapters() -> None:
    done = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
