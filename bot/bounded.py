"""A bounded least-recently-used cache, for the bot's per-instance memos.

`functools.lru_cache` fits pure functions (labels, pseudonyms); these caches belong to an
object (a library's glossary, the guide screens) and are filled by its methods. Emptying a
dict when it was full, as each did before, threw away the hot entries with the cold ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most `size` entries; adding one more drops the one used longest ago."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a cache holds at least one entry")
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        # Exports format their rows on worker threads while the loop renders screens: the
        # reordering below is two steps, so they take turns.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        """The value, now the most recently used; None when it is not kept. An unhashable
        key raises TypeError, as a dict's would."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The kept value, or `make()`'s, kept. `make` runs outside the lock: two threads
        may both make a missing value, and the later one is kept."""
        value = self.get(key)
        return self.put(key, make()) if value is None else value

