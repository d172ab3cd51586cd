"""`outreach-bot units import|list`: work on DB_PATH directly, no bot token needed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.cli.progress import working
from bot.domain.cells import tsv_line
from bot.domain.units_csv import EncodingError, decode_csv, parse_units_csv, within_province
from bot.storage.db import open_database
from bot.storage.units import UnitRepository


async def import_units(
    db_path: Path, csv_path: Path, province: str | None = None, encoding: str | None = None
) -> int:
    """Import a CSV in any encoding Excel saves (see bot/domain/units_csv.py)."""
    if csv_path.is_dir():
        print(f"outreach-bot: {csv_path} is a folder: name the CSV file", file=sys.stderr)
        return 1
    try:
        text, found = decode_csv(csv_path.read_bytes(), encoding)
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        print(f"outreach-bot: cannot read {csv_path}: {reason}", file=sys.stderr)
        return 1
    except EncodingError as exc:
        print(f"outreach-bot: {csv_path.name}: {exc}", file=sys.stderr)
        return 1
    if encoding is None and found not in ("utf-8", "utf-8-sig"):
        print(f"{csv_path.name}: read as {found}", file=sys.stderr)
    rows, problems = parse_units_csv(text)
    if problems and not rows:
        return _report(csv_path, problems)
    if province is not None:
        rows = within_province(rows, province)
        if not rows:
            missing = f"outreach-bot: {csv_path.name} has no unit with the code {province}"
            print(missing, file=sys.stderr)
            return 1
    started = time.perf_counter()
    db = await open_database(db_path)
    try:
        with working(f"importing {len(rows):,} units"):
            result = await UnitRepository(db).import_rows(rows, problems)
    finally:
        await db.close()
    if result.problems:
        return _report(csv_path, result.problems)
    seconds = time.perf_counter() - started
    print(
        f"Imported {len(rows)} units from {csv_path}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged ({seconds:.1f} s)."
    )
    return 0


def _report(csv_path: Path, problems: list[str]) -> int:
    for problem in problems:
        print(f"{csv_path.name}: {problem}")
    print(f"{len(problems)} problem(s); nothing was imported.", file=sys.stderr)
    return 1


async def list_units(db_path: Path, under: str | None) -> int:
    db = await open_database(db_path, create=False)
    try:
        repo = UnitRepository(db)
        root = None
        if under:
            root = await repo.by_code(under)
            if root is None:
                print(f"outreach-bot: no unit has the code {under}", file=sys.stderr)
                return 1
        units = await repo.subtree(root)
        codes = {u.id: u.code for u in units}
        if root is not None and root.parent_id is not None:
            parent = await repo.get(root.parent_id)
            codes[root.parent_id] = parent.code if parent else ""
    finally:
        await db.close()
    for unit in units:
        parent_code = codes.get(unit.parent_id, "") if unit.parent_id else ""
        print(tsv_line(unit.code, unit.kind, unit.name, parent_code))
    return 0
