"""Reading a units CSV (`code,name,kind,parent_code`) and checking it as a whole.

Nothing is applied unless every row is good, so a half-imported tree never exists.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.reach.domain.cells import starts_like_formula
from bot.reach.domain.deep_links import UNIT_CODE

HEADER = ["code", "name", "kind", "parent_code"]
MAX_NAME = 120
_KIND = re.compile(r"^[a-z_]{1,20}$")


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str  # "" for a top-level unit


def parse_units_csv(text: str) -> tuple[list[UnitRow], list[str]]:
    """Rows and problems, each problem as 'line N: …' (line 1 is the header)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        return _parse(reader)
    except csv.Error as exc:  # a stray quote or NUL: say where, apply nothing
        return [], [f"line {reader.line_num}: not valid CSV ({exc})"]


def _parse(reader: Any) -> tuple[list[UnitRow], list[str]]:
    problems: list[str] = []
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != HEADER:
        return [], [f"line 1: the header must be {','.join(HEADER)}"]
    rows: list[UnitRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(HEADER):
            problems.append(f"line {line}: expected 4 columns, found {len(record)}")
            continue
        code, name, kind, parent = (cell.strip() for cell in record)
        if not UNIT_CODE.match(code):
            problems.append(f"line {line}: code {code!r} must be 1-20 letters, digits or '-'")
            continue
        if code in seen:
            problems.append(f"line {line}: duplicate code {code} (first on line {seen[code]})")
            continue
        seen[code] = line
        if not name:
            problems.append(f"line {line}: unit {code} has an empty name")
        elif starts_like_formula(name):
            problems.append(
                f"line {line}: unit {code} has a name starting with {name[0]!r}; a spreadsheet "
                "would run it as a formula (names may not start with = + - or @)"
            )
        elif len(name) > MAX_NAME or not name.isprintable():
            problems.append(f"line {line}: unit {code} has a name that is too long or unprintable")
        if not _KIND.match(kind):
            problems.append(f"line {line}: kind {kind!r} must be a lowercase word like ward")
        if parent == code:
            problems.append(f"line {line}: unit {code} is its own parent")
        rows.append(UnitRow(line, code, name, kind, parent))
    return rows, problems


def check_tree(rows: list[UnitRow], existing_parents: Mapping[str, str]) -> list[str]:
    """Unknown parents and cycles, judged on the tree as it would be after the import.

    `existing_parents` maps every code already stored to its parent code ("" at the top).
    """
    parents = dict(existing_parents)
    parents.update({row.code: row.parent_code for row in rows})
    problems = []
    for row in rows:
        if row.parent_code and row.parent_code not in parents:
            problems.append(
                f"line {row.line}: unit {row.code} has unknown parent {row.parent_code}"
            )
    if problems:
        return problems
    for row in rows:
        seen = {row.code}
        code = row.parent_code
        while code:
            if code in seen:
                problems.append(f"line {row.line}: unit {row.code} would be inside itself (cycle)")
                break
            seen.add(code)
            code = parents.get(code, "")
    return problems


# Vietnam's 34 provinces and 3,321 communes since 1/7/2025 (public data; see data/README.md).
OFFICIAL_CSV = Path(__file__).resolve().parents[1] / "data" / "vn-units-2025-07.csv"


def within_province(rows: list[UnitRow], code: str) -> list[UnitRow]:
    """One province and everything below it (rows of other provinces left out)."""
    keep = {code}
    changed = True
    while changed:  # parents may come after their children in a file
        before = len(keep)
        keep |= {row.code for row in rows if row.parent_code in keep}
        changed = len(keep) != before
    return [row for row in rows if row.code in keep]
