"""Files a coordinator opens in Excel, and charts (issue 26, findings 21–23).

Every CSV and workbook the project writes is opened here: the workbooks with openpyxl, the
CSVs as Excel would open them by double-click, under Vietnamese regional settings (`;` between
cells, `,` for decimals, day/month/year) and English ones (`,`, `.`, month/day/year). Excel is
modelled (`excel_open`, `excel_value`): how it picks the encoding and the separator, and how it
types a cell (a number loses its leading zeros, `d/m` or `d/m/y` is a date, a time is a time,
`="…"` is text). The model is checked against the old report CSV, which it must find misread.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from bot import clock
from bot.domain.campaigns import Target
from bot.domain.cells import excel_cell
from bot.domain.periods import custom
from bot.domain.units_csv import UnitRow
from bot.reports import charts
from bot.reports import service as reporting
from bot.reports.csv_report import flatten
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.storage.db import open_database
from bot.storage.targets import TargetRepository
from bot.storage.units import UnitRepository
from bot.texts.templates import Texts
from tests.cli import run_bot_command
from tests.conftest import RunningBot
from tests.outreach_helpers import join

TEXTS = Texts(Path(__file__).parent.parent / "templates")
DATE_LIKE_NAME = "12/3"  # a unit named like a date: Excel would make it 12 March or 3 December

# ---- a model of Excel opening a CSV -------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    name: str
    list_separator: str
    decimal: str
    thousands: str
    day_first: bool


VIETNAMESE = Settings("vi-VN", ";", ",", ".", day_first=True)
ENGLISH = Settings("en-US", ",", ".", ",", day_first=False)
BOTH = (VIETNAMESE, ENGLISH)


def excel_open(data: bytes, settings: Settings) -> list[list[str]]:
    """The cells Excel splits a .csv into, opened by double-click.

    UTF-16 with a BOM is Excel's «Unicode Text»: tab-separated whatever the settings. Else
    the list separator of the settings, unless a `sep=` first line names another, in which
    case Excel reads the file in the computer's code page and ignores a UTF-8 BOM (letters
    with marks are garbled); without a BOM, too, the code page is used."""
    if data.startswith(b"\xff\xfe"):
        text, delimiter = data[2:].decode("utf-16-le"), "\t"
    else:
        bom = data.startswith(b"\xef\xbb\xbf")
        raw = data[3:] if bom else data
        sep = re.match(rb"sep=(.)\r?\n", raw)
        # Without a BOM, or with a `sep=` line, the code page (Windows-1258 in Vietnam).
        text = raw.decode("cp1258", errors="replace") if sep or not bom else raw.decode()
        delimiter = sep.group(1).decode() if sep else settings.list_separator
        if sep:
            text = text[sep.end() :]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _date(a: int, b: int, year: int, day_first: bool) -> dt.date | None:
    day, month = (a, b) if day_first else (b, a)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def excel_value(cell: str, settings: Settings) -> tuple[str, object]:
    """What Excel makes of one cell: ("empty"|"text"|"number"|"date"|"datetime"|"time"|
    "formula", value)."""
    if cell == "":
        return "empty", None
    if cell.startswith("="):
        if m := re.fullmatch(r'="([^"]*)"', cell):
            return "text", m.group(1)
        if m := re.fullmatch(r"=(\d+)/(\d+)", cell):
            return "number", Fraction(int(m.group(1)), int(m.group(2)))
        return "formula", cell
    text = cell.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return "bool", text.upper() == "TRUE"
    t, d = re.escape(settings.thousands), re.escape(settings.decimal)
    number = re.fullmatch(
        rf"([+-]?)(\d+|\d{{1,3}}(?:{t}\d{{3}})+)(?:{d}(\d+))?(?:[eE]([+-]?\d+))?(%?)", text
    )
    if number:
        sign, whole, part, exponent, percent = number.groups()
        value = Fraction(whole.replace(settings.thousands, "") + "." + (part or "0"))
        value *= Fraction(10) ** int(exponent or 0)
        value /= 100 if percent else 1
        return "number", -value if sign == "-" else value
    time = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
    seps = "[-/.]" if settings.day_first else "[-/]"
    iso = re.fullmatch(rf"(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}})(?: {time})?", text)
    if iso:
        year, month, day, hour, minute, _ = iso.groups()
        date = _date(int(day), int(month), int(year), day_first=True)
        if date and hour:
            return "datetime", dt.datetime.combine(date, dt.time(int(hour), int(minute)))
        if date:
            return "date", date
    local = re.fullmatch(
        rf"(\d{{1,2}}){seps}(\d{{1,2}})(?:{seps}(\d{{2}}|\d{{4}}))?(?: {time})?", text
    )
    if local:
        a, b, year, hour, minute, _ = local.groups()
        full = int(year) + (2000 if len(year) == 2 else 0) if year else 2026
        date = _date(int(a), int(b), full, settings.day_first)
        if date and hour:
            return "datetime", dt.datetime.combine(date, dt.time(int(hour), int(minute)))
        if date:
            return "date", date
    if re.fullmatch(rf"(\d{{1,2}}){seps}(\d{{4}})", text):
        return "date", text  # month/year
    if re.fullmatch(time, text):
        return "time", text
    months = "|".join(_MONTH_NAMES)
    day_month = rf"\d{{1,2}}[-/ ](?:{months})[a-z]*([-/ ]\d{{2,4}})?"
    month_year = rf"(?:{months})[a-z]*[-/ ]\d{{1,4}}"
    if not settings.day_first and re.fullmatch(rf"(?i){day_month}|{month_year}", text):
        return "date", text
    return "text", cell


def typed(path_or_data: Path | bytes) -> dict[str, list[list[tuple[str, object]]]]:
    """Each cell as Excel types it, under each settings; every row has the header's cells."""
    data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.read_bytes()
    sheets = {}
    for settings in BOTH:
        rows = excel_open(data, settings)
        assert rows and all(len(r) == len(rows[0]) for r in rows), f"columns: {settings.name}"
        assert len(rows[0]) > 1, f"one column under {settings.name} settings"
        sheets[settings.name] = [[excel_value(c, settings) for c in row] for row in rows]
    return sheets


def same_in_both(path_or_data: Path | bytes) -> list[list[tuple[str, object]]]:
    """The typed cells, after checking both settings read every cell alike, never as a
    formula, and with no text Excel might still take for a date or a number."""
    sheets = typed(path_or_data)
    vi, en = sheets[VIETNAMESE.name], sheets[ENGLISH.name]
    assert len(vi) == len(en)
    for number, (a, b) in enumerate(zip(vi, en, strict=True)):
        assert a == b, f"row {number} differs: {a} (vi) / {b} (en)"
        assert not any(kind == "formula" for kind, _ in a), a
        assert not any(kind in ("time", "bool") for kind, _ in a), a
    return vi


# ---- the model knows what went wrong ------------------------------------------------------


def test_the_model_misreads_what_excel_misreads() -> None:
    assert excel_value("1/1", VIETNAMESE) == ("date", dt.date(2026, 1, 1))
    assert excel_value("2/3", ENGLISH) == ("date", dt.date(2026, 2, 3))
    assert excel_value("2/3", VIETNAMESE) == ("date", dt.date(2026, 3, 2))
    assert excel_value("01", ENGLISH) == ("number", 1), "a code loses its zero"
    assert excel_value("4.5", VIETNAMESE)[0] == "date" and excel_value("4.5", ENGLISH)[1] == 4.5
    assert excel_value("1.000", VIETNAMESE) == ("number", 1000)
    assert excel_value('="01"', VIETNAMESE) == ("text", "01")
    assert excel_value("=9/2", VIETNAMESE) == ("number", Fraction(9, 2))
    assert excel_value("2026-12-07", VIETNAMESE) == excel_value("2026-12-07", ENGLISH)
    # The old report CSV: comma-separated UTF-8 with a BOM, a unit's figures as "1/1".
    old = "\ufeffMục,Giá trị\r\nSố người,5\r\nĐơn vị: 01 Hà Nội,1/1\r\n".encode()
    assert len(excel_open(old, VIETNAMESE)[0]) == 1, "one column under Vietnamese settings"
    assert excel_value(excel_open(old, ENGLISH)[2][1], ENGLISH)[0] == "date"
    with pytest.raises(AssertionError):
        same_in_both(old)
    # A `sep=,` line: columns everywhere, but the BOM is ignored and the letters garbled.
    sep = "\ufeffsep=,\r\nMục,Giá trị\r\n".encode()
    assert excel_open(sep, VIETNAMESE)[0][0] != "Mục"


def test_each_cell_is_written_so_both_settings_read_it_alike() -> None:
    cases = {
        "01": ("text", "01"),
        "00004": ("text", "00004"),
        DATE_LIKE_NAME: ("text", DATE_LIKE_NAME),
        "4.5": ("text", "4.5"),
        "10:30": ("text", "10:30"),
        "12-Mar": ("text", "12-Mar"),
        "TRUE": ("text", "TRUE"),
        "Hà Nội": ("text", "Hà Nội"),
        "-5": ("text", "'-5"),  # formula-looking text keeps its quote
        17: ("number", 17),
        4.25: ("number", Fraction(17, 4)),
        4.0: ("number", 4),
        dt.date(2026, 1, 2): ("date", dt.date(2026, 1, 2)),
        dt.datetime(2026, 1, 2, 10, 30): ("datetime", dt.datetime(2026, 1, 2, 10, 30)),
    }
    for value, expected in cases.items():
        written = excel_cell(value)
        for settings in BOTH:
            assert excel_value(str(written), settings) == expected, (value, written, settings)


# ---- the files ----------------------------------------------------------------------------


@dataclass
class Demo:
    db: Path
    codes: set[str]
    target_unit: str


async def _decorate(db_path: Path, busy: tuple[str, str, str]) -> None:
    """A unit with records renamed like a date, and a target on its province."""
    code, kind, parent = busy
    db = await open_database(db_path)
    try:
        units = UnitRepository(db)
        rows = [UnitRow(0, code, DATE_LIKE_NAME, kind, parent)]
        assert not (await units.import_rows(rows)).problems
        province = await units.by_code(parent)
        assert province is not None
        today = dt.date.today()
        first = clock.day_number(today - dt.timedelta(days=300))
        target = Target(province.id, None, "people", 1000, first, clock.day_number(today))
        await TargetRepository(db).set_target(target)
    finally:
        await db.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("excel") / "demo.db"
    made = run_bot_command("demo-data", "--assists", "1500", "--seed", "7", DB_PATH=str(path))
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(path) as conn:
        busy = conn.execute(
            "SELECT u.code, u.kind, p.code FROM assists a JOIN units u ON u.id = a.unit_id "
            "JOIN units p ON p.id = u.parent_id WHERE p.parent_id IS NULL "
            "GROUP BY u.id ORDER BY count(*) DESC, u.code LIMIT 1"
        ).fetchone()
        codes = {code for (code,) in conn.execute("SELECT code FROM units")}
    asyncio.run(_decorate(path, busy))
    return Demo(path, codes, busy[2])  # reports of the province above it


def _csv_files(demo: Demo, tmp: Path) -> dict[str, Path]:
    """Every CSV the project writes: the report's, the records' (command line), and the
    records' sent in chat (written by the same service call /export makes)."""
    files = {"report": tmp / "report.csv", "records": tmp / "records.csv"}
    env = {"DB_PATH": str(demo.db)}
    made = run_bot_command("report", "--format", "csv", "--out", str(files["report"]), env=env)
    assert made.returncode == 0, made.stderr
    made = run_bot_command("export", "--format", "csv", "--out", str(files["records"]), env=env)
    assert made.returncode == 0, made.stderr
    files.update(_chat_export(demo, tmp))
    return files


def _chat_export(demo: Demo, tmp: Path) -> dict[str, Path]:
    async def run() -> list[Path]:
        db = await open_database(demo.db)
        try:
            scope = await UnitRepository(db).by_code(demo.target_unit)
            today = dt.date.today()
            period = custom(today - dt.timedelta(days=300), today)
            folder = tmp / "chat"
            folder.mkdir(exist_ok=True)
            _, result = await reporting.export(
                db, demo.db, TEXTS, "vi", scope, period, folder, ("xlsx", "csv"), who="test"
            )
            return result.files
        finally:
            await db.close()

    files = asyncio.run(run())
    return {f"chat {path.suffix[1:]}": path for path in files}


def test_every_csv_opens_in_columns_with_nothing_misread(demo: Demo, tmp_path: Path) -> None:
    files = _csv_files(demo, tmp_path)
    assert set(files) == {"report", "records", "chat csv", "chat xlsx"}
    for name in ("records", "chat csv"):
        rows = same_in_both(files[name])
        header = [str(value) for _, value in rows[0]]
        assert header[:3] == ["Ngày", "Mã đơn vị", "Đơn vị"]
        kinds = {
            "Ngày": {"date"},
            "Thời điểm nhập": {"datetime"},
            "Số người": {"number"},
            "Mã tình nguyện viên": {"number", "empty"},
        }
        assert len(rows) > 10, name
        for row in rows[1:]:
            cells = dict(zip(header, row, strict=True))
            for column, (kind, value) in cells.items():
                assert kind in kinds.get(column, {"text", "empty"}), (name, column, kind, value)
            assert cells["Mã đơn vị"][1] in demo.codes, cells["Mã đơn vị"]
            day, entered = cells["Ngày"][1], cells["Thời điểm nhập"][1]
            assert isinstance(day, dt.date) and isinstance(entered, dt.datetime)
            back = cells["Ghi lùi ngày"][1] == "có"
            assert back == (entered.date() != day), "the day and the time of entry agree"


def test_the_report_csv_has_every_figure_of_the_json_report(demo: Demo, tmp_path: Path) -> None:
    env = {"DB_PATH": str(demo.db)}
    out = tmp_path / "r.csv"
    for args in ((), ("--unit", demo.target_unit)):
        made = run_bot_command("report", "--format", "csv", "--out", str(out), *args, env=env)
        assert made.returncode == 0, made.stderr
        data = json.loads(run_bot_command("report", "--format", "json", *args, env=env).stdout)
        rows = same_in_both(out)
        header = [value for _, value in rows[0]]
        assert header == ["Mục", "Khóa (như báo cáo JSON)", "Mã đơn vị", "Giá trị", "Từ ngày",
                          "Đến ngày"]  # fmt: skip
        by_key: dict[str, list[list[tuple[str, object]]]] = {}
        for row in rows[1:]:
            by_key.setdefault(str(row[1][1]), []).append(row)
        labels = data.pop("service_labels", {})  # beside `by_service`: each row names it
        for code, name in labels.items():
            assert name in str(by_key[f"by_service.{code}"][0][0][1])
        for key, value in flatten(data):
            [row] = by_key.pop(key)
            kind, shown = row[3]
            if key in ("from", "to"):
                assert (kind, shown) == ("date", dt.date.fromisoformat(value)), key
            elif value is None:
                assert kind == "empty", key
            elif isinstance(value, str):
                assert (kind, shown) == ("text", value), key
            else:
                assert kind == "number" and shown == Fraction(str(value)), (key, value, row)
        for target in data["targets"]:
            for part in ("target", "done", "percent"):
                [row] = [
                    r for r in by_key.pop(f"targets.{target['metric']}.{part}") if r[4][1] ==
                    dt.date.fromisoformat(target["from"])
                ]  # fmt: skip
                assert row[3] == ("number", target[part])
                assert row[5] == ("date", dt.date.fromisoformat(target["to"]))
        if args:
            assert data["targets"], "the province's target is in the report"
        # What is left: the targets' "each own period" and the per-unit lines, by code.
        units = by_key.pop("units.people") + by_key.pop("units.assists")
        assert set(by_key) <= {f"targets.{t['metric']}.each_own_period" for t in data["targets"]}
        assert units and all(r[2][0] == "text" and r[2][1] in demo.codes for r in units)
        assert all(r[3][0] == "number" for r in units)
        assert args or any(re.fullmatch(r"0\d+", str(r[2][1])) for r in units), "zeros kept"
        assert any(DATE_LIKE_NAME in str(r[0][1]) for r in units), "the date-like name is text"


def test_the_standard_output_csv_is_plain_for_other_programs(demo: Demo) -> None:
    result = run_bot_command("report", "--format", "csv", DB_PATH=str(demo.db))
    rows = list(csv.reader(io.StringIO(result.stdout)))
    values = {r[1]: r[3] for r in rows[1:] if not r[1].startswith("units.")}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["from"]) and values["people"].isdigit()
    assert [r[2] for r in rows if r[2] == "01"][:1] == ["01"], "codes as they are"


# ---- the workbooks ------------------------------------------------------------------------

DATE_COLUMNS = {
    "Bản ghi": {"Ngày": "dd/mm/yyyy", "Thời điểm nhập": "dd/mm/yyyy hh:mm"},
    "Hoạt động": {"Từ ngày": "dd/mm/yyyy", "Đến ngày": "dd/mm/yyyy"},
    "Chỉ tiêu": {"Từ ngày": "dd/mm/yyyy", "Đến ngày": "dd/mm/yyyy"},
}
TEXT_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?( \d{1,2}:\d{2})?|\d{4}-\d{2}-\d{2}")


def _workbooks(demo: Demo, tmp: Path) -> dict[str, Path]:
    env = {"DB_PATH": str(demo.db)}
    books = {"report": tmp / "report.xlsx", "export": tmp / "export.xlsx"}
    made = run_bot_command("report", "--format", "xlsx", "--out", str(books["report"]), env=env)
    assert made.returncode == 0, made.stderr
    made = run_bot_command("export", "--format", "xlsx", "--out", str(books["export"]), env=env)
    assert made.returncode == 0, made.stderr
    books["chat"] = _chat_export(demo, tmp)["chat xlsx"]
    return books


def test_every_workbook_has_real_dates_no_empty_sheet_and_fitting_columns(
    demo: Demo, tmp_path: Path
) -> None:
    books = _workbooks(demo, tmp_path)
    assert openpyxl.load_workbook(books["report"]).sheetnames == [
        "Tổng hợp", "Theo đơn vị", "Chỉ tiêu", "Hoạt động"
    ], "the report workbook has no records sheet"  # fmt: skip
    for name, path in books.items():
        book = openpyxl.load_workbook(path)
        if name != "report":
            assert "Bản ghi" in book.sheetnames
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows())
            assert len(rows) >= 2 and any(c.value is not None for c in rows[1]), sheet.title
            header = [c.value for c in rows[0]]
            dated = DATE_COLUMNS.get(sheet.title, {})
            notes = [
                row for row in rows[1:]
                if sum(c.value is not None for c in row) == 1 and sheet.title in DATE_COLUMNS
            ]  # fmt: skip
            assert all(str(row[0].value).startswith("Chưa có") for row in notes)  # «none yet»
            rows = [row for row in rows if row not in notes]
            for row in rows[1:]:
                for column, c in zip(header, row, strict=False):
                    if isinstance(c.value, str) and c.value != DATE_LIKE_NAME:
                        assert not TEXT_DATE.fullmatch(c.value), (sheet.title, column, c.value)
                    if column in dated and c.value is not None:
                        assert isinstance(c.value, dt.datetime), (sheet.title, column, c.value)
                        assert c.number_format == dated[column], (sheet.title, column)
            _check_widths(sheet, header, rows)
        summary = {row[0]: row[1] for row in book["Tổng hợp"].values}
        assert isinstance(summary["Từ ngày"], dt.datetime)
        codes = [row[0] for row in book["Theo đơn vị"].values][1:]
        assert codes and all(isinstance(code, str) for code in codes), "codes are text"
        assert name == "chat" or any(re.fullmatch(r"0\d+", code) for code in codes), "zeros"


def _check_widths(sheet, header: list, rows: list) -> None:
    """Each header shows whole (wrapped, in a header row tall enough), and each column is as
    wide as its longest value, up to a cap for names."""
    height = sheet.row_dimensions[1].height or 15
    for number, title in enumerate(header, start=1):
        letter = openpyxl.utils.get_column_letter(number)
        width = sheet.column_dimensions[letter].width
        assert width and width >= 8, (sheet.title, title, width)
        per_line = max(1, int((width - 2) / 1.1 + 1e-6))
        assert -(-len(str(title)) // per_line) * 15 <= height, (sheet.title, title, width)
        values = [r[number - 1].value for r in rows[1:] if len(r) >= number]
        longest = max((len(_shown(v)) for v in values if v is not None), default=0)
        assert width >= min(longest, 48), (sheet.title, title, width, longest)


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return "00/00/0000 00:00" if value.time() != dt.time() else "00/00/0000"
    return f"{value:,}" if isinstance(value, int) else str(value)


def test_the_units_sheet_is_wide_where_names_are(demo: Demo, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_workbooks(demo, tmp_path)["report"])
    sheet = book["Theo đơn vị"]
    header = [c.value for c in next(sheet.iter_rows())]
    width = {
        name: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        for i, name in enumerate(header, start=1)
    }
    longest_name = max(len(row[3]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert width["Đơn vị"] >= longest_name and width["Loại"] < width["Đơn vị"] / 2


# ---- charts -------------------------------------------------------------------------------

NO_DATA = "Chưa có số liệu cho kỳ này"


def _ticks(axis) -> list[str]:
    low, high = sorted(axis.get_view_interval())
    return [
        t.get_text() for t, at in zip(axis.get_ticklabels(), axis.get_ticklocs(), strict=True)
        if low <= at <= high
    ]  # fmt: skip


def test_a_chart_with_no_data_says_so_without_axes() -> None:
    days = [dt.date(2026, 12, 1) + dt.timedelta(days=n) for n in range(7)]
    for figure in (
        charts.time_figure("T", "Lượt", [(d, 0) for d in days], "Ngày", NO_DATA),
        charts.bar_figure("T", "Lượt", [], NO_DATA),
        charts.bar_figure("T", "Lượt", [("Dịch vụ", 0)] * 7, NO_DATA),
    ):
        [ax] = figure.axes
        assert not ax.axison and [t.get_text() for t in ax.texts] == [NO_DATA]


def test_little_data_gets_whole_number_ticks_and_each_date_once() -> None:
    day = dt.date(2026, 12, 7)
    for points in ([(day, 1)], [(day, 2), (day + dt.timedelta(days=1), 1)]):
        figure = charts.time_figure("T", "Lượt", points, "Ngày", NO_DATA)
        FigureCanvasAgg(figure)
        figure.canvas.draw()
        [ax] = figure.axes
        counts, dates = _ticks(ax.yaxis), _ticks(ax.xaxis)
        assert counts == [str(n) for n in range(len(counts))], counts
        assert dates == [f"{d:%d/%m/%Y}" for d, _ in points], dates
    figure = charts.bar_figure("T", "Lượt", [("A", 2), ("B", 1)], NO_DATA)
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    counts = _ticks(figure.axes[0].xaxis)
    assert counts == [str(n) for n in range(len(counts))] and len(counts) >= 2, counts


def test_the_units_chart_of_a_province_without_figures_says_there_are_none(
    demo: Demo, tmp_path: Path
) -> None:
    out = tmp_path / "u.png"
    quiet = ("--from", "01/01/2021", "--to", "31/01/2021")
    env = {"DB_PATH": str(demo.db)}
    made = run_bot_command(
        "chart", "--kind", "units", "--unit", "01", "--out", str(out), *quiet, env=env
    )
    assert made.returncode == 0, made.stderr  # was: "the scope has no child units"
    assert Image.open(out).size == (1200, 900)
    with sqlite3.connect(demo.db) as conn:
        [(leaf,)] = conn.execute(
            "SELECT code FROM units u WHERE NOT EXISTS "
            "(SELECT 1 FROM units c WHERE c.parent_id = u.id) ORDER BY code LIMIT 1"
        ).fetchall()
    made = run_bot_command("chart", "--kind", "units", "--unit", leaf, "--out", str(out), env=env)
    assert made.returncode == 1 and "no child units" in made.stderr


async def test_charts_in_chat_have_captions_and_say_when_there_is_nothing(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "01", "Điều phối Hà Nội", "coordinator")
    await coordinator.send("/chart")
    photos = [m for m in coordinator.bot_messages() if "photo" in m]
    assert len(photos) == 3, "the units chart too: Hà Nội has communes, without figures yet"
    for message in photos:
        caption = message.get("caption", "")
        assert "Hà Nội" in caption and "(tháng này)" in caption, caption
    db = obot.services.reach.db
    scope = await UnitRepository(db).by_code("01")
    today = dt.date.today()
    made = await reporting.charts(db, TEXTS, "vi", scope, custom(today, today))
    label = TEXTS.label
    period = f"{today:%d/%m/%Y}–{today:%d/%m/%Y}"
    expected = [
        charts.no_data_chart(label("vi", "chart_title", kind, "Hà Nội", period), note)
        for kind, note in (
            ("time", NO_DATA),
            ("service", NO_DATA),
            ("units", label("vi", "chart_no_unit_data", "Hà Nội")),
        )
    ]
    assert [c.png for c in made] == expected, "each the no-data picture of its own title"
