"""One record as a row of the exports, in the words of the person's language: for the
screen, the workbook (Excel's date numbers) and the CSV (cells Excel reads alike under
Vietnamese and English settings)."""

from __future__ import annotations

import functools

from bot import clock
from bot.domain.cells import excel_cell
from bot.domain.draft import AGE_BANDS, OUTCOMES, SERVICES, SEXES, services_from_mask
from bot.reports.columns import (
    DATE_SAMPLE,
    DATETIME_SAMPLE,
    EXCEL_EPOCH,
    column_width,
)
from bot.texts.templates import Texts

RECORD_COLUMNS = (
    "day",
    "unit_code",
    "unit",
    "services",
    "people",
    "consent",
    "outcome",
    "age",
    "sex",
    "volunteer",
    "dedup",
    "entered",
    "backdated",
    "source",
    "status",
)
ENTERED = RECORD_COLUMNS.index("entered")


class AssistFormatter:
    """Turns stored codes into the words of the person's language, caching the few values."""

    def __init__(self, texts: Texts, lang: str) -> None:
        self.texts, self.lang = texts, lang
        self._days: dict[int, str] = {}
        self._iso_days: dict[int, str] = {}
        self._services: dict[int, str] = {}
        self._words: dict[tuple[str, str], str] = {}
        # Names and codes of a big tree repeat: each made safe once, memory kept flat.
        self._safe_cell = functools.lru_cache(maxsize=100_000)(excel_cell)

    def header(self) -> list[str]:
        return [self.texts.label(self.lang, "xl_col", name) for name in RECORD_COLUMNS]

    def row(self, raw: tuple) -> list[object]:
        """The row as read on screen: dates as dd/mm/yyyy, the time of entry with them."""
        cells = self._cells(raw)
        cells[0], cells[ENTERED] = self.day(raw[0]), self.moment(raw[11])
        return cells

    def xlsx_row(self, raw: tuple) -> list[object]:
        """The row for the workbook: the day and the time of entry as Excel's date numbers
        (their columns carry the dd/mm/yyyy format), so they sort and filter as dates."""
        cells = self._cells(raw)
        cells[0] = raw[0] + EXCEL_EPOCH
        cells[ENTERED] = clock.fractional_day(raw[11]) + EXCEL_EPOCH
        return cells

    def csv_row(self, raw: tuple) -> list[object]:
        """The row for the CSV, every cell already in the form Excel reads alike under
        Vietnamese and English settings (see bot/domain/cells.py)."""
        cells = [self._excel(value) for value in self._cells(raw)]
        cells[0] = self._iso_day(raw[0])
        minutes = clock.minute_of_day(raw[11])
        stamp = self._iso_day(clock.day_of(raw[11]))
        cells[ENTERED] = f"{stamp} {minutes // 60:02d}:{minutes % 60:02d}"
        return cells

    def _iso_day(self, day: int) -> str:
        iso = self._iso_days.get(day)
        if iso is None:
            iso = self._iso_days[day] = clock.day_date(day).isoformat()
        return iso

    def _excel(self, value: object) -> object:
        if type(value) is int:
            return value
        return self._safe_cell(value)

    def _cells(self, raw: tuple) -> list[object]:
        day, code, name, mask, people, consent, outcome, age, sex, volunteer, dedup = raw[:11]
        entered, batch, status = raw[11:]
        return [
            day,
            code,
            name,
            self.services(mask),
            people,
            self._word("yes_no", bool(consent)),
            self._word("outcome_name", outcome) if outcome else "",
            self._word("age_name", age) if age else "",
            self._word("sex_name", sex) if sex else "",
            volunteer if volunteer is not None else "",
            self._word("yes_no", bool(dedup)),
            entered,
            # Dated another day than it was entered: visible, so back-dating cannot hide.
            self._word("yes_no", clock.day_of(entered) != day),
            self._word("record_source", bool(batch)),
            self._word("record_status", status),
        ]

    def day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = clock.format_day_number(day)
        return text

    def moment(self, timestamp: int) -> str:
        """When a record was entered, in Vietnam time (07/12/2026 10:30), from the cached day:
        a million rows format in a fraction of what strftime would take."""
        minutes = clock.minute_of_day(timestamp)
        return f"{self.day(clock.day_of(timestamp))} {minutes // 60:02d}:{minutes % 60:02d}"

    def services(self, mask: int) -> str:
        text = self._services.get(mask)
        if text is None:
            names = [
                self.texts.label(self.lang, "service_name", c) for c in services_from_mask(mask)
            ]
            text = self._services[mask] = "; ".join(names)
        return text

    def widths(self, unit_lines: list[tuple[str, int, str, str, int, int]]) -> list[float]:
        """The records' column widths, from what each column can hold: the known words of
        each list, the codes and names of the units, dates and times."""
        label, lang = self.texts.label, self.lang
        words = {
            "consent": [label(lang, "yes_no", v) for v in (True, False)],
            "outcome": [label(lang, "outcome_name", c) for c in OUTCOMES],
            "age": [label(lang, "age_name", c) for c in AGE_BANDS],
            "sex": [label(lang, "sex_name", c) for c in SEXES],
            "dedup": [label(lang, "yes_no", v) for v in (True, False)],
            "backdated": [label(lang, "yes_no", v) for v in (True, False)],
            "source": [label(lang, "record_source", v) for v in (True, False)],
            "status": [label(lang, "record_status", s) for s in ("ok", "pending", "rejected")],
            "day": [DATE_SAMPLE],
            "entered": [DATETIME_SAMPLE],
            "unit_code": [line[0] for line in unit_lines] or ["00000"],
            "unit": [line[3] for line in unit_lines] or ["Phường Ba Đình"],
            "services": ["; ".join(label(lang, "service_name", c) for c in SERVICES)],
            "people": ["1000"],
            "volunteer": ["100000"],
        }
        return [
            column_width(header, words.get(name, []), wide=name in ("unit", "services"))
            for name, header in zip(RECORD_COLUMNS, self.header(), strict=True)
        ]

    def _word(self, macro: str, value: object) -> str:
        key = (macro, str(value))
        text = self._words.get(key)
        if text is None:
            text = self._words[key] = self.texts.label(self.lang, macro, value)
        return text
