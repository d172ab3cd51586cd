"""Reading a units CSV (`code,name,kind,parent_code`) and checking it as a whole.

Nothing is applied unless every row is good, so a half-imported tree never exists. Files
come as Excel saves them: UTF-8 with or without a BOM, UTF-16 ("Unicode text"), or
Windows-1258 (Vietnamese "CSV"), separated by commas, semicolons (Vietnamese regional
settings) or tabs.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.cells import starts_like_formula
from bot.domain.deep_links import UNIT_CODE

HEADER = ["code", "name", "kind", "parent_code"]
MAX_NAME = 120
# The kinds the bot knows (labels: `unit_kind` in templates/*/labels.txt.j2).
KINDS = ("province", "city", "ward", "commune", "special_zone", "branch", "team")
SEPARATORS = (",", ";", "\t")


class EncodingError(ValueError):
    """The file's bytes are not text in the encoding given or found; one line for a person."""


def decode_csv(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(the text in NFC, the encoding used). Without `encoding`: a BOM decides (UTF-8,
    UTF-16), then UTF-16 without one (NULs between ASCII letters), then UTF-8, and failing
    that Windows-1258, whose tones are combining marks (hence NFC)."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise EncodingError(
                f"unknown encoding {encoding!r} (try utf-8, utf-16 or cp1258)"
            ) from None
        if name in ("utf-8", "utf-16"):
            name += "-sig" if name == "utf-8" else ""
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise EncodingError(
                f"line {line} is not {encoding} (byte {exc.start + 1}); try --encoding "
                "utf-8, utf-16 or cp1258, or leave it out to detect it"
            ) from None
        return _clean(text), name
    if data.startswith(codecs.BOM_UTF8):
        return _clean(data[3:].decode("utf-8", errors="strict")), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _clean(data.decode("utf-16")), "utf-16"
    head = data[:200]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # UTF-16 without a BOM
        name = "utf-16-le" if head[1] == 0 else "utf-16-be"
        return _clean(data.decode(name, errors="replace")), name
    try:
        return _clean(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        return _clean(data.decode("cp1258", errors="replace")), "cp1258"


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def _separator(text: str) -> str:
    """The separator that splits the header into its four names (default: comma)."""
    first = text.split("\n", 1)[0]
    for separator in SEPARATORS:
        names = [h.strip().strip('"').lower() for h in first.split(separator)]
        if names == HEADER:
            return separator
    return max(SEPARATORS, key=first.count) if any(c in first for c in SEPARATORS) else ","


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str  # "" for a top-level unit


def parse_units_csv(text: str) -> tuple[list[UnitRow], list[str]]:
    """Rows and problems, each problem as 'line N: …' (line 1 is the header)."""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
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
        if kind.lower() not in KINDS:
            problems.append(f"line {line}: kind {kind!r} is not one of {', '.join(KINDS)}")
        kind = kind.lower()  # `Ward`, as a spreadsheet may capitalise it, is ward
        if parent == code:
            problems.append(f"line {line}: unit {code} is its own parent")
        rows.append(UnitRow(line, code, name, kind, parent))
    return rows, problems


def check_tree(rows: list[UnitRow], existing_parents: Mapping[str, str]) -> list[str]:
    """Unknown parents and cycles, judged on the tree as it would be after the import, all
    in one pass.

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
    for row in rows:
        seen = {row.code}
        code = row.parent_code
        while code:
            if code in seen:  # a loop; told by the units on it, not those leading to it
                if code == row.code:
                    problems.append(
                        f"line {row.line}: unit {row.code} would be inside itself (cycle)"
                    )
                break
            seen.add(code)
            code = parents.get(code, "")
    return problems


# Vietnam's 34 provinces and 3,321 communes since 1/7/2025 (public data; see data/README.md).
OFFICIAL_CSV = Path(__file__).resolve().parent / "data" / "vn-units-2025-07.csv"


def within_province(rows: list[UnitRow], code: str) -> list[UnitRow]:
    """One province and everything below it (rows of other provinces left out)."""
    keep = {code}
    changed = True
    while changed:  # parents may come after their children in a file
        before = len(keep)
        keep |= {row.code for row in rows if row.parent_code in keep}
        changed = len(keep) != before
    return [row for row in rows if row.code in keep]
