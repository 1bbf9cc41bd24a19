"""Generation tokens of cells, for the caches of what the cells' pages show (meetings/page_cache.py).

A cached part of a page is keyed by the tokens of the cells it shows; `cells_changed(ids)` drops
those tokens, so every part built before is out of reach. It drops them at once (the next request
of the same transaction reads afresh) and again on commit (a part built by another request between
the write and the commit holds what was true before). A token the cache has lost is replaced by a
new one: a loss invalidates, it never brings an old part back. The cells and members floors call it
too, so it lives here and knows no page.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 3600


def _key(cell_id: int) -> str:
    return f"cell-pages:{cell_id}"


def tokens(cell_ids) -> str | None:
    """The cells' current tokens as one string, or None while the cache is down: each process
    would then count on its own memory, where another process's invalidation does not reach."""
    if not getattr(cache, "available", True):
        return None
    keys = [_key(cell_id) for cell_id in sorted(set(cell_ids))]
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                token = uuid.uuid4().hex
                found[key] = token if cache.add(key, token, TIMEOUT) else (cache.get(key) or token)
    except Exception:  # an accelerator: the page is built without it
        logger.warning("cell page tokens unavailable", exc_info=True)
        return None
    return ";".join(f"{key}={found[key]}" for key in keys)


def _drop(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("cell page tokens unavailable", exc_info=True)


def cells_changed(cell_ids) -> None:
    """What the pages of these cells show has changed (or will, when the transaction commits)."""
    keys = [_key(cell_id) for cell_id in set(cell_ids) if cell_id is not None]
    if keys:
        _drop(keys)
        transaction.on_commit(lambda: _drop(keys))


def cell_created(cell_id: int) -> None:
    """A new cell: whatever was kept under its id belongs to another database (a restored backup, an
    earlier test run). Nothing was read of it before this transaction, so nothing waits for the commit."""
    _drop([_key(cell_id)])
