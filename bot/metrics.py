"""The bot's Prometheus metrics: definitions only, on a registry of their own (one per test).

Adapters and the service record into these; adapters/metrics_http.py serves them. Nothing here
does I/O, so the core can import it freely.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

logger = logging.getLogger(__name__)

# A turn is engine + store + delivery: sub-millisecond on loopback, seconds when Telegram is slow.
TURN_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True)
class Metrics:
    """Every metric the bot exports, bound to one registry."""

    registry: CollectorRegistry
    updates: Counter
    store_errors: Counter
    retry_after: Counter
    faq_declines: Counter
    turn_seconds: Histogram
    inbox_depth: Gauge
    inbox_oldest_seconds: Gauge


def create_metrics(registry: CollectorRegistry | None = None) -> Metrics:
    """Define the metrics on `registry` (a fresh one by default, so tests never share counts)."""
    registry = registry if registry is not None else CollectorRegistry()
    return Metrics(
        registry=registry,
        updates=Counter(
            "hipstep_updates",
            "Updates handled, by platform and kind (command, choice, text, ...).",
            ["platform", "kind"],
            registry=registry,
        ),
        store_errors=Counter(
            "hipstep_store_errors",
            "Session store operations that failed (unreachable, timed out, ...).",
            registry=registry,
        ),
        retry_after=Counter(
            "hipstep_retry_after",
            "Sends retried because the platform answered RetryAfter / 429.",
            ["platform"],
            registry=registry,
        ),
        faq_declines=Counter(
            "hipstep_faq_declines",
            "Questions the FAQ matcher declined to answer (no confident match).",
            ["platform"],
            registry=registry,
        ),
        turn_seconds=Histogram(
            "hipstep_turn_seconds",
            "Time the core took for one turn: checks, session load, engine, save.",
            ["platform"],
            buckets=TURN_BUCKETS,
            registry=registry,
        ),
        inbox_depth=Gauge(
            "hipstep_inbox_depth",
            "Updates received and not yet handled (durable intake).",
            ["platform"],
            registry=registry,
        ),
        inbox_oldest_seconds=Gauge(
            "hipstep_inbox_oldest_seconds",
            "Age of the oldest update still waiting in the inbox.",
            ["platform"],
            registry=registry,
        ),
    )
