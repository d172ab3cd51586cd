"""Report screens: the text from templates, drill-down and period buttons laid out here."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.campaigns import Group
from bot.domain.model import Unit
from bot.domain.taps import ReportOp, Tap, TapKind
from bot.reports.requests import ButtonRef
from bot.reports.text import report_text
from bot.storage.reports import Report
from bot.telegram.views.view import View
from bot.texts.templates import Texts

DRILL_BUTTONS = 8
GROUP_BUTTONS = 6
PERIOD_BUTTONS = ("today", "week", "month", "quarter", "year")


class ReportViews:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def text(self, lang: str, report: Report) -> str:
        return report_text(self.texts, lang, report)

    def view(
        self, lang: str, report: Report, root: Unit | None, groups: Sequence[Group] = ()
    ) -> View:
        """`root` is the top of what the person may see: no "up" button above it. `groups`:
        clusters to offer (to admins, on the whole tree's report)."""
        campaign = report.campaign.id if report.campaign else 0
        ref = ButtonRef(report.scope.id if report.scope else 0, report.group_id, campaign).encode()
        code = report.period.code()
        label = self.texts.label

        def unit_ref(unit_id: int) -> str:
            return ButtonRef(unit_id, campaign_id=campaign).encode()

        def tap(unit_ref: str, op: ReportOp, arg: str, text: str) -> InlineKeyboardButton:
            return InlineKeyboardButton(
                text, callback_data=Tap(TapKind.REPORT, unit_ref, op, arg).encode()
            )

        rows: list[list[InlineKeyboardButton]] = []
        drill = [
            tap(unit_ref(c.unit.id), ReportOp.VIEW, code, label(lang, "btn_drill", c.unit.name))
            for c in report.children[:DRILL_BUTTONS]
        ]
        rows += [drill[i : i + 2] for i in range(0, len(drill), 2)]
        clusters = [
            tap(
                ButtonRef(group_id=g.id, campaign_id=campaign).encode(),
                ReportOp.VIEW,
                code,
                label(lang, "btn_group", g.name),
            )
            for g in groups[:GROUP_BUTTONS]
        ]
        rows += [clusters[i : i + 2] for i in range(0, len(clusters), 2)]
        scope = report.scope
        at_root = scope is None or (root is not None and scope.id == root.id)
        if report.group_id:  # a cluster's report goes back to the whole tree's
            rows.append([tap(unit_ref(0), ReportOp.VIEW, code, label(lang, "btn_report_up"))])
        elif not at_root and scope is not None:
            rows.append(
                [
                    tap(
                        unit_ref(scope.parent_id or 0),
                        ReportOp.VIEW,
                        code,
                        label(lang, "btn_report_up"),
                    )
                ]
            )
        rows.append(
            [
                tap(
                    ref,
                    ReportOp.VIEW,
                    kind,
                    label(lang, "btn_period", kind, kind == report.period.kind),
                )
                for kind in PERIOD_BUTTONS
            ]
        )
        rows.append(
            [
                tap(ref, ReportOp.SUMMARY, code, label(lang, "btn_summary")),
                tap(ref, ReportOp.EXPORT, code, label(lang, "btn_export")),
                tap(ref, ReportOp.CHART, code, label(lang, "btn_chart")),
            ]
        )
        return View(self.text(lang, report), InlineKeyboardMarkup(rows))
