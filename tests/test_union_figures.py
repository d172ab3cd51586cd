"""The union's indicators against hand-computed figures on a small fixture: a double check-in,
a member from another unit, attendance plus a headcount, youth counted once, targets, a
cluster of two provinces, a campaign filter, and the Vietnam-time day edges."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import clock
from bot.domain.campaigns import ActivityKind
from bot.domain.periods import custom
from bot.domain.refusal import Reason
from bot.domain.units_csv import parse_units_csv
from bot.reports.service import report
from bot.services import CampaignServices, campaign_services
from bot.services.access import Directory, Questions
from bot.services.attendance import CheckedIn
from bot.services.scoping import ADMIN
from bot.storage.db import open_database
from bot.storage.members import MemberRepository
from bot.storage.questions import QuestionRepository
from bot.storage.units import UnitRepository
from tests.test_campaign_rules import refused
from tests.test_reports import TREE, Fixture, at

TEAMS = TREE + "DH1,Đội hình Bình dân học vụ số,team,00004\n"
NOVEMBER = custom(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


class World(Fixture):
    plans: CampaignServices


async def campaigns_world(path: Path, tree: str) -> World:
    """The reports fixture over `tree`, with the campaign services."""
    db = await open_database(path)
    rows, _ = parse_units_csv(tree)
    assert not (await UnitRepository(db).import_rows(rows)).problems
    fixture = World(db)
    fixture.plans = campaign_services(
        db,
        Directory(db, UnitRepository(db), MemberRepository(db)),
        Questions(QuestionRepository(db)),
        UnitRepository(db),
    )
    return fixture


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fixture = await campaigns_world(tmp_path / "u.db", TEAMS)
    yield fixture
    await fixture.db.close()


async def actor(world: World, name: str):
    from bot.domain.model import Scope
    from bot.services.access import Actor

    member = next(m for m in await world.members.all() if m.display_name == name)
    return Actor(member.user_key, member, Scope())


async def test_union_indicators_by_hand(world: World) -> None:
    c = world.plans
    await world.volunteer("Lan", "DH1")  # in a team under Ba Đình
    await world.volunteer("Minh", "00008")  # another ward of Hà Nội
    await world.volunteer("Hoa", "31825")  # another province
    await c.campaigns.add_campaign(ADMIN, "t", "BDHVS", "Bình dân học vụ số", dt.date(2026, 11, 1),
                         dt.date(2026, 11, 30))  # fmt: skip
    day10 = dt.date(2026, 11, 10)
    ra_quan = await c.activities.add_activity(ADMIN, "t", "00004", "campaign_day", "Ra quân", day10,
                                   campaign_code="BDHVS")  # fmt: skip
    lop = await c.activities.add_activity(ADMIN, "t", "00004", "class", "Lớp VNeID", day10)
    outside = await c.activities.add_activity(
        ADMIN, "t", "31825", "help_point", "Điểm hỗ trợ", day10
    )
    december = await c.activities.add_activity(ADMIN, "t", "00004", "class", "Lớp tháng 12",
                                     dt.date(2026, 12, 1))  # fmt: skip

    # Check-ins: Lan twice (counts once), Minh from another ward, Hoa to her own help point.
    lan, minh, hoa = [await actor(world, n) for n in ("Lan", "Minh", "Hoa")]
    for who, activity in ((lan, ra_quan), (lan, ra_quan), (minh, ra_quan), (lan, lop),
                          (hoa, outside)):  # fmt: skip
        assert isinstance(
            await c.attendance.check_in(who, activity.checkin_token, at(10, 8)), CheckedIn
        )
    # The day edges: 23:59 on the 10th is still the day; 00:00 on the 11th is not.
    assert isinstance(
        await c.attendance.check_in(minh, lop.checkin_token, at(10, 23, 59)), CheckedIn
    )
    late = await refused(c.attendance.check_in(hoa, lop.checkin_token, at(11, 0, 0)))
    assert late.reason is Reason.LINK_OVER

    # Attendance: two marked (one under 30), the same person twice, then a headcount 40/25.
    for key, band in (("r1", "16-30"), ("r2", "60p"), ("r1", "")):
        await c.attendance.attend(key, lop.token, band, at(10, 9))
    await c.activities.close(ADMIN, lop.id, 40, 25)

    # Assists in Hà Nội: a youth phone seen twice (counts once), an anonymous batch of 5 youths,
    # an adult; in Bạc Liêu: one youth.
    await world.log("Lan", "DH1", at(10, 9), person="p1", age="16-30")
    await world.log("Lan", "DH1", at(11, 9), person="p1", age="16-30")
    await world.log("Minh", "00008", at(10, 9), consent=True, people=5, age="u16")
    await world.log("Minh", "00008", at(12, 9), age="31-59")
    await world.log("Hoa", "31825", at(10, 9), age="16-30")

    hanoi = await world.units.by_code("01")
    ba_dinh = await world.units.by_code("00004")
    bac_lieu_province = await world.units.by_code("96")
    assert hanoi and ba_dinh and bac_lieu_province

    # Targets for November: a target counts its own days (see tests/test_targets_period.py).
    await c.targets.set_target(ADMIN, "01", "", "activities", 4, NOVEMBER.first, NOVEMBER.last)
    await c.targets.set_target(ADMIN, "01", "", "youth_reached", 100, NOVEMBER.first, NOVEMBER.last)
    whole = await report(world.db, hanoi, NOVEMBER)
    u = whole.union
    assert (u.activities, u.classes, u.by_kind["campaign_day"]) == (2, 1, 1)
    assert (u.member_participations, u.members, u.teams) == (4, 2, 1)
    assert u.attendees == 2 + 40
    # Youth: p1 once + 5 anonymous + marked attendee 1 + headcount 25 + members Lan and Minh 2.
    assert u.youth_reached == 1 + 5 + 1 + 25 + 2
    assert [(t.metric, t.done, t.target, t.percent) for t in u.targets] == [
        ("activities", 2, 4, 50),
        ("youth_reached", 34, 100, 34),
    ]

    # A campaign narrows the activities (and targets) to it.
    in_campaign = await report(
        world.db, hanoi, NOVEMBER, campaign=await c.campaigns.campaign("BDHVS")
    )
    assert (in_campaign.union.activities, in_campaign.union.member_participations) == (1, 2)
    assert in_campaign.union.targets == []  # no target was set for the campaign

    # A cluster of two provinces: its totals add up; the same phone in both counts once.
    await world.log("Hoa", "31825", at(13, 9), person="p1", age="16-30")
    group = await c.clusters.add_cluster("HN-BL", "Hà Nội và Cà Mau", ["01", "96"])
    _, units = await c.clusters.cluster(group.code)
    cluster = await report(world.db, None, NOVEMBER, group=group, group_units=units)
    alone = [await report(world.db, unit, NOVEMBER) for unit in units]
    assert cluster.totals.assists == sum(r.totals.assists for r in alone)
    assert cluster.totals.people == sum(r.totals.people for r in alone) - 1  # p1 in both
    assert cluster.union.activities == 3
    assert cluster.group_name == "Hà Nội và Cà Mau"
    assert clock.day_number(dt.date(2026, 12, 1)) == december.first_day  # outside November
    assert ActivityKind.CLASS.value in cluster.union.by_kind
