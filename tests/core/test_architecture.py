"""Arrows point inward: the core imports no platform library and no adapter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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


def test_adapters_do_not_import_each_other() -> None:
    for module in (ROOT / "adapters").glob("*.py"):
        source = module.read_text()
        others = {"telegram_bot", "discord_bot", "console"} - {module.stem}
        for other in others:
            assert f"adapters.{other}" not in source, f"{module.name} imports {other}"
