"""The desktop commands: demo data, report, export, chart and qr, on DB_PATH, no token."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
import zxingcpp
from PIL import Image

from tests.cli import run_bot_command


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_bot_command("demo-data", "--assists", "3000", "--seed", "5", DB_PATH=str(path))
    assert result.returncode == 0, result.stderr
    assert "Wrote 3000 assists" in result.stdout
    return str(path)


def test_demo_data_is_reproducible(tmp_path: Path, demo_db: str) -> None:
    again = tmp_path / "again.db"
    run_bot_command("demo-data", "--assists", "3000", "--seed", "5", DB_PATH=str(again))
    first = run_bot_command("report", DB_PATH=demo_db).stdout
    second = run_bot_command("report", DB_PATH=str(again)).stdout
    assert first == second and "Lượt hỗ trợ: " in first


def test_report_formats(tmp_path: Path, demo_db: str) -> None:
    text = run_bot_command("report", "--unit", "01", "--from", "2020-01-01", DB_PATH=demo_db)
    assert text.returncode == 0 and "Báo cáo tiếp cận – Hà Nội" in text.stdout
    assert "<b>" not in text.stdout
    assert "\nSo với " in text.stdout  # the comparison starts its own line
    table = run_bot_command("report", "--format", "csv", DB_PATH=demo_db)
    rows = list(csv.reader(io.StringIO(table.stdout)))  # the standard output: plain CSV
    assert rows[0][:2] == ["Mục", "Khóa (như báo cáo JSON)"]
    assert ["Lượt hỗ trợ", "assists"] in [r[:2] for r in rows]
    out = tmp_path / "r.xlsx"
    assert (
        run_bot_command("report", "--format", "xlsx", "--out", str(out), DB_PATH=demo_db).returncode
        == 0
    )
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["Tổng hợp", "Theo đơn vị"]
    bad = run_bot_command("report", "--unit", "NOPE", DB_PATH=demo_db)
    assert bad.returncode == 1 and "no unit has the code NOPE" in bad.stderr
    bad = run_bot_command("report", "--from", "31/02/2026", DB_PATH=demo_db)
    assert bad.returncode == 1 and "no such date" in bad.stderr


def test_export_matches_the_report(tmp_path: Path, demo_db: str) -> None:
    out = tmp_path / "e.csv"
    result = run_bot_command("export", "--format", "csv", "--out", str(out), DB_PATH=demo_db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.open(encoding="utf-16", newline=""), delimiter="\t"))
    assert len(rows) == 3001
    people = sum(int(r[4]) for r in rows[1:])
    report = run_bot_command("report", DB_PATH=demo_db).stdout
    assert f"Lượt hỗ trợ: {people:,}".replace(",", ".") in report
    province = rows[1][1][4:6]  # demo communes are DEMO<province code><number>
    xlsx = tmp_path / "e.xlsx"
    run_bot_command("export", "--out", str(xlsx), "--unit", province, DB_PATH=demo_db)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    records = list(book["Bản ghi"].values)[1:]
    expected = sum(r[1].startswith(f"DEMO{province}") for r in rows[1:])
    assert len(records) == expected > 0
    assert all(str(r[1]).startswith(f"DEMO{province}") for r in records)


def test_a_chart_of_one_kind(tmp_path: Path, demo_db: str) -> None:
    """`--kind` writes that chart alone, to the given name (all three: the README's case)."""
    out = tmp_path / "c.png"
    result = run_bot_command("chart", "--kind", "service", "--out", str(out), DB_PATH=demo_db)
    assert result.returncode == 0, result.stderr
    assert Image.open(out).format == "PNG" and [p.name for p in tmp_path.iterdir()] == ["c.png"]


def test_posters(tmp_path: Path, demo_db: str) -> None:
    poster = tmp_path / "p.png"
    env = {"DB_PATH": demo_db, "BOT_USERNAME": "outreach_bot"}
    result = run_bot_command(
        "qr", "safety-never-share-otp", "--unit", "00004", "--out", str(poster), env=env
    )
    assert result.returncode == 1 and "no unit" in result.stderr  # demo data has no 00004
    result = run_bot_command(
        "qr", "safety-never-share-otp", "--unit", "01", "--out", str(poster), env=env
    )
    assert result.returncode == 0, result.stderr
    [code] = zxingcpp.read_barcodes(Image.open(poster))
    assert code.text == "https://t.me/outreach_bot?start=safety-never-share-otp_01"
    no_name = run_bot_command("qr", "safety-never-share-otp", "--out", str(poster), DB_PATH=demo_db)
    assert no_name.returncode == 1 and "BOT_USERNAME" in no_name.stderr


def test_demo_data_replaces_its_own_and_refuses_real_data(tmp_path: Path, demo_db: str) -> None:
    """Issue 26, finding 17: a second run no longer adds to the first (see also
    tests/test_cli_demo_data.py)."""
    path = tmp_path / "twice.db"
    result = run_bot_command("demo-data", "--assists", "500", DB_PATH=str(path))
    assert result.returncode == 0, result.stderr
    again = run_bot_command("demo-data", "--assists", "500", DB_PATH=str(path))
    assert again.returncode == 1 and "--replace" in again.stderr
    result = run_bot_command("demo-data", "--assists", "500", "--replace", DB_PATH=str(path))
    assert result.returncode == 0, result.stderr
    assert "Lượt hỗ trợ:" in run_bot_command("report", DB_PATH=str(path)).stdout
    import sqlite3

    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM assists").fetchone()[0] == 500


def test_the_workbook_speaks_vietnamese_and_shows_levels(tmp_path: Path, demo_db: str) -> None:
    out = tmp_path / "w.xlsx"
    result = run_bot_command("export", "--format", "xlsx", "--out", str(out), DB_PATH=demo_db)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    units = list(book["Theo đơn vị"].values)
    assert units[0][:3] == ("Mã đơn vị", "Cấp", "Loại")
    kinds = {row[2] for row in units[1:]}
    assert kinds and not kinds & {"province", "ward", "commune", "city"}, kinds
    assert {1, 2} <= {row[1] for row in units[1:]}  # provinces and their communes, told apart
    summary = [str(row[0]) for row in book["Tổng hợp"].values]
    assert not any(line.endswith(": ?") for line in summary)
    assert any(line.endswith(": không rõ") for line in summary)
