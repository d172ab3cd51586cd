"""Report screens: the text from templates, drill-down and period buttons laid out here."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.reach.domain import clock
from bot.reach.domain.model import Unit
from bot.storage.reports import ChildLine, Report
from bot.telegram.callback_data import Tap, TapKind
from bot.telegram.views.guides import View
from bot.texts.templates import Texts

TOP_CHILDREN = 10
DRILL_BUTTONS = 8
PERIOD_BUTTONS = ("today", "week", "month", "quarter", "year")


def top_and_others(
    lines: list[ChildLine], top: int
) -> tuple[list[ChildLine], tuple[int, int, int]]:
    """The `top` biggest child units, and (how many, people, assists) of the rest."""
    shown, rest = lines[:top], lines[top:]
    return shown, (len(rest), sum(x.people for x in rest), sum(x.assists for x in rest))


def change(now: int, before: int | None) -> int | None:
    """Percentage change against the previous period; None when there is nothing to compare."""
    if before is None or before == 0:
        return None
    return round((now - before) * 100 / before)


class ReportViews:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def text(self, lang: str, report: Report) -> str:
        shown, others = top_and_others(report.children, TOP_CHILDREN)
        previous = report.previous
        top_service = next(iter(report.by_dim.get("svc", [])), None)
        return self.texts.render(
            lang,
            "report",
            scope_name=report.scope.name if report.scope else "",
            period_kind=report.period.kind,
            first=clock.format_day(report.period.first),
            last=clock.format_day(report.period.last),
            totals=report.totals,
            previous=previous,
            change_people=change(report.totals.people, previous.people if previous else None),
            change_assists=change(report.totals.assists, previous.assists if previous else None),
            change_self=change(report.totals.self_serve, previous.self_serve if previous else None),
            services=report.by_dim.get("svc", []),
            outcomes=report.by_dim.get("out", []),
            ages=report.by_dim.get("age", []),
            sexes=report.by_dim.get("sex", []),
            self_serve=report.by_dim.get("self", []),
            children=[(c.unit.name, c.people, c.assists) for c in shown],
            others=others,
            volunteers=report.volunteers,
            top_service=top_service,
        )

    def view(self, lang: str, report: Report, root: Unit | None) -> View:
        """`root` is the top of what the person may see: no "up" button above it."""
        ref = str(report.scope.id) if report.scope else "0"
        code = report.period.code()
        label = self.texts.label

        def tap(unit_ref: str, op: str, arg: str, text: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(
                text, callback_data=Tap(TapKind.REPORT, unit_ref, op, arg).encode()
            )

        rows: list[list[InlineKeyboardButton]] = []
        drill = [
            tap(str(c.unit.id), "v", code, label(lang, "btn_drill", c.unit.name))
            for c in report.children[:DRILL_BUTTONS]
        ]
        rows += [drill[i : i + 2] for i in range(0, len(drill), 2)]
        scope = report.scope
        at_root = scope is None or (root is not None and scope.id == root.id)
        if not at_root and scope is not None:
            parent = str(scope.parent_id) if scope.parent_id else "0"
            rows.append([tap(parent, "v", code, label(lang, "btn_report_up"))])
        rows.append(
            [
                tap(ref, "v", kind, label(lang, "btn_period", kind, kind == report.period.kind))
                for kind in PERIOD_BUTTONS
            ]
        )
        rows.append(
            [
                tap(ref, "x", code, label(lang, "btn_export")),
                tap(ref, "c", code, label(lang, "btn_chart")),
            ]
        )
        return View(self.text(lang, report), InlineKeyboardMarkup(rows))
