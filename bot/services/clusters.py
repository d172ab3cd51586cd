"""Clusters (cụm) of units, for reports across units that share no parent, and teams (đội
hình): units of kind `team` that members are invited into.

Clusters are made by admins and the command line; a coordinator makes teams under a unit in
their own subtree.
"""

from __future__ import annotations

from bot.domain.campaigns import TEAM_KIND, Campaign, Cluster, check_code, check_name
from bot.domain.model import Scope, Unit
from bot.domain.refusal import Reason, Refusal
from bot.domain.units_csv import UnitRow
from bot.services.access import Actor, Directory
from bot.services.campaigns import Campaigns
from bot.services.scoping import own_or_named_unit, staff_only, unit_in_scope
from bot.storage.clusters import ClusterRepository
from bot.storage.units import UnitRepository


class Clusters:
    def __init__(
        self,
        repo: ClusterRepository,
        campaigns: Campaigns,
        directory: Directory,
        units: UnitRepository,
    ) -> None:
        self.repo = repo
        self._campaigns = campaigns
        self._directory = directory
        self._units = units

    async def add_cluster(self, code: str, name: str, unit_codes: list[str]) -> Cluster:
        """A cluster of units (admins and the command line). Units may not overlap: a unit
        inside another of the group would be counted twice."""
        code, name = check_code(code), check_name(name)
        await self._directory.fresh()
        units = []
        for unit_code in unit_codes:
            unit = self._directory.unit_by_code(unit_code.strip())
            if unit is None:
                raise Refusal(Reason.UNKNOWN_UNIT, unit_code)
            units.append(unit)
        if not units:
            raise Refusal(Reason.EMPTY_GROUP, code)
        for a in units:
            for b in units:
                if a.id != b.id and a.contains(b):
                    raise Refusal(Reason.OVERLAPPING_UNITS, f"{a.code} ⊃ {b.code}")
        return await self.repo.add_cluster(code, name, [u.id for u in units])

    async def existing(self, code: str) -> Cluster | None:
        """The group of this code, if there is one (before it is replaced)."""
        return await self.repo.cluster(check_code(code))

    async def cluster(self, code: str) -> tuple[Cluster, list[Unit]]:
        group = await self.repo.cluster(check_code(code))
        if group is None:
            raise Refusal(Reason.UNKNOWN_GROUP, code)
        return group, await self._units_of(group)

    async def clusters(self) -> list[Cluster]:
        return await self.repo.clusters()

    async def named_by_ids(
        self, group_id: int, campaign_id: int
    ) -> tuple[tuple[Cluster, list[Unit]] | None, Campaign | None]:
        """What a report button's ids name (0: none asked), each None once it is gone."""
        group = None
        if group_id:
            found = next((g for g in await self.repo.clusters() if g.id == group_id), None)
            if found is not None:
                group = (found, await self._units_of(found))
        return group, await self._campaigns.by_id(campaign_id)

    async def _units_of(self, group: Cluster) -> list[Unit]:
        await self._directory.fresh()
        units = (self._directory.unit(i) for i in group.unit_ids)
        return [u for u in units if u is not None]

    # ---- teams ----------------------------------------------------------------------------

    async def team_request(self, actor: Actor, words: list[str]) -> tuple[Unit, str]:
        """`/team [unit code] [name]`: the unit (named first, else one's own: an admin has
        none) and the new team's name ("" to list the unit's teams)."""
        staff_only(actor)
        named = self._directory.unit_by_code(words[0].strip()) if len(words) > 1 else None
        if named is not None:
            words = words[1:]
        code = named.code if named is not None else ""
        unit = await own_or_named_unit(self._directory, actor, code, Reason.TEAM_NAME_A_UNIT)
        return unit, " ".join(words)

    async def add_team(self, scope: Scope, unit_code: str, name: str) -> Unit:
        """A đội hình: a unit of kind `team` under `unit_code`, coded `<unit>-DH<n>`, which
        members can be invited into (`/invite <team code>`)."""
        parent = await unit_in_scope(self._directory, scope, unit_code)
        name = check_name(name)
        taken = {u.code for u in self._directory.children(parent.id)}
        number = 1
        while f"{parent.code}-DH{number}" in taken:
            number += 1
        code = f"{parent.code}-DH{number}"
        result = await self._units.import_rows([UnitRow(0, code, name, TEAM_KIND, parent.code)])
        if result.problems:
            raise Refusal(Reason.BAD_NAME, "; ".join(result.problems)[:80])
        self._directory.mark_stale()
        await self._directory.fresh()
        team = self._directory.unit_by_code(code)
        assert team is not None
        return team

    def teams(self, scope: Scope, unit: Unit) -> list[Unit]:
        """The teams directly under a unit."""
        if not scope.covers(unit):
            raise Refusal(Reason.NOT_ALLOWED)
        return [u for u in self._directory.children(unit.id) if u.kind == TEAM_KIND]
