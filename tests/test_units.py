"""Units: the CSV format, whole-file checks, idempotent imports and the CLI."""

from __future__ import annotations

import time
from pathlib import Path

from bot.domain.units_csv import OFFICIAL_CSV as OFFICIAL
from bot.domain.units_csv import parse_units_csv
from bot.storage.db import open_database
from bot.storage.units import UnitRepository
from tests.cli import run_bot_command

HEADER = "code,name,kind,parent_code\n"


async def test_default_data_is_the_34_provinces(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "o.db")
    repo = UnitRepository(db)
    top = await repo.children(None)
    await db.close()
    assert len(top) == 34
    assert (top[0].code, top[0].name) == ("01", "Hà Nội")
    assert (top[-1].code, top[-1].name) == ("96", "Cà Mau")


def test_bad_rows_are_reported_with_line_numbers() -> None:
    text = HEADER + "".join(
        line + "\n"
        for line in (
            "00004,Phường Ba Đình,ward,01",
            ",x,ward,01",
            "00004,Lặp,ward,01",
            "A,,ward,",
            "B,b,Ward!,",
            "C,c,ward,C",
            "D,d,ward",
        )
    )
    _, problems = parse_units_csv(text)
    assert problems == [
        "line 3: code '' must be 1-20 letters, digits or '-'",
        "line 4: duplicate code 00004 (first on line 2)",
        "line 5: unit A has an empty name",
        "line 6: kind 'Ward!' is not one of province, city, ward, commune, special_zone, "
        "branch, team",
        "line 7: unit C is its own parent",
        "line 8: expected 4 columns, found 3",
    ]


def test_header_is_required() -> None:
    assert parse_units_csv("ma,ten\n01,x\n")[1] == [
        "line 1: the header must be code,name,kind,parent_code"
    ]


async def test_unknown_parents_and_cycles_apply_nothing(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "o.db")
    repo = UnitRepository(db)
    rows, _ = parse_units_csv(HEADER + "X1,x,branch,NOPE\nX2,y,branch,01\n")
    result = await repo.import_rows(rows)
    assert result.problems == ["line 2: unit X1 has unknown parent NOPE"]
    rows, _ = parse_units_csv(HEADER + "B1,b,branch,B2\nB2,b,branch,B1\n")
    assert len((await repo.import_rows(rows)).problems) == 2
    # A cycle through a unit already stored: 01 would move under its own descendant.
    rows, _ = parse_units_csv(HEADER + "C1,c,branch,01\n01,Hà Nội,city,C1\n")
    assert any("cycle" in p for p in (await repo.import_rows(rows)).problems)
    assert await repo.count() == 34
    await db.close()


async def test_the_official_list_imports_in_seconds_and_again_changes_nothing(
    tmp_path: Path,
) -> None:
    rows, problems = parse_units_csv(OFFICIAL.read_text(encoding="utf-8"))
    assert problems == [] and len(rows) == 3355
    db = await open_database(tmp_path / "o.db")
    repo = UnitRepository(db)
    started = time.perf_counter()
    first = await repo.import_rows(rows)
    elapsed = time.perf_counter() - started
    print(f"\nimported {len(rows)} units in {elapsed:.2f} s")
    assert (first.added, first.updated, first.problems) == (3321, 34, [])
    again = await repo.import_rows(rows)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3355)
    hcm = await repo.by_code("79")
    assert hcm is not None
    assert len(await repo.subtree(hcm)) == 1 + 168
    ward = await repo.by_code("00004")
    assert ward is not None and hcm.contains(ward) is False
    await db.close()


def test_cli_import_and_list(tmp_path: Path) -> None:
    db_path = str(tmp_path / "data" / "o.db")
    good = tmp_path / "units.csv"
    good.write_text(
        HEADER + "00004,Phường Ba Đình,ward,01\nCD1,Chi đoàn 1,branch,00004\n", encoding="utf-8"
    )
    result = run_bot_command("units", "import", str(good), DB_PATH=db_path)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    listed = run_bot_command("units", "list", "--under", "00004", DB_PATH=db_path)
    assert listed.stdout.splitlines() == [
        "00004\tward\tPhường Ba Đình\t01",
        "CD1\tbranch\tChi đoàn 1\t00004",
    ]
    everything = run_bot_command("units", "list", DB_PATH=db_path).stdout.splitlines()
    assert len(everything) == 36 and everything[:2] == [
        "01\tcity\tHà Nội\t",
        "00004\tward\tPhường Ba Đình\t01",
    ]

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X,,ward,00004\nY,y,ward,ZZ\n", encoding="utf-8")
    result = run_bot_command("units", "import", str(bad), DB_PATH=db_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "bad.csv: line 2: unit X has an empty name",
        "bad.csv: line 3: unit Y has unknown parent ZZ",
    ]
    assert "nothing was imported" in result.stderr
    assert run_bot_command("units", "list", "--under", "NOPE", DB_PATH=db_path).returncode == 1
    missing = run_bot_command("units", "import", str(tmp_path / "none.csv"), DB_PATH=db_path)
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_the_official_list_ships_and_imports_by_province(tmp_path: Path) -> None:
    """A user's clone has no ../shared: the list is inside the package."""
    db_path = str(tmp_path / "data" / "o.db")
    one = run_bot_command("units", "import", "--official", "--province", "96", DB_PATH=db_path)
    assert one.returncode == 0, one.stderr
    listed = run_bot_command("units", "list", "--under", "96", DB_PATH=db_path).stdout
    assert listed.startswith("96\tprovince\tTỉnh Cà Mau") and "\t96\n" in listed
    assert "00004" not in run_bot_command("units", "list", DB_PATH=db_path).stdout
    every = run_bot_command("units", "import", "--official", DB_PATH=db_path)
    assert every.returncode == 0 and "3355 units" in every.stdout
    neither = run_bot_command("units", "import", DB_PATH=db_path)
    assert neither.returncode == 2 and "--official" in neither.stderr
