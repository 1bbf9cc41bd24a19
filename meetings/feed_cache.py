"""Built calendar feeds kept in the cache under the fingerprint of what they show.

The key is the content's own hash, so an entry never goes stale: a meeting's change (its SEQUENCE
bumped on commit) makes a new fingerprint and the old entry simply ages out. The time an entry was
first built is the feed's Last-Modified. A cache that is down costs a rebuild, never an error.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

TIMEOUT = 7 * 24 * 3600


def _key(fingerprint: str) -> str:
    return f"calendar-feed:{fingerprint}"


def get(fingerprint: str) -> tuple[bytes | None, int | None]:
    try:
        entry = cache.get(_key(fingerprint))
    except Exception:  # the cache is an accelerator: a feed is still served without it
        logger.warning("calendar feed cache unavailable", exc_info=True)
        return None, None
    return (entry["body"], entry["built"]) if entry else (None, None)


def built_at(fingerprint: str) -> int | None:
    return get(fingerprint)[1]


def put(fingerprint: str, body: bytes) -> int:
    built = int(time.time())
    try:
        cache.set(_key(fingerprint), {"body": body, "built": built}, TIMEOUT)
    except Exception:
        logger.warning("calendar feed cache unavailable", exc_info=True)
    return built
