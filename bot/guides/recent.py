"""The last search of each person, so that «◀ Kết quả tìm kiếm» in a guide can show the
results again: a button has no room for the query itself.

Kept in memory only, bounded, and never written anywhere: after a restart the Back button
asks the person to type their search again. Keyed by the person's pseudonymous key.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_LIMIT = 10_000  # people; about a megabyte at most


class RecentSearches:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._last: OrderedDict[str, str] = OrderedDict()

    def remember(self, who: str, query: str) -> None:
        self._last[who] = query
        self._last.move_to_end(who)
        while len(self._last) > self._limit:
            self._last.popitem(last=False)  # the person who searched longest ago

    def last(self, who: str) -> str | None:
        return self._last.get(who)

    def forget(self, who: str) -> None:
        self._last.pop(who, None)
