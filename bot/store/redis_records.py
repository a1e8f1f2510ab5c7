"""The Redis store's named records (group polls, schedules, counts): versioned JSON bodies.

Keys (`p` = prefix; the `{records}` hash tag keeps them in one cluster slot): `p:record:{records}:
<name>` a hash {version, body}, `p:records:{records}` a sorted set of the names. Each write is
one Lua script, so compare-and-set and the index change together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis

from bot.store.base import VersionConflict

logger = logging.getLogger(__name__)

# KEYS: record hash, name index. ARGV: expected version, body, name.
_SAVE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', current + 1, 'body', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
return current + 1
"""

# KEYS: record hash, name index. ARGV: name.
_DELETE = """
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""


class RedisRecords:
    """Records for RedisStore; `reaching` turns outages into StoreUnavailable."""

    def __init__(
        self,
        client: Redis,
        prefix: str,
        reaching: Callable[[str], AbstractAsyncContextManager[None]],
    ) -> None:
        self._redis = client
        self._stem = f"{prefix}:record:{{records}}:"
        self._index = f"{prefix}:records:{{records}}"
        self._reaching = reaching
        self._save = client.register_script(_SAVE)
        self._delete = client.register_script(_DELETE)

    async def load(self, name: str) -> tuple[int, str] | None:
        async with self._reaching("record_load"):
            found = await self._redis.hmget(self._stem + name, ["version", "body"])
        version, body = found
        if version is None or body is None:
            return None
        return int(version), body.decode() if isinstance(body, bytes) else str(body)

    async def save(self, name: str, body: str, expected_version: int) -> int:
        async with self._reaching("record_save"):
            written = await self._save(
                keys=[self._stem + name, self._index], args=[expected_version, body, name]
            )
        if not written:
            raise VersionConflict(name)
        return int(written)

    async def delete(self, name: str) -> None:
        async with self._reaching("record_delete"):
            await self._delete(keys=[self._stem + name, self._index], args=[name])

    async def names(self, prefix: str) -> list[str]:
        async with self._reaching("record_names"):
            found = await self._redis.zrange(self._index, 0, -1)
        decoded = (n.decode() if isinstance(n, bytes) else str(n) for n in found)
        return sorted(n for n in decoded if n.startswith(prefix))
