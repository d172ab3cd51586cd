"""`outreach-bot report --format csv`: every figure of the JSON report, one per row.

Each row names its figure twice: in words for the reader («Mục») and by the JSON report's key
for other tools («Khóa»: `people`, `by_service.v1`, `targets.people.done`, …), so the two
files can be compared line by line. Numbers are numbers and dates are dates (never `1/1`
text, which Excel turns into a date); the per-unit lines follow, one row per unit and figure,
the unit's code in its own column. How the cells are written for Excel is
bot/domain/cells.py's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from bot.reports.json_report import report_dict
from bot.storage.reports import Report
from bot.texts.templates import Texts

COLUMNS = ("item", "key", "unit_code", "value", "first_day", "last_day")
UnitLine = tuple[str, int, str, str, int, int]


def flatten(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The JSON report's figures as (dotted key, value); targets are left to `report_rows`."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, name + ".")
        elif key != "targets":
            yield name, value


def report_rows(
    texts: Texts, lang: str, report: Report, unit_lines: list[UnitLine]
) -> tuple[list[str], list[list[object]]]:
    """The header and the rows: (item, key, unit code, value, from, to)."""
    label = texts.label
    data = report_dict(report)
    rows: list[list[object]] = []
    for key, value in flatten(data):
        if key in ("from", "to"):
            value = dt.date.fromisoformat(value)
        elif isinstance(value, bool):
            value = label(lang, "yes_no", value)
        rows.append([_item(texts, lang, key), key, "", value, "", ""])
    for target in data["targets"]:
        metric = label(lang, "metric_name", target["metric"])
        first = dt.date.fromisoformat(target["from"])
        last = dt.date.fromisoformat(target["to"])
        for part in ("target", "done", "percent", "each_own_period"):
            value = target[part]
            if isinstance(value, bool):
                value = label(lang, "yes_no", value)
            item = f"{label(lang, 'csv_item', 'target_' + part)}: {metric}"
            rows.append([item, f"targets.{target['metric']}.{part}", "", value, first, last])
    for code, _, _, name, people, assists in unit_lines:
        for key, value in (("people", people), ("assists", assists)):
            item = f"{name}: {label(lang, 'xl_col', key)}"
            rows.append([item, f"units.{key}", code, value, "", ""])
    return [label(lang, "csv_col", c) for c in COLUMNS], rows


def _item(texts: Texts, lang: str, key: str) -> str:
    label = texts.label
    head, _, tail = key.partition(".")
    if head == "by_service":
        return f"{label(lang, 'xl_col', 'services')}: {label(lang, 'service_name', tail)}"
    if head == "activities_by_kind":
        return f"{label(lang, 'metric_name', 'activities')}: {label(lang, 'activity_kind', tail)}"
    return label(lang, "csv_item", key)
