"""The aiohttp request class, driven through a real telegram.Bot against a loopback server."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import socket
import ssl
import subprocess
import time
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from adapters.telegram.request import AiohttpRequest, certifi_context, closing_requests

TOKEN = "123456:REQUEST-test"
CHAT = {"id": 42, "type": "private", "first_name": "Ann"}
ME = {"id": 7, "is_bot": True, "first_name": "Coach", "username": "CoachBot"}


@dataclass
class Received:
    """What one request looked like on the wire."""

    method: str
    content_type: str
    user_agent: str
    body: bytes
    cookie: str = ""
    files: dict[str, tuple[str | None, str, bytes]] = field(default_factory=dict)


class LoopbackApi:
    """A tiny Bot API: records each request, answers like Telegram, or never answers."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.received: list[Received] = []
        self.reject_token = False
        self.hang = asyncio.Event()
        self.release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.tls)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self.release.set()
        assert self._runner is not None
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.reject_token:
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return web.json_response(body, status=401)
        if self.hang.is_set():
            await self.release.wait()
        received = Received(
            method,
            request.content_type,
            request.headers.get("User-Agent", ""),
            b"",
            cookie=request.headers.get("Cookie", ""),
        )
        if request.content_type.startswith("multipart/"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    received.files[name] = (value.filename, value.content_type, value.file.read())
        else:
            received.body = await request.read()
        self.received.append(received)
        answer = web.json_response({"ok": True, "result": _result(method)})
        answer.set_cookie("session", "from-the-server")  # the Bot API sets none; a proxy might
        return answer


def _result(method: str) -> Any:
    if method == "getMe":
        return ME
    if method == "answerCallbackQuery":
        return True
    return {"message_id": 5, "date": 0, "chat": CHAT, "text": "ok"}


@pytest.fixture
async def api() -> AsyncIterator[LoopbackApi]:
    server = LoopbackApi()
    await server.start()
    yield server
    await server.close()


RequestFactory = Callable[[], BaseRequest]
BOTH = pytest.mark.parametrize(
    "make_request", [HTTPXRequest, AiohttpRequest], ids=["httpx", "aiohttp"]
)


def _bot(api: LoopbackApi, request: BaseRequest) -> Bot:
    return Bot(TOKEN, base_url=api.base_url, request=request, get_updates_request=request)


async def _coaching_calls(api: LoopbackApi, request: BaseRequest) -> list[Received]:
    """What the coach does most: a keyboard message, an edit, a button answered."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Glutes <3", callback_data="quiz:v1:goal:glutes")],
            [InlineKeyboardButton("Knees & balance", callback_data="quiz:v1:goal:balance")],
        ]
    )
    text = '<b>Hip thrust</b> or step-up? Pick a goal — ünïcode & 100% "quotes"'
    async with _bot(api, request) as bot:
        await bot.send_message(CHAT["id"], text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        await bot.edit_message_text(
            "<i>Saved</i>",
            chat_id=42,
            message_id=5,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
        await bot.answer_callback_query("cbq-1", text="Noted", show_alert=False)
    return [r for r in api.received if r.method != "getMe"]


def parameters(received: Received) -> dict[str, str]:
    """A request's parameters however they were encoded (PTB's form, or our JSON body): every
    value as text, nested values as canonical JSON."""
    if received.content_type == "application/json":
        raw: dict[str, Any] = json.loads(received.body)
    else:
        raw = dict(parse_qsl(received.body.decode(), keep_blank_values=True))
    canonical = {}
    for name, value in raw.items():
        if isinstance(value, str) and value[:1] in "{[":
            value = json.loads(value)
        canonical[name] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return canonical


async def test_coach_calls_reach_the_api_with_the_same_parameters_as_with_httpx(
    api: LoopbackApi,
) -> None:
    with_httpx = await _coaching_calls(api, HTTPXRequest())
    api.received.clear()
    with_aiohttp = await _coaching_calls(api, AiohttpRequest())

    methods = ["sendMessage", "editMessageText", "answerCallbackQuery"]
    assert [r.method for r in with_aiohttp] == [r.method for r in with_httpx] == methods
    assert [parameters(r) for r in with_aiohttp] == [parameters(r) for r in with_httpx]
    assert {r.content_type for r in with_aiohttp} == {"application/json"}
    assert "reply_markup" in parameters(with_aiohttp[0])


async def test_cookies_are_neither_kept_nor_sent_back(api: LoopbackApi) -> None:
    """The Bot API authenticates by the token in the URL; a jar would only cost time per call."""
    by_name = f"http://localhost:{api.port}/bot"  # jars refuse cookies from bare IP addresses
    request = AiohttpRequest()
    async with Bot(TOKEN, base_url=by_name, request=request, get_updates_request=request) as bot:
        await bot.send_message(CHAT["id"], "one")
        await bot.send_message(CHAT["id"], "two")
    assert len(api.received) == 3  # getMe, then both messages
    assert [r.cookie for r in api.received] == ["", "", ""]


@BOTH
async def test_a_document_upload_arrives_intact(
    api: LoopbackApi, make_request: RequestFactory
) -> None:
    content = bytes(range(256)) * 40
    async with _bot(api, make_request()) as bot:
        await bot.send_document(42, InputFile(content, filename="plan.pdf"), caption="Your plan")

    upload = api.received[-1]
    assert upload.method == "sendDocument"
    assert upload.files == {"document": ("plan.pdf", "application/pdf", content)}


async def test_an_api_that_never_answers_times_out_within_the_read_timeout(
    api: LoopbackApi,
) -> None:
    async with _bot(api, AiohttpRequest(read_timeout=0.3)) as bot:
        api.hang.set()
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(42, "hello?")
        assert time.monotonic() - started < 1.5
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(42, "hello again?", read_timeout=0.1)
        assert time.monotonic() - started < 0.6


async def test_a_closed_port_is_a_network_error_not_a_timeout() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    with pytest.raises(NetworkError) as caught:
        await bot.initialize()
    assert not isinstance(caught.value, TimedOut)
    assert "ClientConnectorError" in caught.value.message
    await bot.shutdown()
    assert request.is_closed


async def test_shutdown_closes_the_session_without_an_unclosed_warning(api: LoopbackApi) -> None:
    request = AiohttpRequest()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with _bot(api, request) as bot:
            await bot.send_message(42, "hi")
        await request.shutdown()  # twice is fine
        del bot, request
        gc.collect()
    assert [str(w.message) for w in caught if "nclosed" in str(w.message)] == []


async def test_a_request_is_usable_again_after_initialize_shutdown_initialize(
    api: LoopbackApi,
) -> None:
    request = AiohttpRequest()
    await request.initialize()
    await request.initialize()
    await request.shutdown()
    assert request.is_closed
    async with _bot(api, request) as bot:
        await bot.send_message(42, "back")
    assert request.is_closed
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{api.base_url}{TOKEN}/getMe", "POST")


async def test_a_rejected_token_at_start_up_leaves_no_session_open(api: LoopbackApi) -> None:
    api.reject_token = True
    requests = AiohttpRequest(), AiohttpRequest()
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .request(requests[0])
        .get_updates_request(requests[1])
        .build()
    )
    with pytest.raises(InvalidToken):
        async with closing_requests(app), app:
            pytest.fail("the app must not start with a rejected token")
    assert all(request.is_closed for request in requests)


@pytest.mark.parametrize("from_env", [True, False], ids=["HTTP_PROXY", "proxy="])
async def test_requests_go_through_the_configured_proxy(
    api: LoopbackApi, monkeypatch: pytest.MonkeyPatch, from_env: bool
) -> None:
    proxy = f"http://127.0.0.1:{api.port}"
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    if from_env:
        monkeypatch.setenv("HTTP_PROXY", proxy)
    request = AiohttpRequest() if from_env else AiohttpRequest(proxy=proxy)
    unreachable = "http://api.telegram.invalid/bot"
    async with Bot(TOKEN, base_url=unreachable, request=request) as bot:
        await bot.send_message(42, "via the proxy")
    assert [r.method for r in api.received] == ["getMe", "sendMessage"]


def test_tls_trusts_certifis_authorities_and_checks_host_names() -> None:
    context = certifi_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 100


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_an_api_with_an_untrusted_certificate_is_refused(tmp_path: Any) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-days",
            "1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    server = LoopbackApi(tls)
    await server.start()
    bot = Bot(TOKEN, base_url=f"https://127.0.0.1:{server.port}/bot", request=AiohttpRequest())
    try:
        with pytest.raises(NetworkError, match=r"(?i)certificate"):
            await bot.initialize()
    finally:
        await bot.shutdown()
        await server.close()
    assert server.received == []
