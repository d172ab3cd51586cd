"""The union's indicators for a report: activities and classes, teams, member participations,
attendees, youth reached, and progress against targets (chỉ tiêu).

"Thanh thiếu nhi được tiếp cận" (youth reached) adds up, with nobody counted twice where a
keyed hash allows it: residents under 30 helped in assists (anonymous ones in a youth age band,
plus distinct phone codes seen in one), attendees under 30 (marked in the bot, or in a closing
headcount), and the members who took part in an activity (union members are youth).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.reach.domain.campaigns import METRICS, ActivityKind, TargetProgress, UnionFigures
from bot.reach.domain.model import Unit
from bot.reach.domain.periods import Period
from bot.storage.campaigns import ActivityFigures, CampaignRepository
from bot.storage.db import Database
from bot.storage.reports import Report, ReportRepository, levels_of
from bot.storage.units import UnitRepository


async def union_counts(
    db: Database,
    scope: Unit | None,
    period: Period,
    group: list[Unit] | None = None,
    campaign_id: int | None = None,
) -> tuple[ActivityFigures, int]:
    """What the indicators need beyond the reach report: the activities' figures and the
    residents under 30 helped. Independent of the report, so both are read at once."""
    paths = [u.path for u in group] if group else ([scope.path] if scope else None)
    return await asyncio.gather(
        CampaignRepository(db).figures(paths, period.first_day, period.last_day, campaign_id),
        ReportRepository(db).youth(levels_of(scope, group), period),
    )


async def union_figures(
    db: Database,
    scope: Unit | None,
    report: Report,
    counts: tuple[ActivityFigures, int],
    group: list[Unit] | None = None,
    campaign_id: int | None = None,
) -> UnionFigures:
    activity, youth_helped = counts
    campaigns = CampaignRepository(db)
    totals = report.totals
    verified, rated, rating_sum = report.confirmed
    average = rating_sum / rated if rated else None
    figures = UnionFigures(
        activities=activity.activities,
        by_kind={kind.value: activity.by_kind.get(kind.value, 0) for kind in ActivityKind},
        teams=activity.teams,
        member_participations=activity.member_participations,
        members=activity.members,
        members_active=len(report.active_volunteers | activity.member_ids),
        attendees=activity.attendees,
        youth_reached=youth_helped + activity.attendees_youth + activity.members,
        verified_assists=verified,
        rated=rated,
        rating_average=average,
    )
    done = {
        "people": totals.people,
        "assists": totals.assists,
        "activities": figures.activities,
        "member_participations": figures.member_participations,
        "youth_reached": figures.youth_reached,
        "teams": figures.teams,
    }
    if group:
        target_units = [u.id for u in group]
    elif scope is not None:
        target_units = [scope.id]
    else:  # the whole tree: what the top-level units were set
        target_units = [u.id for u in await UnitRepository(db).children(None)]
    sums: dict[str, int] = {}
    for target in await campaigns.targets(target_units, campaign_id):
        sums[target.metric] = sums.get(target.metric, 0) + target.value
    progress = [
        TargetProgress(metric, sums[metric], done[metric]) for metric in METRICS if metric in sums
    ]
    return replace(figures, targets=progress)
