"""A per-person flood limit: a sliding window of recent update times, bounded in memory."""

from __future__ import annotations

from collections import deque
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # the first update over the limit: drop it, and say why once
    DROP = "drop"


class FloodGate:
    def __init__(self, max_updates: int, window: float, max_people: int = 100_000) -> None:
        self.max_updates = max_updates
        self.window = window
        self.max_people = max_people
        self._seen: dict[int, deque[float]] = {}
        self._notified: set[int] = set()

    def check(self, person: int, now: float) -> Verdict:
        times = self._seen.get(person)
        if times is None:
            if len(self._seen) >= self.max_people:
                self._forget_idle(now)
            times = self._seen[person] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.max_updates:
            times.append(now)
            self._notified.discard(person)
            return Verdict.ALLOW
        if person in self._notified:
            return Verdict.DROP
        self._notified.add(person)
        return Verdict.NOTIFY

    def _forget_idle(self, now: float) -> None:
        idle = [p for p, times in self._seen.items() if not times or times[-1] <= now - self.window]
        for person in idle:
            del self._seen[person]
            self._notified.discard(person)
        if len(self._seen) >= self.max_people:  # everyone is busy: start afresh, stay bounded
            self._seen.clear()
            self._notified.clear()
