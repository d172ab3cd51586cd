"""Issue 26, finding 18: `units import` reads the files Excel saves (UTF-8 with or without a
BOM, UTF-16, Windows-1258 with combining tones, comma, semicolon or tab separated), refuses
unknown kinds, and reports every problem, cycles included, in one pass."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from bot.domain.units_csv import decode_csv, parse_units_csv
from tests.cli import run_bot_command

ROWS = [
    ("code", "name", "kind", "parent_code"),
    ("00004", "Phường Ba Đình", "ward", "01"),
    ("CD1", "Chi đoàn Phường Ngọc Hà – Tổ dân phố số 1", "branch", "00004"),
    ("CD2", "Chi đoàn Xã Ứng Hòa, thôn Đống", "branch", "00004"),  # a comma in a name
]
TONES = "\u0300\u0301\u0303\u0309\u0323"


def _csv(separator: str) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if separator in value else value

    return "".join(separator.join(cell(v) for v in row) + "\r\n" for row in ROWS)


def _cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese in code page 1258: the base letter (â, ơ, ư… are letters
    of their own there), then the tone as a combining mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out += base.encode("cp1258") + "".join(c for c in decomposed if c in TONES).encode("cp1258")
    return bytes(out)


FILES = {
    "utf-8": lambda: _csv(",").encode("utf-8"),
    "utf-8 with BOM": lambda: b"\xef\xbb\xbf" + _csv(",").encode("utf-8"),
    "utf-8 semicolons (Excel, Vietnamese settings)": lambda: _csv(";").encode("utf-8"),
    "utf-16 tabs (Excel's Unicode text)": lambda: _csv("\t").encode("utf-16"),
    "utf-16-le without BOM, commas": lambda: _csv(",").encode("utf-16-le"),
    "windows-1258 semicolons": lambda: _cp1258(_csv(";")),
    "utf-8 decomposed (NFD)": lambda: unicodedata.normalize("NFD", _csv(",")).encode("utf-8"),
}


def _names(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(
            conn.execute("SELECT code, name FROM units WHERE code IN ('00004','CD1','CD2')")
        )


@pytest.mark.parametrize("kind", list(FILES))
def test_every_excel_flavour_imports_the_same_nfc_names(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "units.csv"
    source.write_bytes(FILES[kind]())
    db = tmp_path / "o.db"
    result = run_bot_command("units", "import", str(source), DB_PATH=str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 added" in result.stdout
    expected = {code: name for code, name, _, _ in ROWS[1:]}
    assert _names(db) == expected
    for name in _names(db).values():
        assert unicodedata.is_normalized("NFC", name)


def test_windows_1258_is_detected_and_said(tmp_path: Path) -> None:
    source = tmp_path / "units.csv"
    source.write_bytes(_cp1258(_csv(";")))
    result = run_bot_command("units", "import", str(source), DB_PATH=str(tmp_path / "o.db"))
    assert "read as cp1258" in result.stderr


def test_encoding_given(tmp_path: Path) -> None:
    source = tmp_path / "units.csv"
    source.write_bytes(_cp1258(_csv(",")))
    db = str(tmp_path / "o.db")
    good = run_bot_command("units", "import", str(source), "--encoding", "cp1258", DB_PATH=db)
    assert good.returncode == 0, good.stderr
    wrong = run_bot_command("units", "import", str(source), "--encoding", "utf-8", DB_PATH=db)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "line 2 is not utf-8" in wrong.stderr and "--encoding" in wrong.stderr
    unknown = run_bot_command("units", "import", str(source), "--encoding", "klingon", DB_PATH=db)
    assert unknown.returncode == 1 and "unknown encoding 'klingon'" in unknown.stderr


def test_decode_says_which_encoding() -> None:
    assert decode_csv("a,b".encode("utf-16"))[1] == "utf-16"
    assert decode_csv(b"\xef\xbb\xbfa")[1] == "utf-8-sig"
    assert decode_csv("Hà Nội".encode())[1] == "utf-8"
    text, found = decode_csv(_cp1258("Phường Ngọc Hà, Đống Đa, Ứng Hòa, Kỳ Sơn"))
    assert found == "cp1258" and text == "Phường Ngọc Hà, Đống Đa, Ứng Hòa, Kỳ Sơn"


def test_unknown_kinds_are_refused_and_case_is_forgiven() -> None:
    header = "code,name,kind,parent_code\n"
    rows, problems = parse_units_csv(header + "A1,a,school,01\nA2,b,Ward,01\n")
    assert problems == [
        "line 2: kind 'school' is not one of province, city, ward, commune, special_zone, "
        "branch, team"
    ]
    assert [row.kind for row in rows] == ["school", "ward"]


def test_every_problem_in_one_pass_cycles_included(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "code;name;kind;parent_code\n"
        "B1;b;branch;B2\n"
        "B2;b;branch;B1\n"
        "X;;ward;01\n"
        "Y;y;school;ZZ\n"
        "Z;z;branch;B1\n",  # below the loop, not on it
        encoding="utf-8",
    )
    db = tmp_path / "o.db"
    result = run_bot_command("units", "import", str(source), DB_PATH=str(db))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "bad.csv: line 2: unit B1 would be inside itself (cycle)",
        "bad.csv: line 3: unit B2 would be inside itself (cycle)",
        "bad.csv: line 4: unit X has an empty name",
        "bad.csv: line 5: kind 'school' is not one of province, city, ward, commune, "
        "special_zone, branch, team",
        "bad.csv: line 5: unit Y has unknown parent ZZ",
    ]
    assert "5 problem(s); nothing was imported." in result.stderr
