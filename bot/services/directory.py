"""Units and members, kept in memory.

Every press needs to know who is pressing and which units they may use. Reading both from
the database on each press made most of a press's trips; both change rarely, and every
change goes through a service that updates this copy. A change made by another process (a
command-line unit import) is noticed by the database on the next trip, which marks the copy
stale; the next service call reloads it.
"""

from __future__ import annotations

from collections import defaultdict

from bot.domain.model import Member, Unit
from bot.storage.db import Database
from bot.storage.members import MemberRepository
from bot.storage.units import UnitRepository
from bot.texts.folding import fold


class Directory:
    def __init__(self, db: Database, units: UnitRepository, members: MemberRepository) -> None:
        self._units_repo = units
        self._members_repo = members
        self._stale = True
        self._units: dict[int, Unit] = {}
        self._codes: dict[str, Unit] = {}
        self._children: dict[int | None, list[Unit]] = {}
        self._members: dict[str, Member] = {}
        self._member_ids: dict[int, Member] = {}
        self._folded: dict[int, list[str]] = {}
        db.on_outside_change(self.mark_stale)

    def mark_stale(self) -> None:
        self._stale = True

    async def fresh(self) -> None:
        """Reload if something changed behind the cache's back (two trips, rarely)."""
        if not self._stale:
            return
        self._stale = False
        units = await self._units_repo.all()
        members = await self._members_repo.all()
        children: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in sorted(units, key=lambda u: u.code):
            children[unit.parent_id].append(unit)
        self._units = {u.id: u for u in units}
        self._codes = {u.code: u for u in units}
        self._children = dict(children)
        self._folded = {u.id: fold(u.name).split() for u in units}
        self._members = {m.user_key: m for m in members}
        self._member_ids = {m.id: m for m in members}

    def unit(self, unit_id: int) -> Unit | None:
        return self._units.get(unit_id)

    def province_of(self, unit_id: int) -> int | None:
        """The top-level unit (a province) a unit lies in, by its path."""
        unit = self._units.get(unit_id)
        if unit is None:
            return None
        return int(unit.path.strip("/").split("/")[0])

    def unit_by_code(self, code: str) -> Unit | None:
        return self._codes.get(code)

    def children(self, unit_id: int | None) -> list[Unit]:
        """Child units by code (the top-level units for None)."""
        return self._children.get(unit_id, [])

    def child_count(self, unit_id: int) -> int:
        return len(self._children.get(unit_id, ()))

    def find(self, query: str, within: Unit | None, limit: int) -> list[Unit]:
        """Units whose name has every word of `query` (accents and case aside), or whose code
        is `query`, inside `within` (everywhere for None); the shortest paths first."""
        words = fold(query).split()
        if not words:
            return []
        found = [
            unit
            for unit in self._units.values()
            if (within is None or within.contains(unit))
            and (
                unit.code.lower() == query.strip().lower()
                or all(any(w.startswith(q) for w in self._folded[unit.id]) for q in words)
            )
        ]
        found.sort(key=lambda u: (u.path.count("/"), u.name))
        return found[:limit]

    def member(self, user_key: str) -> Member | None:
        return self._members.get(user_key)

    def member_by_id(self, member_id: int) -> Member | None:
        return self._member_ids.get(member_id)

    def put_member(self, member: Member) -> None:
        self._members[member.user_key] = member
        self._member_ids[member.id] = member

    def drop_member(self, user_key: str) -> None:
        member = self._members.pop(user_key, None)
        if member is not None:
            self._member_ids.pop(member.id, None)
