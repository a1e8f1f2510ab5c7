"""A python-telegram-bot request class on one aiohttp ClientSession: cheaper per call than httpx.

PTB's default HTTPXRequest spends most of an update's CPU in httpx/httpcore/anyio. This class
speaks the same BaseRequest contract (timeouts with DEFAULT_NONE semantics, TimedOut and
NetworkError, multipart uploads) over a pooled aiohttp connector, with certifi's CA bundle for
TLS, and sends JSON bodies (PTB's `RequestData.parameters`, as PTB documents for custom
encoders). Use one instance for `request` and another for `get_updates_request`.
"""

from __future__ import annotations

import functools
import json
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import certifi
import orjson
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData
from yarl import URL

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]

JSON_HEADERS = {"Content-Type": "application/json"}
NO_PROXY: tuple[URL | None, aiohttp.BasicAuth | None] = (None, None)


@functools.cache
def certifi_context() -> ssl.SSLContext:
    """One verifying TLS context per process, trusting certifi's CA bundle."""
    return ssl.create_default_context(cafile=certifi.where())


class AiohttpRequest(BaseRequest):
    """BaseRequest over aiohttp; arguments mean what they mean for PTB's HTTPXRequest.

    aiohttp has no per-write timeout: the write timeout bounds the whole exchange instead
    (connect + pool + write + read, when all are finite), so a stalled upload still ends.
    Proxies: `proxy` if given, else HTTPS_PROXY/NO_PROXY from the environment like httpx, read
    once per host (aiohttp's own trust_env re-reads the environment on every request).
    """

    __slots__ = (
        "_media_write_timeout",
        "_pool_size",
        "_proxies",
        "_proxy",
        "_session",
        "_timeouts",
        "_trust_env",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        *,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._trust_env = trust_env
        self._proxy = URL(proxy) if proxy else None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call passes none."""
        return self._timeouts[0]

    @property
    def is_closed(self) -> bool:
        """True before initialize() and after shutdown()."""
        return self._session is None or self._session.closed

    async def initialize(self) -> None:
        """Open the session (idempotent): it must be made inside the running event loop."""
        if self.is_closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (idempotent)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer, parsed by orjson (2-3x faster than json); text that is not valid
        UTF-8 is read as PTB reads it. A body that is no JSON is logged by its size only."""
        try:
            parsed: dict[str, Any] = orjson.loads(payload)
            return parsed
        except orjson.JSONDecodeError:
            pass
        try:
            parsed = json.loads(payload.decode("utf-8", "replace"))
            return parsed
        except ValueError:
            logger.error("Telegram answered %d bytes that are not JSON", len(payload))
            raise TelegramError("Invalid server response") from None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP exchange; PTB's BaseRequest turns the status and body into results/errors."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            has_files, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        data, headers = _body(request_data)
        tls = certifi_context() if url.startswith("https:") else None
        proxy, proxy_auth = self._proxy_for(url)
        try:
            async with session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=timeout,
                ssl=tls or True,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err

    def _proxy_for(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The explicit proxy, else the environment's for this URL's origin (looked up once)."""
        if self._proxy is not None:
            return self._proxy, None
        if not self._trust_env:
            return NO_PROXY
        origin = url[: url.find("/", url.find("//") + 2)]
        found = self._proxies.get(origin)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(origin))
            except LookupError:
                found = NO_PROXY
            self._proxies[origin] = found
        return found

    def _timeout(
        self,
        has_files: bool,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
    ) -> aiohttp.ClientTimeout:
        """PTB's timeouts, defaults filled in as HTTPXRequest does, mapped onto aiohttp's."""
        default_read, default_write, default_connect, default_pool = self._timeouts
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if has_files else default_write
        read = default_read if isinstance(read, DefaultValue) else read
        connect = default_connect if isinstance(connect, DefaultValue) else connect
        pool = default_pool if isinstance(pool, DefaultValue) else pool
        parts = (read, write, connect, pool)
        total = None if None in parts else sum(p for p in parts if p is not None)
        acquire = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=total, connect=acquire, sock_connect=connect, sock_read=read
        )


def _body(request_data: RequestData | None) -> tuple[Any, dict[str, str] | None]:
    """A JSON body (the Bot API takes one; orjson encodes a typical reply in under 1 µs, PTB's
    form encoding takes ~90 µs); multipart, as PTB sends it, when there are files."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return orjson.dumps(request_data.parameters), JSON_HEADERS
    fields = request_data.json_parameters
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


async def close_requests(app: TelegramApp) -> None:
    """Close the app's request objects: PTB skips that when `app.initialize()` fails."""
    await app.bot.shutdown()  # idempotent; also stops the rate limiter


@asynccontextmanager
async def closing_requests(app: TelegramApp) -> AsyncIterator[TelegramApp]:
    """`async with closing_requests(app), app:` leaves no open session, even on a bad token."""
    try:
        yield app
    finally:
        await close_requests(app)
