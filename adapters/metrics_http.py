"""Serve /metrics (Prometheus text) and /healthz over aiohttp, alone or inside another aiohttp app.

Off unless METRICS_PORT is set. /healthz awaits a health check (e.g. the store's ping) and
answers 200 "ok", or 503 when the check raises or takes longer than HEALTH_TIMEOUT seconds.
A Prometheus scrape config for METRICS_PORT=9108:

    scrape_configs:
      - job_name: hipstep
        static_configs: [{targets: ["127.0.0.1:9108"]}]
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.metrics import Metrics
from bot.settings import Settings

logger = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[object]]
HEALTH_TIMEOUT = 2.0


def add_metrics_routes(
    app: web.Application, metrics: Metrics, health_check: HealthCheck
) -> web.Application:
    """Add GET /metrics and GET /healthz to `app` (e.g. the webhook server's) and return it."""
    app.router.add_get("/metrics", make_aiohttp_handler(metrics.registry))
    app.router.add_get("/healthz", _healthz_handler(health_check))
    return app


def _healthz_handler(health_check: HealthCheck) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def healthz(request: web.Request) -> web.Response:
        """200 when the check passes; 503 with a short reason (no details leak) otherwise."""
        try:
            await asyncio.wait_for(health_check(), HEALTH_TIMEOUT)
        except Exception as exc:
            logger.warning("health check failed: %r", exc)
            return web.Response(status=503, text="unavailable")
        return web.Response(text="ok")

    return healthz


@asynccontextmanager
async def serving_metrics(
    settings: Settings, metrics: Metrics, health_check: HealthCheck
) -> AsyncIterator[int | None]:
    """Serve the two routes on METRICS_HOST:METRICS_PORT while inside; yields the port or None."""
    if settings.metrics_port is None:
        yield None
        return
    app = add_metrics_routes(web.Application(), metrics, health_check)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
        port = runner.addresses[0][1]
        logger.info("metrics on http://%s:%s/metrics", settings.metrics_host, port)
        yield port
    finally:
        await runner.cleanup()
