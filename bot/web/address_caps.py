"""The per-address caps of `http_server.py`: connections open, and requests incomplete, per
client address, and what one connection holds of those counts."""

from __future__ import annotations

from collections import Counter


class PerAddress:
    """Connections open, and requests incomplete, per client address (see Limits)."""

    def __init__(self, connections: int | None, incomplete: int | None) -> None:
        self.max_open, self.max_incomplete = connections, incomplete
        self.open: Counter[str] = Counter()
        self.incomplete: Counter[str] = Counter()

    def room(self, key: str, *, opening: bool) -> bool:
        if opening and self.max_open is not None and self.open[key] >= self.max_open:
            return False
        return self.max_incomplete is None or self.incomplete[key] < self.max_incomplete


class Held:
    """What one connection holds of the per-address counts, given back when it is done."""

    def __init__(self, tally: PerAddress) -> None:
        self.tally = tally
        self._held: list[tuple[Counter[str], str]] = []

    def take(self, counter: Counter[str], key: str) -> None:
        counter[key] += 1
        self._held.append((counter, key))

    def give(self, counter: Counter[str]) -> None:
        """Give back everything held of `counter`."""
        for held, key in [h for h in self._held if h[0] is counter]:
            self._held.remove((held, key))
            held[key] -= 1
            if held[key] <= 0:
                del held[key]

    def give_all(self) -> None:
        self.give(self.tally.incomplete)
        self.give(self.tally.open)
