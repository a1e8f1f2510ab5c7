"""The Redis inbox: one stream per platform read by a consumer group, so any worker can resume
another's work (XAUTOCLAIM takes over entries a dead worker claimed and never acknowledged).

Keys (`p` = prefix, `{platform}` a hash tag so one platform's keys share a cluster slot):
`p:inbox:{platform}` the stream, `p:inbox-pending:{platform}` a hash update id -> stream id of
unfinished entries, `p:inbox-id:{platform}:<id>` a marker per received id (TTL = event TTL)
that makes writes idempotent. Each operation is one Lua script: one round trip, atomic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.store.base import InboxEntry

logger = logging.getLogger(__name__)

GROUP = "workers"

# KEYS: stream, pending hash, one marker per entry. ARGV: ttl ms, then id, payload per entry.
_PUT = """
local added = 0
for i = 3, #KEYS do
    local j = (i - 3) * 2 + 2
    if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
        local sid = redis.call('XADD', KEYS[1], '*', 'id', ARGV[j], 'p', ARGV[j + 1])
        redis.call('HSET', KEYS[2], ARGV[j], sid)
        added = added + 1
    end
end
return added
"""

# KEYS: stream. ARGV: group, consumer, min idle ms, limit. Idle entries first (they are older
# than anything never delivered), then new ones; each as {stream id, fields, attempts}.
_CLAIM = """
local out = {}
local limit = tonumber(ARGV[4])
local taken = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', limit)
for _, e in ipairs(taken[2]) do
    local info = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    out[#out + 1] = {e[1], e[2], info[1][4]}
end
if #out < limit then
    local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', limit - #out,
        'STREAMS', KEYS[1], '>')
    if fresh then
        for _, e in ipairs(fresh[1][2]) do out[#out + 1] = {e[1], e[2], 1} end
    end
end
return out
"""

# KEYS: stream, pending hash. ARGV: group, consumer, then update ids. XCLAIM to the consumer
# that holds the entry, with JUSTID, restarts its idle time without counting a delivery.
_TOUCH = """
local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0}
for i = 3, #ARGV do
    local sid = redis.call('HGET', KEYS[2], ARGV[i])
    if sid and #redis.call('XPENDING', KEYS[1], ARGV[1], sid, sid, 1, ARGV[2]) == 1 then
        args[#args + 1] = sid  -- still this consumer's: another may have taken it over
    end
end
if #args == 5 then return 0 end
args[#args + 1] = 'JUSTID'
return #redis.call(unpack(args))
"""

# KEYS: stream, pending hash. ARGV: group, then update ids.
_DONE = """
local sids = {}
for i = 2, #ARGV do
    local sid = redis.call('HGET', KEYS[2], ARGV[i])
    if sid then sids[#sids + 1] = sid end
end
if #sids > 0 then
    redis.call('XACK', KEYS[1], ARGV[1], unpack(sids))
    redis.call('XDEL', KEYS[1], unpack(sids))
    redis.call('HDEL', KEYS[2], unpack(ARGV, 2))
end
return #sids
"""

# KEYS: stream. Returns {depth, age of the oldest entry in ms by the server's clock}.
_STATS = """
local depth = redis.call('XLEN', KEYS[1])
if depth == 0 then return {0, 0} end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local now = redis.call('TIME')
local born = tonumber(string.match(first[1][1], '^(%d+)'))
return {depth, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - born}
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _entry(row: list[Any]) -> InboxEntry:
    """{stream id, [field, value, ...], attempts} -> InboxEntry; received_at from the id's ms."""
    stream_id, flat, attempts = row
    fields = {_text(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}
    received = int(_text(stream_id).split("-", 1)[0]) / 1000
    return InboxEntry(_text(fields["id"]), bytes(fields["p"]), received, int(attempts))


class RedisInbox:
    """The inbox half of RedisStore; `reaching` maps connection failures to StoreUnavailable."""

    def __init__(
        self,
        client: Redis,
        prefix: str,
        event_ttl_ms: int,
        part: Callable[[str], str],
        reaching: Callable[[str], AbstractAsyncContextManager[None]],
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._event_ttl_ms = event_ttl_ms
        self._part = part
        self._reaching = reaching
        self._grouped: set[str] = set()
        self._put = client.register_script(_PUT)
        self._claim = client.register_script(_CLAIM)
        self._touch = client.register_script(_TOUCH)
        self._done = client.register_script(_DONE)
        self._stats = client.register_script(_STATS)

    def _stream(self, platform: str) -> str:
        return f"{self._prefix}:inbox:{{{self._part(platform)}}}"

    def _pending(self, platform: str) -> str:
        return f"{self._prefix}:inbox-pending:{{{self._part(platform)}}}"

    async def put(self, platform: str, entries: Sequence[tuple[str, bytes]]) -> int:
        if not entries:
            return 0
        marker = f"{self._prefix}:inbox-id:{{{self._part(platform)}}}:"
        keys = [self._stream(platform), self._pending(platform)]
        keys += [marker + self._part(update_id) for update_id, _ in entries]
        args: list[str | bytes | int] = [self._event_ttl_ms]
        for update_id, payload in entries:
            args += [update_id, payload]
        async with self._reaching("inbox_put"):
            added = await self._put(keys=keys, args=args)
        return int(added)

    async def claim(
        self, platform: str, consumer: str, limit: int, min_idle: float
    ) -> list[InboxEntry]:
        if limit <= 0:
            return []
        stream = self._stream(platform)
        args: list[str | int] = [GROUP, consumer, max(0, round(min_idle * 1000)), limit]
        async with self._reaching("inbox_claim"):
            if platform not in self._grouped:
                await self._create_group(stream)
                self._grouped.add(platform)
            try:
                rows = await self._claim(keys=[stream], args=args)
            except redis_errors.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                logger.warning("inbox group of %s was gone (Redis restarted?); recreated", platform)
                await self._create_group(stream)
                rows = await self._claim(keys=[stream], args=args)
        return [_entry(row) for row in rows]

    async def _create_group(self, stream: str) -> None:
        """From the stream's start, so entries written before the first claim are delivered."""
        try:
            await self._redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except redis_errors.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def touch(self, platform: str, consumer: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        keys = [self._stream(platform), self._pending(platform)]
        async with self._reaching("inbox_touch"):
            await self._touch(keys=keys, args=[GROUP, consumer, *ids])

    async def done(self, platform: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        keys = [self._stream(platform), self._pending(platform)]
        async with self._reaching("inbox_done"):
            await self._done(keys=keys, args=[GROUP, *ids])

    async def stats(self, platform: str) -> tuple[int, float]:
        async with self._reaching("inbox_stats"):
            depth, age_ms = await self._stats(keys=[self._stream(platform)])
        return int(depth), max(0.0, int(age_ms) / 1000)


__all__ = ["GROUP", "RedisInbox"]
