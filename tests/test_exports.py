"""Files too big for Telegram are zipped, or split into zipped parts that each fit."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from bot.domain.cells import ExcelCsvWriter, open_excel_csv
from bot.reports.exports import fit_for_telegram

HEADER = "Ngày\tMã đơn vị\tSố người\r\n"


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A records-like CSV, written as the exports write theirs (UTF-16, tab-separated)."""
    rng = random.Random(seed)
    with open_excel_csv(path) as handle:
        writer = ExcelCsvWriter(handle)
        writer.writerow(["Ngày", "Mã đơn vị", "Số người"])
        for _ in range(rows):
            unit = f"DEMO{rng.randint(1, 99):02d}{rng.randint(1, 999):03d}"
            writer.writerow([f"2026-11-{rng.randint(1, 28):02d}", unit, rng.randint(1, 50)])


def test_small_files_go_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    make_csv(path, 10)
    assert fit_for_telegram(path, limit=10_000) == ([path], False, False)


def test_a_big_csv_is_zipped_or_split_into_parts_that_fit(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    make_csv(path, 5_000)
    size = path.stat().st_size
    [zipped], compressed, split = fit_for_telegram(path, limit=size // 2)
    assert compressed and not split and zipped.suffix == ".zip"
    assert zipfile.ZipFile(zipped).read("b.csv").decode("utf-16").count("\n") == 5_001

    path = tmp_path / "c.csv"
    make_csv(path, 50_000, seed=2)
    limit = 60_000
    parts, compressed, split = fit_for_telegram(path, limit=limit)
    assert compressed and split and len(parts) > 2 and not path.exists()
    total = 0
    for part in parts:
        assert part.stat().st_size <= limit
        [name] = zipfile.ZipFile(part).namelist()
        text = zipfile.ZipFile(part).read(name).decode("utf-16")  # each part has its BOM
        assert text.startswith(HEADER)
        total += text.count("\n") - 1
    assert total == 50_000


def test_a_workbook_is_never_cut(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    path.write_bytes(random.Random(3).randbytes(50_000))  # incompressible, like a real XLSX
    assert fit_for_telegram(path, limit=10_000) == ([path], False, False)
