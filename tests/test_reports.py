"""Reach tallies against hand-computed figures on a small, known set of records."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import VIETNAM
from bot.domain.draft import Draft
from bot.domain.model import Role
from bot.domain.periods import custom, parse_period
from bot.domain.units_csv import parse_units_csv
from bot.services.assist_form import assist_for
from bot.storage import rollup
from bot.storage.assists import AssistRepository
from bot.storage.db import Database, open_database
from bot.storage.erasure import ErasureRepository
from bot.storage.members import MemberRepository
from bot.storage.reports import ReportRepository, month_split
from bot.storage.units import UnitRepository

TREE = """code,name,kind,parent_code
00004,Phường Ba Đình,ward,01
00008,Phường Ngọc Hà,ward,01
CD1,Chi đoàn 1,branch,00004
31825,Phường Bạc Liêu,ward,96
"""


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> int:
    """A moment in Vietnam time, November 2026 unless told otherwise."""
    return int(dt.datetime(2026, month, day, hour, minute, tzinfo=VIETNAM).timestamp())


class Fixture:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.units = UnitRepository(db)
        self.assists = AssistRepository(db)
        self.members = MemberRepository(db)
        self.reports = ReportRepository(db)
        self.volunteers: dict[str, int] = {}
        self.count = 0

    async def volunteer(self, name: str, unit_code: str) -> int:
        unit = await self.units.by_code(unit_code)
        assert unit is not None
        invite = await self.members.create_invite(unit.id, Role.VOLUNTEER, 5, "admin", 0, 2**40)
        result = await self.members.join(invite.code, f"key-{name}", name, 1)
        assert result.member is not None
        self.volunteers[name] = result.member.id
        return result.member.id

    async def log(
        self,
        name: str,
        unit_code: str,
        when: int,
        services: tuple[str, ...] = ("v1",),
        *,
        consent: bool = True,
        person: str = "",
        people: int = 1,
        age: str = "31-59",
        created: int | None = None,
    ) -> int:
        unit = await self.units.by_code(unit_code)
        assert unit is not None
        draft = Draft(
            unit_id=unit.id,
            batch=people > 1,
            services=services,
            age=age,
            person_key=person,
            key_id="k1" if person else "",
            people=people,
        )
        self.count += 1
        record = assist_for(draft, self.volunteers[name], consent, created or when, when)
        saved = await self.assists.save_assist(f"t{self.count}", record)
        return saved.id


@pytest.fixture
async def fx(tmp_path: Path) -> AsyncIterator[Fixture]:
    db = await open_database(tmp_path / "r.db")
    rows, _ = parse_units_csv(TREE)
    assert not (await UnitRepository(db).import_rows(rows)).problems
    fixture = Fixture(db)
    await fixture.volunteer("Lan", "CD1")
    await fixture.volunteer("Minh", "00008")
    await fixture.volunteer("Hoa", "31825")
    yield fixture
    await db.close()


NOVEMBER = custom(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


async def scope(fx: Fixture, code: str):
    return await fx.units.by_code(code)


async def test_hand_computed_tallies(fx: Fixture) -> None:
    await fx.log("Lan", "CD1", at(10, 23, 59), ("v1", "sf"), person="p1")
    await fx.log("Lan", "CD1", at(11, 0, 1), ("v2",), person="p1")  # same person, next day
    await fx.log("Lan", "00004", at(11, 9), ("v1",), consent=False)  # anonymous
    await fx.log("Minh", "00008", at(12, 9), ("ds",), person="p1")  # p1 again, another ward
    await fx.log("Minh", "00008", at(12, 10), ("ds",), people=20, age="16-30")  # a batch
    await fx.log("Hoa", "31825", at(30, 23, 59), ("sg",))
    await fx.log("Hoa", "31825", at(1, 0, 0, month=12), ("sg",))  # December: outside

    whole = await fx.reports.report(None, NOVEMBER)
    # People: p1 once + the anonymous one + 20 in the batch + Hoa's one = 23.
    assert (whole.totals.people, whole.totals.assists) == (23, 25)
    assert dict(whole.by_dim["svc"]) == {"v1": 2, "sf": 1, "v2": 1, "ds": 21, "sg": 1}
    assert dict(whole.by_dim["age"]) == {"31-59": 4, "16-30": 20, "": 1}
    children = {c.unit.code: (c.people, c.assists) for c in whole.children}
    assert children == {"01": (22, 24), "96": (1, 1)}
    assert whole.volunteers == [("Minh", 21), ("Lan", 3), ("Hoa", 1)]

    hanoi = await fx.reports.report(await scope(fx, "01"), NOVEMBER)
    wards = {c.unit.code: (c.people, c.assists) for c in hanoi.children}
    assert wards == {"00004": (2, 3), "00008": (21, 21)}  # p1 counts once in each ward
    assert hanoi.totals.people == 22  # ... and once for the city

    # Day edges in Vietnam time: 23:59 on the 10th and 00:01 on the 11th are different days.
    tenth = await fx.reports.report(None, custom(dt.date(2026, 11, 10), dt.date(2026, 11, 10)))
    eleventh = await fx.reports.report(None, custom(dt.date(2026, 11, 11), dt.date(2026, 11, 11)))
    assert (tenth.totals.assists, eleventh.totals.assists) == (1, 2)
    assert (tenth.totals.people, eleventh.totals.people) == (1, 2)
    december = await fx.reports.report(None, custom(dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
    assert december.totals.assists == 1


async def test_previous_period_and_backdated_batches(fx: Fixture) -> None:
    # Logged on 2 November for a campaign day on 31 October: it counts in October.
    await fx.log("Lan", "CD1", at(31, 12, month=10), people=10, created=at(2, 9))
    await fx.log("Lan", "CD1", at(3, 10), people=5)  # in November
    report = await fx.reports.report(None, NOVEMBER)
    assert report.previous is not None
    assert report.previous.assists == 10 and report.totals.assists == 5
    previous = report.period.previous()
    assert previous is not None
    assert (previous.first, previous.last) == (dt.date(2026, 10, 2), dt.date(2026, 10, 31))
    assert (
        await fx.reports.report(None, custom(previous.first, dt.date(2026, 10, 30)))
    ).totals.assists == 0


async def test_undo_and_erasure_move_the_totals(fx: Fixture) -> None:
    first = await fx.log("Lan", "CD1", at(5, 8), person="p9")
    await fx.log("Lan", "CD1", at(5, 9), person="p9")
    assert (await fx.assists.undo(first, fx.volunteers["Lan"], 0)) is True
    report = await fx.reports.report(None, NOVEMBER)
    assert (report.totals.people, report.totals.assists) == (1, 1)
    await ErasureRepository(fx.db).forget("key-Lan", at(6, 8))
    report = await fx.reports.report(None, NOVEMBER)
    # The name is gone; the member number stays, so the record is still accountable.
    lan = fx.volunteers["Lan"]
    assert report.volunteers == [(f"#{lan}", 1)] and report.totals.assists == 1
    await ErasureRepository(fx.db).forget_person("p9", at(6, 9))
    report = await fx.reports.report(None, NOVEMBER)
    assert (report.totals.people, report.totals.assists) == (1, 1)


async def test_incremental_totals_equal_a_rebuild(fx: Fixture, tmp_path: Path) -> None:
    await fx.log("Lan", "CD1", at(10, 23, 59), ("v1", "sf"), person="p1")
    undone = await fx.log("Lan", "00004", at(11, 1), ("v2",), person="p2")
    await fx.log("Minh", "00008", at(12, 9), ("ds",), people=7, consent=False)
    await fx.log("Hoa", "31825", at(20, 9), ("sg", "ot"), person="p1")
    # Back-dated between p1's days, then undone: the days after it are relinked both times.
    middle = await fx.log("Hoa", "31825", at(15, 9), ("v2",), person="p1", age="16-30")
    await fx.log("Hoa", "31825", at(17, 9), ("v2",), person="p1", age="16-30")
    await fx.assists.undo(middle, fx.volunteers["Hoa"], 0)
    await fx.assists.record_self_serve("citizen", "g1", "vd", None, at(3, 8))
    unit = await fx.units.by_code("00004")
    assert unit is not None
    await fx.assists.record_self_serve("citizen", "g2", "sf", unit.id, at(4, 8))
    await fx.assists.record_self_serve("web:" + "0" * 32, "g2", "sf", unit.id, at(4, 9))
    await fx.assists.record_self_serve("web:" + "1" * 32, "g1", "vd", None, at(5, 9))
    await fx.assists.undo(undone, fx.volunteers["Lan"], 0)
    await ErasureRepository(fx.db).forget("key-Minh", at(21, 8))

    def tables() -> tuple[list, list]:
        with sqlite3.connect(tmp_path / "r.db") as conn:
            return (
                conn.execute("SELECT * FROM rollup ORDER BY 1, 2, 3, 4").fetchall()
                + conn.execute("SELECT * FROM vol_rollup ORDER BY 1, 2, 3, 4").fetchall(),
                conn.execute("SELECT * FROM person_days ORDER BY 1, 2, 3").fetchall()
                + conn.execute("SELECT * FROM youth_days ORDER BY 1, 2, 3").fetchall(),
            )

    incremental = tables()
    await fx.db.write(rollup.rebuild)
    assert tables() == incremental
    assert len(incremental[0]) > 20


def test_distinct_people_from_previous_days_match_a_distinct_count() -> None:
    """Random sightings added and removed in any order: the rows of a window whose `prev` is
    before it are exactly its distinct people, and `prev` equals what a rebuild computes."""
    import random

    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE person_days (level INTEGER NOT NULL, day INTEGER NOT NULL, "
        "person INTEGER NOT NULL, n INTEGER NOT NULL, prev INTEGER NOT NULL DEFAULT -1, "
        "PRIMARY KEY (level, day, person)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX person_days_person ON person_days (level, person, day)")
    rng = random.Random(7)
    seen: dict[tuple[int, int], int] = {}  # (day, person) -> sightings
    for _ in range(600):
        day, person = rng.randrange(30), rng.randrange(6)
        sign = -1 if seen.get((day, person)) and rng.random() < 0.45 else 1
        rollup._count_person(conn, "person_days", 0, day, person, sign)
        seen[(day, person)] = seen.get((day, person), 0) + sign
        first, last = sorted((rng.randrange(30), rng.randrange(30)))
        [(counted,)] = conn.execute(
            "SELECT count(*) FROM person_days WHERE level = 0 AND day BETWEEN ? AND ? AND prev < ?",
            (first, last, first),
        ).fetchall()
        expected = {p for (d, p), n in seen.items() if n > 0 and first <= d <= last}
        assert counted == len(expected), (first, last)
    kept = conn.execute("SELECT * FROM person_days ORDER BY 1, 2, 3").fetchall()
    conn.execute("UPDATE person_days SET prev = -1")
    conn.execute(rollup._link_days("person_days"))
    assert conn.execute("SELECT * FROM person_days ORDER BY 1, 2, 3").fetchall() == kept
    assert any(prev != -1 for *_, prev in kept)


def test_month_split() -> None:
    epoch = dt.date(1970, 1, 1)

    def day(y: int, m: int, d: int) -> int:
        return (dt.date(y, m, d) - epoch).days

    months, edges = month_split(day(2026, 10, 15), day(2026, 12, 3))
    assert months == [day(2026, 11, 1)]
    assert edges == [(day(2026, 10, 15), day(2026, 10, 31)), (day(2026, 12, 1), day(2026, 12, 3))]
    assert month_split(day(2026, 2, 1), day(2026, 2, 28)) == ([day(2026, 2, 1)], [])


def test_periods() -> None:
    today = dt.date(2026, 11, 28)
    assert parse_period("", today) == parse_period("month", today)
    assert parse_period("tuan", today).first == dt.date(2026, 11, 23)
    assert parse_period("quarter", today).first == dt.date(2026, 10, 1)
    assert parse_period("nam", today).first == dt.date(2026, 1, 1)
    assert parse_period("01/11/2026-15/11/2026", today).length == 15
    assert parse_period("20261101-20261115", today) == parse_period("1/11/2026 - 15/11/2026", today)
    # Vietnamese as people type it: accents or none, any case, with spaces.
    for words, first, last in (
        ("tuần", dt.date(2026, 11, 23), today),
        ("Hôm nay", today, today),
        ("hôm qua", dt.date(2026, 11, 27), dt.date(2026, 11, 27)),
        ("quý", dt.date(2026, 10, 1), today),
        ("năm", dt.date(2026, 1, 1), today),
        ("tháng trước", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("THANG TRUOC", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("quý trước", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("năm trước", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("tuần trước", dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        ("tất cả", dt.date(2020, 1, 1), today),
    ):
        period = parse_period(words, today)
        assert (period.first, period.last) == (first, last), words
    for bad in (
        "soon",
        "31/02/2026-01/03/2026",
        "15/11/2026-01/11/2026",
        "01/01/2000-01/01/2020",
    ):
        with pytest.raises(ValueError):
            parse_period(bad, today)


async def test_moving_a_unit_moves_its_reach(fx: Fixture, tmp_path: Path) -> None:
    await fx.log("Minh", "00008", at(12, 9), ("ds",), person="p5")
    rows, _ = parse_units_csv("code,name,kind,parent_code\n00008,Phường Ngọc Hà,ward,96\n")
    assert not (await fx.units.import_rows(rows)).problems
    hanoi = await fx.reports.report(await scope(fx, "01"), NOVEMBER)
    ca_mau = await fx.reports.report(await scope(fx, "96"), NOVEMBER)
    assert (hanoi.totals.assists, ca_mau.totals.assists) == (0, 1)
    assert ca_mau.totals.people == 1
