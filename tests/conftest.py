"""Shared fixtures: one validated engine per test session, fresh stores and services per test."""

from __future__ import annotations

import os

import pytest

from bot.app import load_engine
from bot.engine import Engine
from bot.service import CoachService
from bot.settings import Settings, load_settings
from bot.store.memory import MemoryStore

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(store_url="memory://")


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    return load_engine(settings)


@pytest.fixture
def service(engine: Engine) -> CoachService:
    return CoachService(engine, MemoryStore())
