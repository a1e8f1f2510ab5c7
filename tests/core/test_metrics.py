"""Metrics: what an operator's Prometheus scrape shows, and /healthz following the store."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from adapters import metrics_http
from adapters.metrics_http import add_metrics_routes, serving_metrics
from bot.metrics import Metrics, create_metrics
from bot.settings import load_settings
from bot.store.base import Store
from bot.store.factory import open_store
from bot.store.memory import MemoryStore


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def _client(metrics: Metrics, store: Store) -> TestClient[Any, Any]:
    app = add_metrics_routes(web.Application(), metrics, store.ping)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def scrape_memory() -> AsyncIterator[tuple[Metrics, TestClient[Any, Any]]]:
    metrics = create_metrics()
    client = await _client(metrics, MemoryStore())
    yield metrics, client
    await client.close()


async def test_a_scrape_shows_what_the_bot_counted(
    scrape_memory: tuple[Metrics, TestClient[Any, Any]],
) -> None:
    metrics, client = scrape_memory
    metrics.updates.labels(platform="telegram", kind="text").inc(3)
    metrics.updates.labels(platform="discord", kind="choice").inc()
    metrics.store_errors.inc()
    metrics.retry_after.labels(platform="telegram").inc(2)
    metrics.faq_declines.labels(platform="telegram").inc()
    metrics.turn_seconds.labels(platform="telegram").observe(0.003)
    metrics.turn_seconds.labels(platform="telegram").observe(0.2)
    metrics.inbox_depth.labels(platform="telegram").set(4)
    metrics.inbox_oldest_seconds.labels(platform="telegram").set(1.5)

    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = _samples(await response.text())

    tg = (("platform", "telegram"),)
    assert samples["hipstep_updates_total", (("kind", "text"), *tg)] == 3
    assert samples["hipstep_updates_total", (("kind", "choice"), ("platform", "discord"))] == 1
    assert samples["hipstep_store_errors_total", ()] == 1
    assert samples["hipstep_retry_after_total", tg] == 2
    assert samples["hipstep_faq_declines_total", tg] == 1
    assert samples["hipstep_turn_seconds_count", tg] == 2
    assert samples["hipstep_turn_seconds_bucket", (("le", "0.005"), *tg)] == 1
    assert samples["hipstep_turn_seconds_sum", tg] == pytest.approx(0.203)
    assert samples["hipstep_inbox_depth", tg] == 4
    assert samples["hipstep_inbox_oldest_seconds", tg] == 1.5


async def test_each_metrics_set_counts_on_its_own() -> None:
    first, second = create_metrics(), create_metrics()
    first.store_errors.inc()
    assert first.registry.get_sample_value("hipstep_store_errors_total") == 1
    assert second.registry.get_sample_value("hipstep_store_errors_total") == 0


async def test_healthz_is_ok_while_the_store_answers(
    scrape_memory: tuple[Metrics, TestClient[Any, Any]],
) -> None:
    _, client = scrape_memory
    response = await client.get("/healthz")
    assert (response.status, await response.text()) == (200, "ok")


async def test_healthz_fails_when_redis_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = open_store(load_settings(store_url=f"redis://127.0.0.1:{port}/0"))
    client = await _client(create_metrics(), store)
    try:
        response = await client.get("/healthz")
        assert (response.status, await response.text()) == (503, "unavailable")
    finally:
        await client.close()
        await store.close()


async def test_healthz_fails_when_the_store_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics_http, "HEALTH_TIMEOUT", 0.05)

    class HangingStore(MemoryStore):
        async def ping(self) -> None:
            await asyncio.sleep(10)

    client = await _client(create_metrics(), HangingStore())
    try:
        assert (await client.get("/healthz")).status == 503
    finally:
        await client.close()


async def test_no_metrics_server_unless_metrics_port_is_set() -> None:
    settings = load_settings(store_url="memory://", metrics_port=None)
    async with serving_metrics(settings, create_metrics(), MemoryStore().ping) as port:
        assert port is None


async def test_metrics_port_serves_both_routes_until_the_bot_stops() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    settings = load_settings(store_url="memory://", metrics_port=str(free))
    metrics = create_metrics()
    metrics.updates.labels(platform="console", kind="command").inc()
    url = f"http://127.0.0.1:{free}"
    async with aiohttp.ClientSession() as http:
        async with serving_metrics(settings, metrics, MemoryStore().ping) as port:
            assert port == free
            async with http.get(f"{url}/metrics") as response:
                assert 'hipstep_updates_total{kind="command",platform="console"} 1.0' in (
                    await response.text()
                )
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{url}/healthz")


def test_a_blank_metrics_port_means_off() -> None:
    assert load_settings(store_url="memory://", metrics_port="").metrics_port is None
