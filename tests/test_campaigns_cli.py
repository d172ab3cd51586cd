"""`outreach-bot campaigns|activities|targets|groups` on a real database file."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from tests.cli import run_bot_command


def bot(db: Path, *args: str, username: bool = True):
    env = {"DB_PATH": str(db)}
    if username:
        env["BOT_USERNAME"] = "outreach_test_bot"
    return run_bot_command(*args, env=env)


def test_a_campaign_its_activities_targets_and_a_cluster(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    made = bot(
        db, "campaigns", "add", "--code", "bdhvs-2", "--name", "Bình dân học vụ số đợt 2",
        "--from", "01/11/2026", "--to", "31/12/2026",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "BDHVS-2" in bot(db, "campaigns", "list").stdout
    added = bot(
        db, "activities", "add", "--unit", "01", "--kind", "campaign_day",
        "--title", "Ra quân", "--date", "02/12/2026", "--campaign", "BDHVS-2",
        "--services", "v2,ds",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    first, check_in, attend = added.stdout.splitlines()
    assert re.fullmatch(r"Activity \d+: Ra quân", first)
    assert re.fullmatch(r"https://t\.me/outreach_test_bot\?start=ci_[a-z2-9]{12}", check_in)
    assert re.fullmatch(r"https://t\.me/outreach_test_bot\?start=at_[a-z2-9]{12}", attend)
    # Each link has its own token: the public attendance QR does not give away the check-in.
    assert attend.rpartition("_")[2] != check_in.rpartition("_")[2]
    listed = bot(db, "activities", "list", "--campaign", "bdhvs-2").stdout
    assert "Ra quân\tBDHVS-2" in listed
    assert bot(db, "targets", "set", "--unit", "01", "--metric", "people", "--value", "500")
    assert (
        bot(db, "groups", "add", "NTB", "--name", "Cụm 2 tỉnh", "--units", "48,51").returncode == 0
    )
    assert "NTB\tCụm 2 tỉnh\t48,51" in bot(db, "groups", "list").stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT metric, value FROM targets").fetchall() == [("people", 500)]


def test_bad_input_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    cases = [
        (("campaigns", "add", "--code", "A", "--name", "A", "--from", "02/12/2026",
          "--to", "01/12/2026"), "ends before it starts"),
        (("activities", "add", "--unit", "99999", "--kind", "class", "--title", "x",
          "--date", "02/12/2026"), "no unit has this code"),
        (("activities", "add", "--unit", "01", "--kind", "party", "--title", "x",
          "--date", "02/12/2026"), "the kind is one of"),
        (("activities", "add", "--unit", "01", "--kind", "class", "--title", "x",
          "--date", "02/12/2026", "--campaign", "NOPE"), "no campaign has this code"),
        (("targets", "set", "--unit", "01", "--metric", "people", "--value", "0"),
         "above 0"),
        (("targets", "set", "--unit", "01", "--metric", "likes", "--value", "5"),
         "the metric is one of"),
        (("groups", "add", "G", "--name", "G", "--units", "01,XX"), "no unit has this code"),
    ]  # fmt: skip
    for args, expected in cases:
        done = bot(db, *args)
        assert done.returncode == 1 and expected in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    no_name = bot(
        db, "activities", "add", "--unit", "01", "--kind", "class", "--title", "x",
        "--date", "02/12/2026", username=False,
    )  # fmt: skip
    assert no_name.returncode == 1 and "BOT_USERNAME" in no_name.stderr
    with sqlite3.connect(db) as conn:
        for table in ("campaigns", "activities", "targets", "unit_groups"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def test_the_report_as_json_and_the_workbook_sheets(tmp_path: Path) -> None:
    import json

    import openpyxl

    db = tmp_path / "o.db"
    bot(db, "campaigns", "add", "--code", "C1", "--name", "Đợt 1", "--from", "01/11/2026",
        "--to", "30/11/2026")  # fmt: skip
    bot(db, "activities", "add", "--unit", "01", "--kind", "class", "--title", "Lớp VNeID",
        "--date", "10/11/2026", "--campaign", "C1")  # fmt: skip
    bot(db, "activities", "add", "--unit", "79", "--kind", "online", "--title", "Trực tuyến",
        "--date", "12/11/2026")  # fmt: skip
    bot(db, "targets", "set", "--unit", "01", "--campaign", "C1", "--metric", "activities",
        "--value", "4")  # fmt: skip
    done = bot(db, "report", "--format", "json", "--unit", "01", "--campaign", "C1")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    keys = {"people", "assists", "self_serve", "youth_reached", "activities",
            "activities_by_kind", "teams", "member_participations", "members_active",
            "attendees", "verified_assists", "by_service", "targets"}  # fmt: skip
    assert keys <= data.keys()
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30"), "the campaign's dates"
    assert data["activities"] == 1 and data["activities_by_kind"]["class"] == 1
    assert data["targets"] == [
        {"metric": "activities", "target": 4, "done": 1, "percent": 25,
         "from": "2026-11-01", "to": "2026-11-30", "each_own_period": False}
    ], "a campaign's target covers the campaign's dates"  # fmt: skip
    bot(db, "groups", "add", "HN-HCM", "--name", "Hai thành phố", "--units", "01,79")
    both = json.loads(bot(db, "report", "--format", "json", "--group", "HN-HCM").stdout)
    assert both["activities"] == 2 and both["scope"] == {"group": "Hai thành phố"}
    refused = bot(db, "report", "--group", "HN-HCM", "--unit", "01")
    assert refused.returncode == 1 and "not both" in refused.stderr
    out = tmp_path / "r.xlsx"
    assert bot(db, "report", "--format", "xlsx", "--out", str(out), "--unit", "01").returncode == 0
    book = openpyxl.load_workbook(out)
    assert {"Chỉ tiêu", "Hoạt động"} <= set(book.sheetnames)
    rows = list(book["Hoạt động"].iter_rows(values_only=True))
    # Days are real dates (finding 22 of the coordinator issue), shown dd/mm/yyyy.
    november_10 = dt.datetime(2026, 11, 10)
    assert rows[1][:6] == (november_10, november_10, "01", "Hà Nội", "Lớp hướng dẫn", "Lớp VNeID")


def test_teams_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    made = bot(db, "teams", "add", "--unit", "01", "--name", "Đội hình tình nguyện")
    assert made.returncode == 0 and "Team 01-DH1" in made.stdout, made.stderr
    assert (
        "01-DH1\tteam\tĐội hình tình nguyện\t01" in bot(db, "units", "list", "--under", "01").stdout
    )
    refused = bot(db, "teams", "add", "--unit", "NOPE", "--name", "x")
    assert refused.returncode == 1 and "no unit has this code" in refused.stderr
