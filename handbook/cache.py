"""The Redis cache, failing open: while Redis is away, this process's memory answers.

What the cache holds here is an accelerator or a rate-limit counter (allauth's sign-in
limits, the API throttles, calendar feeds, import progress): during a Redis outage each
process counts on its own for a while (limits stay per process instead of shared) rather
than failing every sign-in with a 500. After an error Redis is left alone for
RETRY_AFTER seconds, so a frozen server costs one request its socket timeout, not every
request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 30.0


class _OneClientPerPool(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every call (a few hundred callbacks set up
    each time, about a third of a millisecond); one per connection pool serves them all (a
    `redis.Redis` is safe to share between threads: each command takes a pool connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        self._local = LocMemCache(f"fail-open-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except (RedisError, OSError):
                logger.warning("cache unavailable; answering from local memory for %.0f s", RETRY_AFTER,
                               exc_info=True)
                self._down_until = time.monotonic() + RETRY_AFTER
        return getattr(self._local, name)(*args, **kwargs)

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
