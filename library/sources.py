"""The apps that put documents in the library register here how to put all of theirs again
(`manage.py library_reindex`); this floor knows none of them."""

from collections.abc import Callable

_SOURCES: dict[str, Callable[[], int]] = {}


def register(name: str, reindex: Callable[[], int]) -> None:
    """`reindex()` puts every document of the source in the library (idempotent), removes
    those whose source is gone, and returns how many it put."""
    _SOURCES[name] = reindex  # registering again (a reloaded module) replaces the entry


def registered() -> dict[str, Callable[[], int]]:
    return dict(sorted(_SOURCES.items()))
