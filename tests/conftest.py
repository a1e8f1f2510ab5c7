"""Shared fixtures: one validated engine per test session, fresh stores and services per test."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from bot.app import load_engine
from bot.engine import Engine
from bot.service import CoachService
from bot.settings import Settings, load_settings
from bot.store.memory import MemoryStore
from bot.store.redis import safe_address

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RUN_PREFIX = f"hipstep-test-{uuid.uuid4().hex[:10]}"
_prefix_numbers = itertools.count()


@pytest.fixture(autouse=True, scope="session")
def _snapshots_in_a_temporary_directory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Content snapshots made by test runs (and the bots they start) never land in the user's
    cache directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENT_SNAPSHOT_DIR", str(tmp_path_factory.mktemp("snapshots")))
        yield


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(store_url="memory://")


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    return load_engine(settings)


@pytest.fixture
def service(engine: Engine) -> CoachService:
    return CoachService(engine, MemoryStore())


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The shared Redis, or a skip (a failure when REQUIRE_REDIS=1); our keys are removed after."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis not reachable at {safe_address(REDIS_URL)} ({exc}); set REDIS_URL"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    yield REDIS_URL
    doomed = list(client.scan_iter(match=f"{RUN_PREFIX}:*", count=1000))
    if doomed:
        client.delete(*doomed)
    client.close()


@pytest.fixture
def redis_prefix(redis_url: str) -> str:
    """A key prefix of this test alone, inside this run's prefix."""
    return f"{RUN_PREFIX}:{next(_prefix_numbers)}"
