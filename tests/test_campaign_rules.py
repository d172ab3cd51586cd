"""The rules that once sat in the chat handlers, at service level: the staff gate, which
activities `/activity` calls upcoming, how `/campaign`, `/target` and `/team` read their
words, when a typed question stays open, and the form's campaign question being skipped."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import clock
from bot.domain.model import Scope, Unit
from bot.domain.refusal import Reason, Refusal
from bot.domain.units_csv import parse_units_csv
from bot.services import CampaignServices, campaign_services
from bot.services.access import Actor, Directory, Questions
from bot.services.activities import LISTED, NewActivity
from bot.services.scoping import ADMIN
from bot.storage.db import Database, open_database
from bot.storage.members import MemberRepository
from bot.storage.questions import QuestionRepository
from bot.storage.units import UnitRepository
from tests.test_reports import TREE

NOW = clock.now()  # the services read the clock for "today": the tests live in today
TODAY = clock.vn_date(NOW)


@dataclass
class World:
    db: Database
    plans: CampaignServices
    questions: Questions
    directory: Directory

    def unit(self, code: str) -> Unit:
        found = self.directory.unit_by_code(code)
        assert found is not None
        return found

    def coordinator(self, code: str, key: str = "coord") -> Actor:
        return Actor(key, None, Scope(unit=self.unit(code)))


RESIDENT = Actor("resident", None, Scope())
ADMIN_ACTOR = Actor("admin", None, ADMIN)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = await open_database(tmp_path / "rules.db")
    rows, _ = parse_units_csv(TREE)
    units = UnitRepository(db)
    assert not (await units.import_rows(rows)).problems
    directory = Directory(db, units, MemberRepository(db))
    await directory.fresh()
    questions = Questions(QuestionRepository(db))
    yield World(db, campaign_services(db, directory, questions, units), questions, directory)
    await db.close()


async def refused(call: Awaitable[object]) -> Refusal:
    """The refusal an awaited call raised."""
    with pytest.raises(Refusal) as caught:
        await call
    return caught.value


# ---- the staff gate ---------------------------------------------------------------------


async def test_campaigns_activities_targets_and_teams_are_for_staff(world: World) -> None:
    p = world.plans
    for call in (
        p.activities.overview(RESIDENT, NOW),
        p.activities.new_activity_unit(RESIDENT, "00004"),
        p.campaigns.listing(RESIDENT),
        p.campaigns.add_from_command(RESIDENT, ["C1", "01/11/2026", "30/11/2026", "Đợt"], NOW),
        p.campaigns.ask_new_campaign(RESIDENT, NOW),
        p.campaigns.campaign_from_chat(RESIDENT, "", "Đợt 1 01/11/2026 30/11/2026", NOW),
        p.targets.set_from_chat(RESIDENT, ["00004", "người", "5"], "", NOW),
        p.clusters.team_request(RESIDENT, ["Đội 1"]),
    ):
        assert (await refused(call)).reason is Reason.STAFF_ONLY
    assert await world.questions.question("resident", NOW) is None, "nothing was asked"
    assert await p.campaigns.listing(world.coordinator("00004")) == []


# ---- /activity ----------------------------------------------------------------------------


async def test_the_overview_puts_what_is_still_to_come_first(world: World) -> None:
    a = world.plans.activities
    days = {name: TODAY + dt.timedelta(days=n) for name, n in (("past", -3), ("today", 0))}
    days |= {"later": TODAY + dt.timedelta(days=5), "soon": TODAY + dt.timedelta(days=1)}
    made = {
        name: await a.add_activity(ADMIN, "t", "00004", "class", name, day)
        for name, day in days.items()
    }
    await a.close(ADMIN, made["today"].id, 0, 0)  # closed: no longer upcoming
    overview = await a.overview(world.coordinator("00004"), NOW)
    assert [x.activity.title for x in overview.shown] == ["soon", "later", "today", "past"]
    assert (overview.upcoming, overview.recent) == (2, 2)
    elsewhere = await a.overview(world.coordinator("31825"), NOW)
    assert (elsewhere.shown, elsewhere.upcoming, elsewhere.recent) == ([], 0, 0)


async def test_the_overview_shows_at_most_a_page_of_each(world: World) -> None:
    a = world.plans.activities
    for n in range(LISTED + 2):
        await a.add_activity(ADMIN, "t", "00004", "online", f"Sắp {n}", TODAY)
        await a.add_activity(ADMIN, "t", "00004", "online", f"Cũ {n}", TODAY - dt.timedelta(days=1))
    overview = await a.overview(ADMIN_ACTOR, NOW)
    assert (overview.upcoming, overview.recent) == (LISTED + 2, LISTED)
    assert len(overview.shown) == 2 * LISTED


async def test_the_form_skips_the_campaign_question_when_none_runs(world: World) -> None:
    a, coordinator = world.plans.activities, world.coordinator("00004")
    form = NewActivity(world.unit("00004").id, kind=0, days_ahead=0)
    step = await a.form_step(coordinator, form, NOW)
    assert step.form.campaign == 0 and step.running == [] and step.chosen is None
    await world.plans.campaigns.add_campaign(ADMIN, "t", "C1", "Đợt 1", TODAY, TODAY)
    step = await a.form_step(coordinator, form, NOW)
    assert step.form.campaign == -1 and [c.code for c in step.running] == ["C1"]
    assert len(step.days) == 7 and step.days[0] == TODAY
    elsewhere = NewActivity(world.unit("31825").id)
    assert (await refused(a.form_step(coordinator, elsewhere, NOW))).reason is Reason.NOT_ALLOWED


async def test_a_bad_title_keeps_the_question_open_and_a_stale_form_ends_it(
    world: World,
) -> None:
    a, coordinator = world.plans.activities, world.coordinator("00004")
    form = NewActivity(world.unit("00004").id, kind=0, days_ahead=1, campaign=0)
    asked = await a.ask_title(coordinator, form, NOW)
    assert asked.day == TODAY + dt.timedelta(days=1) and asked.unit_name == "Phường Ba Đình"
    ref = f"{form.unit_id}:{form.code()}"
    bad = await refused(a.create_from_chat(coordinator, ref, "=1+1", NOW))
    assert bad.reason is Reason.NAME_FORMULA
    assert await world.questions.question("coord", NOW) is not None, "typed again"
    made = await a.create_from_chat(coordinator, ref, "Lớp VNeID", NOW)
    assert made.title == "Lớp VNeID" and made.first_day == made.last_day
    assert await world.questions.question("coord", NOW) is None
    await a.ask_title(coordinator, form, NOW)
    stale = await refused(a.create_from_chat(coordinator, "x:1.2.3", "Lớp", NOW))
    assert stale.reason is Reason.STALE_FORM
    assert await world.questions.question("coord", NOW) is None, "nothing left to type"


# ---- /campaign, /target, /team ------------------------------------------------------------


async def test_campaign_words_are_read_in_their_order(world: World) -> None:
    c, coordinator = world.plans.campaigns, world.coordinator("00004")
    for args, reason, detail in (
        (["bad code!"], Reason.BAD_CODE, "bad code!"),
        (["C1"], Reason.CAMPAIGN_MISSING, "first"),
        (["C1", "01/11/2026"], Reason.CAMPAIGN_MISSING, "last"),
        (["C1", "01/11/2026", "30/11/2026"], Reason.CAMPAIGN_MISSING, "name"),
        (["C1", "31/02/2026", "30/11/2026", "Đợt"], Reason.BAD_DATE, "31/02/2026"),
    ):
        refusal = await refused(c.add_from_command(coordinator, args, NOW))
        assert (refusal.reason, refusal.detail) == (reason, detail), args
    made = await c.add_from_command(coordinator, ["c1", "01/11/2026", "30/11/2026", "Đợt"], NOW)
    assert (made.code, made.unit_id) == ("C1", world.unit("00004").id)


async def test_target_words_are_read_by_the_service(world: World) -> None:
    t, coordinator = world.plans.targets, world.coordinator("01")
    for words, reason in (
        (["00004", "5"], Reason.TARGET_USAGE),
        (["00004", "người", "nhiều"], Reason.TARGET_USAGE),
        (["00004", "người", "1,5"], Reason.NUMBER_COMMA),
        (["00004", "thích", "5"], Reason.BAD_METRIC),
        (["00004", "người", "-5"], Reason.BAD_TARGET),
        (["00004", "người", "5", "tháng", "này"], Reason.TARGET_USAGE),
        (["00004", "người", "5", "01/01/2026-99/01/2026"], Reason.TARGET_USAGE),
        (["01", "người", "5"], Reason.OWN_TARGET),
        (["31825", "người", "5"], Reason.NOT_ALLOWED),
    ):
        assert (await refused(t.set_from_chat(coordinator, words, "", NOW))).reason is reason
    words = ["00004", "người", "1.000", "01/01/2026", "-", "30/06/2026"]
    unit, target = await t.set_from_chat(coordinator, words, "", NOW)
    assert (unit.code, target.metric, target.value) == ("00004", "people", 1000)
    assert target.last_day - target.first_day == (dt.date(2026, 6, 30) - dt.date(2026, 1, 1)).days


async def test_team_words_name_the_unit_first_or_take_ones_own(world: World) -> None:
    cl = world.plans.clusters
    unit, name = await cl.team_request(world.coordinator("00004"), ["Đội", "hình", "1"])
    assert (unit.code, name) == ("00004", "Đội hình 1")
    unit, name = await cl.team_request(ADMIN_ACTOR, ["00004", "Đội", "2"])
    assert (unit.code, name) == ("00004", "Đội 2")
    unit, name = await cl.team_request(world.coordinator("01"), ["00004"])
    assert (unit.code, name) == ("01", "00004"), "one word alone is a name, not a unit"
    missing = await refused(cl.team_request(ADMIN_ACTOR, ["Đội 3"]))
    assert missing.reason is Reason.TEAM_NAME_A_UNIT
    assert (await refused(cl.team_request(ADMIN_ACTOR, []))).reason is Reason.TEAM_NAME_A_UNIT
    outside = await refused(cl.team_request(world.coordinator("00004"), ["31825", "Đội"]))
    assert outside.reason is Reason.NOT_ALLOWED
