"""Redis store: several workers share sessions and an inbox; every write is one Lua script."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from bot.session import Session
from bot.store.base import (
    InboxEntry,
    SessionKey,
    Store,
    StoreConfigError,
    StoreUnavailable,
    VersionConflict,
)
from bot.store.redis_inbox import RedisInbox
from bot.store.redis_records import RedisRecords

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 1.5

# KEYS: session hash, user index set. ARGV: expected version, new version, body, ttl ms, chat.
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'version') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'body', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
"""

# KEYS: session hash, user index set. ARGV: chat.
_DELETE = """
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
"""

# KEYS: user index set. ARGV: session key stem of this user, event key stem, event ttl ms.
# The session keys share the index's hash tag, so they live in the same cluster slot as the key
# the script declares; the event marks do not (a Redis Cluster would need them declared).
# Each deleted session's seen event ids are marked seen, so a re-delivered update stays a
# duplicate after the session is gone.
_FORGET = """
local removed = 0
for _, chat in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    local key = ARGV[1] .. chat
    local body = redis.call('HGET', key, 'body')
    if body then
        local ok, doc = pcall(cjson.decode, body)
        if ok and type(doc) == 'table' and type(doc.seen_events) == 'table' then
            for _, id in ipairs(doc.seen_events) do
                redis.call('SET', ARGV[2] .. tostring(id), '1', 'PX', ARGV[3])
            end
        end
    end
    removed = removed + redis.call('DEL', key)
end
redis.call('DEL', KEYS[1])
return removed
"""

# ReadOnly/MasterDown: a failover is in progress; the next attempt may reach the new primary.
_OUTAGES = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.MasterDownError,
    OSError,
)


def _part(text: str) -> str:
    """Escape one key component so ids holding ':' or braces can neither collide nor split."""
    return text.replace("%", "%25").replace(":", "%3A").replace("{", "%7B").replace("}", "%7D")


def safe_address(url: str) -> str:
    """scheme://host:port/db (or the socket path) of a Redis URL: fit for logs, no password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    try:
        port: object = parts.port or 6379
    except ValueError:
        port = "?"
    db = parts.path.strip("/") or "0"
    return f"{parts.scheme}://{parts.hostname or 'localhost'}:{port}/{db}"


def _check_url(url: str, prefix: str) -> None:
    """Reject what redis-py would accept silently (a db that is no number) or choke on later."""
    parts = urlsplit(url)
    where = safe_address(url)
    try:
        _ = parts.port
    except ValueError:
        raise StoreConfigError(f"STORE_URL {where}: the port must be a number 1-65535") from None
    db = parts.path.strip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        raise StoreConfigError(f"STORE_URL {where}: the database after '/' must be a number")
    if not prefix or any(c in prefix for c in "{} \t\n"):
        raise StoreConfigError(f"STORE_PREFIX {prefix!r}: needs a non-empty name without braces")


class RedisStore(Store):
    """Sessions are hashes {version, body} with an idle TTL, indexed per user for /forget.

    Layout (`p` = prefix; the `{platform:user}` hash tag keeps one user's keys in one slot):
    `p:session:{platform:user}:chat`, `p:user:{platform:user}`, `p:event:<event id>`;
    the inbox's keys are described in bot.store.redis_inbox.
    """

    shared = True

    def __init__(
        self,
        client: Redis,
        prefix: str,
        session_ttl: float = 7 * 24 * 3600,
        event_ttl: float = 24 * 3600,
        address: str = "redis",
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._session_ttl_ms = max(1, round(session_ttl * 1000))
        self._event_ttl_ms = max(1, round(event_ttl * 1000))
        self._address = address
        self._save = client.register_script(_SAVE)
        self._delete = client.register_script(_DELETE)
        self._forget = client.register_script(_FORGET)
        self._event_stem = f"{prefix}:event:"
        self._inbox = RedisInbox(client, prefix, self._event_ttl_ms, _part, self._reaching)
        self._records = RedisRecords(client, prefix, self._reaching)

    @classmethod
    def from_url(
        cls,
        url: str,
        prefix: str = "hipstep",
        session_ttl: float = 7 * 24 * 3600,
        event_ttl: float = 24 * 3600,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> RedisStore:
        """Connect lazily; short timeouts so an outage becomes a quick 'try again' reply."""
        _check_url(url, prefix)
        try:
            client = Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                # One quick retry on a dropped connection: after a Redis restart the pooled
                # sockets are dead and the first command on each must reconnect. Timeouts are
                # not retried: the script may have run, and running it again would conflict.
                retry=Retry(
                    ExponentialBackoff(cap=0.2, base=0.05),
                    1,
                    supported_errors=(redis_errors.ConnectionError,),
                ),
                health_check_interval=30,
            )
        except ValueError as exc:
            raise StoreConfigError(f"STORE_URL {safe_address(url)}: {exc}") from None
        return cls(client, prefix, session_ttl, event_ttl, address=safe_address(url))

    def __repr__(self) -> str:
        return f"RedisStore({self._address}, prefix={self._prefix!r})"

    def _tag(self, platform: str, user: str) -> str:
        return "{" + f"{_part(platform)}:{_part(user)}" + "}"

    def _session_stem(self, platform: str, user: str) -> str:
        return f"{self._prefix}:session:{self._tag(platform, user)}:"

    def _keys(self, key: SessionKey) -> list[str]:
        """The session hash and its user's index set."""
        session = self._session_stem(key.platform, key.user) + _part(key.chat)
        return [session, f"{self._prefix}:user:{self._tag(key.platform, key.user)}"]

    @asynccontextmanager
    async def _reaching(self, operation: str) -> AsyncIterator[None]:
        """Turn every way of not reaching Redis into StoreUnavailable, naming where and what."""
        try:
            yield
        except _OUTAGES as exc:
            detail = str(exc) or type(exc).__name__
            raise StoreUnavailable(f"redis {self._address} {operation}: {detail}") from exc

    async def load(self, key: SessionKey) -> Session | None:
        async with self._reaching("load"):
            body: bytes | str | None = await self._redis.hget(self._keys(key)[0], "body")
        return None if body is None else Session.from_json(body)

    async def save(self, key: SessionKey, session: Session, expected_version: int) -> None:
        body = session.to_json()
        args: list[str | int] = [expected_version, session.version, body, self._session_ttl_ms]
        async with self._reaching("save"):
            written = await self._save(keys=self._keys(key), args=[*args, _part(key.chat)])
        if not written:
            raise VersionConflict(str(key))

    async def delete(self, key: SessionKey) -> None:
        async with self._reaching("delete"):
            await self._delete(keys=self._keys(key), args=[_part(key.chat)])

    async def forget_user(self, platform: str, user: str) -> int:
        index = f"{self._prefix}:user:{self._tag(platform, user)}"
        async with self._reaching("forget_user"):
            removed = await self._forget(
                keys=[index],
                args=[self._session_stem(platform, user), self._event_stem, self._event_ttl_ms],
            )
        return int(removed)

    async def mark_seen(self, event_id: str) -> bool:
        async with self._reaching("mark_seen"):
            first = await self._redis.set(
                self._event_stem + event_id, b"1", nx=True, px=self._event_ttl_ms
            )
        return bool(first)

    async def seen(self, event_id: str) -> bool:
        async with self._reaching("seen"):
            return bool(await self._redis.exists(self._event_stem + event_id))

    async def inbox_put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        return await self._inbox.put(platform, entries)

    async def inbox_claim(
        self, platform: str, consumer: str, limit: int, min_idle: float
    ) -> list[InboxEntry]:
        return await self._inbox.claim(platform, consumer, limit, min_idle)

    async def inbox_touch(self, platform: str, consumer: str, ids: Sequence[str]) -> None:
        await self._inbox.touch(platform, consumer, ids)

    async def inbox_done(self, platform: str, ids: Sequence[str]) -> None:
        await self._inbox.done(platform, ids)

    async def inbox_stats(self, platform: str) -> tuple[int, float]:
        return await self._inbox.stats(platform)

    async def record_load(self, name: str) -> tuple[int, str] | None:
        return await self._records.load(name)

    async def record_save(self, name: str, body: str, expected_version: int) -> int:
        return await self._records.save(name, body, expected_version)

    async def record_delete(self, name: str) -> None:
        await self._records.delete(name)

    async def record_names(self, prefix: str) -> list[str]:
        return await self._records.names(prefix)

    async def ping(self) -> None:
        async with self._reaching("ping"):
            await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
