"""Targets mean what they say (issue 23, part 5): a target covers one unit's subtree over one
period (its campaign's days, the dates given, or else the calendar year it was set in), and
its progress counts that subtree and those days only, whatever the report covers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from bot import clock
from bot.domain.periods import custom
from bot.domain.refusal import Reason, Refusal
from bot.reports.json_report import report_dict
from bot.reports.service import report
from bot.services.scoping import ADMIN
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.cli import run_bot_command
from tests.conftest import RunningBot
from tests.outreach_helpers import join, query_db
from tests.test_reports import TREE, at
from tests.test_union_figures import World, campaigns_world

NOVEMBER = custom(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
YEAR_2026 = (clock.day_number(dt.date(2026, 1, 1)), clock.day_number(dt.date(2026, 12, 31)))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fixture = await campaigns_world(tmp_path / "t.db", TREE)
    await fixture.volunteer("Lan", "CD1")  # in Hà Nội (01)
    await fixture.volunteer("Hoa", "31825")  # in Cà Mau (96)
    yield fixture
    await fixture.db.close()


async def unit(world: World, code: str):
    found = await world.units.by_code(code)
    assert found is not None
    return found


def lines(figures) -> list[tuple[str, int, int, int, int]]:
    return [(t.metric, t.done, t.target, t.first_day, t.last_day) for t in figures.targets]


async def test_a_target_counts_its_own_subtree_only(world: World) -> None:
    """The issue's finding: a target on 01 with the people elsewhere showed 96/500."""
    unit_01, unit_96 = await unit(world, "01"), await unit(world, "96")
    _, target = await world.plans.targets.set_target(ADMIN, "01", "", "người", 500, now=at(5, 9))
    assert (target.first_day, target.last_day) == YEAR_2026, "the year it was set in"
    for day in (10, 11, 12):
        await world.log("Hoa", "31825", at(day, 9), person=f"p{day}")

    whole = await report(world.db, None, NOVEMBER)
    assert whole.totals.people == 3
    assert lines(whole.union) == [("people", 0, 500, *YEAR_2026)], "Cà Mau's people are not 01's"
    assert lines((await report(world.db, unit_01, NOVEMBER)).union) == [
        ("people", 0, 500, *YEAR_2026)
    ]
    assert (await report(world.db, unit_96, NOVEMBER)).union.targets == [], "01's target only"

    await world.log("Lan", "CD1", at(20, 9), person="q1")  # in 01's subtree
    hanoi = await report(world.db, unit_01, NOVEMBER)
    assert lines(hanoi.union) == [("people", 1, 500, *YEAR_2026)]
    assert report_dict(hanoi)["targets"] == [
        {"metric": "people", "target": 500, "done": 1, "percent": 0,
         "from": "2026-01-01", "to": "2026-12-31", "each_own_period": False}
    ]  # fmt: skip


async def test_progress_counts_the_targets_days_not_the_reports(world: World) -> None:
    """A yearly target seen in a one-day report still counts the whole year's figures."""
    await world.plans.targets.set_target(ADMIN, "01", "", "assists", 10, now=at(5, 9))
    await world.log("Lan", "CD1", at(3, 9))  # 3 November
    await world.log("Lan", "CD1", at(20, 9))  # 20 November
    one_day = custom(dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    hanoi = await report(world.db, await unit(world, "01"), one_day)
    assert hanoi.totals.assists == 1
    assert lines(hanoi.union) == [("assists", 2, 10, *YEAR_2026)]


async def test_a_target_outside_the_reports_period_is_not_shown(world: World) -> None:
    c, unit_01 = world.plans, await unit(world, "01")
    await c.targets.set_target(
        ADMIN, "01", "", "people", 50, dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )
    await world.log("Lan", "CD1", at(10, 9), person="p1")
    assert (await report(world.db, unit_01, NOVEMBER)).union.targets == []
    assert (await report(world.db, None, NOVEMBER)).union.targets == []
    in_2025 = await report(world.db, unit_01, custom(dt.date(2025, 6, 1), dt.date(2025, 6, 30)))
    assert [(t.metric, t.done, t.target) for t in in_2025.union.targets] == [("people", 0, 50)]
    # Setting the same unit, metric and first day again replaces the target.
    await c.targets.set_target(
        ADMIN, "01", "", "people", 80, dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    )
    rows = await world.db.fetchall("SELECT first_day, last_day, value FROM targets")
    first_half = (clock.day_number(dt.date(2025, 1, 1)), clock.day_number(dt.date(2025, 6, 30)))
    assert rows == [(*first_half, 80)]


async def test_a_campaign_target_takes_the_campaigns_dates(world: World) -> None:
    c, unit_01 = world.plans, await unit(world, "01")
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 15)
    campaign = await c.campaigns.add_campaign(
        ADMIN, "t", "BDHVS", "Bình dân học vụ số", first, last
    )
    _, target = await c.targets.set_target(ADMIN, "01", "BDHVS", "people", 10, now=at(5, 9))
    assert (target.first_day, target.last_day) == (clock.day_number(first), clock.day_number(last))
    with pytest.raises(Refusal) as refused:
        await c.targets.set_target(ADMIN, "01", "BDHVS", "people", 10, first, last)
    assert refused.value.reason is Reason.CAMPAIGN_DATES, "one period per target"
    await world.log("Lan", "CD1", at(10, 9), person="p1")  # within the campaign's days
    await world.log("Lan", "CD1", at(20, 9), person="p2")  # after them
    in_campaign = await report(world.db, unit_01, NOVEMBER, campaign=campaign)
    assert in_campaign.totals.people == 2
    days = (clock.day_number(first), clock.day_number(last))
    assert lines(in_campaign.union) == [("people", 1, 10, *days)]
    assert (await report(world.db, unit_01, NOVEMBER)).union.targets == [], "no campaign asked"


async def test_a_whole_tree_report_sums_each_target_in_its_own_subtree(world: World) -> None:
    c = world.plans
    await c.targets.set_target(ADMIN, "01", "", "people", 500, now=at(5, 9))  # the year 2026
    await c.targets.set_target(ADMIN, "96", "", "people", 100, NOVEMBER.first, NOVEMBER.last)
    await world.log("Lan", "CD1", at(5, 9, month=3), person="a")  # Hà Nội, in March
    await world.log("Lan", "CD1", at(10, 9), person="b")  # Hà Nội, in November
    await world.log("Hoa", "31825", at(5, 9, month=3), person="c")  # Cà Mau, before its target
    await world.log("Hoa", "31825", at(10, 9), person="d")  # Cà Mau, in its target
    whole = await report(world.db, None, NOVEMBER)
    assert whole.totals.people == 2
    [people] = whole.union.targets
    assert (people.metric, people.target, people.done) == ("people", 600, 2 + 1)
    assert (people.first_day, people.last_day) == YEAR_2026, "the span of the targets' days"
    assert people.each_own_period
    group = await c.clusters.add_cluster("HN-CM", "Hà Nội và Cà Mau", ["01", "96"])
    _, units = await c.clusters.cluster(group.code)
    cluster = await report(world.db, None, NOVEMBER, group=group, group_units=units)
    assert [(t.target, t.done) for t in cluster.union.targets] == [(600, 3)]
    march = await report(world.db, None, custom(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert lines(march.union) == [("people", 2, 500, *YEAR_2026)], "Cà Mau's target is November's"
    assert not march.union.targets[0].each_own_period


async def test_the_year_is_vietnams(world: World) -> None:
    """17:30 UTC on 31/12/2025 is already 2026 in Vietnam."""
    new_year = int(dt.datetime(2025, 12, 31, 17, 30, tzinfo=dt.UTC).timestamp())
    _, target = await world.plans.targets.set_target(ADMIN, "01", "", "teams", 5, now=new_year)
    assert (target.first_day, target.last_day) == YEAR_2026


def test_targets_set_on_the_command_line_say_their_period(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    year = clock.vn_date(clock.now()).year

    def bot(*args: str):
        return run_bot_command(*args, DB_PATH=str(db))

    done = bot("targets", "set", "--unit", "01", "--metric", "people", "--value", "500",
               "--from", f"01/01/{year}", "--to", f"30/06/{year}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Target for 01 Hà Nội: people = 500, 01/01/{year}–30/06/{year}" in done.stdout
    done = bot("targets", "set", "--unit", "01", "--metric", "teams", "--value", "5")
    assert f"teams = 5, 01/01/{year}–31/12/{year}" in done.stdout, "this year, by default"
    bot("campaigns", "add", "--code", "C1", "--name", "Đợt 1", "--from", f"01/11/{year}",
        "--to", f"30/11/{year}")  # fmt: skip
    refused = bot("targets", "set", "--unit", "01", "--campaign", "C1", "--metric", "people",
                  "--value", "5", "--from", f"01/11/{year}", "--to", f"05/11/{year}")  # fmt: skip
    assert refused.returncode == 1 and "--campaign or --from/--to" in refused.stderr
    for month, shown in (("03", ["people", "teams"]), ("09", ["teams"])):
        out = bot("report", "--format", "json", "--unit", "01", "--from", f"01/{month}/{year}",
                  "--to", f"28/{month}/{year}")  # fmt: skip
        targets = json.loads(out.stdout)["targets"]
        assert [t["metric"] for t in targets] == shown, "those whose days overlap the report's"
    assert targets[0]["from"] == f"{year}-01-01" and targets[0]["to"] == f"{year}-12-31"
    # The workbook's «Chỉ tiêu» sheet: the report's value, then the target's own figures.
    bot("targets", "set", "--unit", "01", "--metric", "people", "--value", "200",
        "--from", f"01/07/{year}", "--to", f"31/12/{year}")  # fmt: skip
    out = tmp_path / "r.xlsx"
    bot("report", "--format", "xlsx", "--out", str(out), "--unit", "01",
        "--from", f"01/01/{year}", "--to", f"31/12/{year}")  # fmt: skip
    rows = list(openpyxl.load_workbook(out)["Chỉ tiêu"].values)
    assert rows[0][4:] == ("Đã đạt (trong đơn vị và kỳ của chỉ tiêu)", "Từ ngày", "Đến ngày")
    people = [row for row in rows if str(row[0]).startswith("Người được hỗ trợ")]
    day = dt.datetime  # the sheet's days are dates (dd/mm/yyyy), as openpyxl reads them
    assert [row[1:] for row in people] == [
        (0, 500, 0, 0, day(year, 1, 1), day(year, 6, 30)),
        (None, 200, 0, 0, day(year, 7, 1), day(year, 12, 31)),
    ], "a unit's two targets of one metric, each on its own row"


async def test_in_chat_a_target_on_01_with_the_data_elsewhere_shows_0(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """End to end: `/target 01 người 500`, people helped in Cà Mau, then `/report tháng`."""
    year = clock.vn_date(clock.now()).year
    span = f"01/01/{year}–31/12/{year}"
    await admin.send("/target 01 người 500")
    assert f"từ 01/01/{year} đến 31/12/{year}" in admin.last()["text"]
    await admin.send("/target 01 lượt 50 01/01/2020-31/12/2020")  # a target of another year
    assert "từ 01/01/2020 đến 31/12/2020" in admin.last()["text"]
    await admin.send("/target 01 lượt 50 31/12/2020-01/01/2020")
    assert "/target MÃ-ĐƠN-VỊ" in admin.last()["text"], "a range backwards: how to write it"
    await admin.send("/target 01 lượt 50 đợt X 01/01/2020-31/12/2020")
    assert "Không có đợt" in admin.last()["text"]
    assert query_db(obot, "SELECT count(*) FROM targets") == [(2,)]

    volunteer = await join(api, admin, "31825", "Hoa")  # Cà Mau, not Hà Nội
    for _ in range(2):
        await volunteer.send("/assist")
        await volunteer.press("Kích hoạt VNeID mức 2")
        await volunteer.press("16–30")
        await volunteer.press("Người dân đồng ý – Lưu")

    await admin.send("/report tháng")
    text = last_report(admin)
    assert "👥 Người được hỗ trợ: 2" in text, "the whole tree's month has Cà Mau's two"
    assert f"🎯 Người được hỗ trợ ({span}): 0/500 (0% chỉ tiêu)" in text
    assert "🎯 Lượt hỗ trợ" not in text, "2020's target is not this month's"
    await admin.send("/report tháng này 01")  # «tháng 01» alone is January
    text = last_report(admin)
    assert "Báo cáo tiếp cận – Hà Nội" in text
    assert f"🎯 Người được hỗ trợ ({span}): 0/500 (0% chỉ tiêu)" in text


def last_report(user: SimUser) -> str:
    return next(m["text"] for m in reversed(user.bot_messages()) if "Báo cáo" in m["text"])
