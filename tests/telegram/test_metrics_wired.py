"""The running bot counts what it does: a scrape of the webhook server's /metrics after a few
updates shows them, and /healthz follows the store."""

from __future__ import annotations

import aiohttp

from adapters.telegram.app import build_application, running
from bot.engine import Engine
from bot.metrics import create_metrics
from bot.service import CoachService
from bot.store.base import StoreUnavailable
from bot.store.memory import MemoryStore
from tests.store.redis_server import free_port
from tests.telegram.conftest import telegram_settings
from tests.telegram.driver import Person, Telegram, private_chat
from tests.telegram.fake_telegram import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class SwitchableStore(MemoryStore):
    """A store a test can take down."""

    down = False

    async def ping(self) -> None:
        if self.down:
            raise StoreUnavailable("down for the test")


def sample(scrape: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in scrape.splitlines():
        if line.startswith(f"{name}{{{wanted}}} ") or line == f"{name} " + line.split()[-1]:
            return float(line.split()[-1])
    return 0.0


async def test_metrics_count_updates_declines_and_turns_and_healthz_follows_the_store(
    fake: FakeTelegram, engine: Engine, ann: Person
) -> None:
    port = free_port()
    settings = telegram_settings(
        fake,
        telegram_webhook_url=f"http://127.0.0.1:{port}/hook",
        telegram_webhook_port=port,
        telegram_webhook_secret="s3cret",
        metrics_port=port,
    )
    store = SwitchableStore()
    service = CoachService(engine, store, create_metrics())
    chat = private_chat(ann)
    driver = Telegram(fake, store)
    updates = [
        driver.message_update(chat, ann, "/help"),
        driver.message_update(chat, ann, "how high should the step be"),
        driver.message_update(chat, ann, "who won the football last night"),
    ]
    base = f"http://127.0.0.1:{port}"
    async with (
        running(build_application(settings, service), settings),
        aiohttp.ClientSession() as web,
    ):
        for n, update in enumerate(updates, start=1):
            body = update | {"update_id": n}
            async with web.post(f"{base}/hook", json=body, headers={SECRET_HEADER: "s3cret"}) as r:
                assert r.status == 200
        await fake.wait_for(lambda: len(fake.sent_to(ann.id)) == 3)
        async with web.get(f"{base}/metrics") as response:
            scrape = await response.text()
        async with web.get(f"{base}/healthz") as response:
            healthy = response.status
        store.down = True
        async with web.get(f"{base}/healthz") as response:
            unhealthy = response.status

    assert sample(scrape, "hipstep_updates_total", kind="text", platform="telegram") == 2
    assert sample(scrape, "hipstep_updates_total", kind="command", platform="telegram") == 1
    assert sample(scrape, "hipstep_faq_declines_total", platform="telegram") == 1
    assert sample(scrape, "hipstep_turn_seconds_count", platform="telegram") == 3
    assert (healthy, unhealthy) == (200, 503)
