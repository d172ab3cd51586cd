"""Report screens: the text from templates, drill-down and period buttons laid out here."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.campaigns import Cluster
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
        self, lang: str, report: Report, root: Unit | None, groups: Sequence[Cluster] = ()
    ) -> View:
        """`root` is the top of what the person may see: no "up" button above it. `groups`:
        clusters to offer (to admins, on the whole tree's report)."""
        buttons = _ReportButtons(self.texts, lang, report)
        rows = [*buttons.drill(), *buttons.clusters(groups), *buttons.up(root)]
        rows += [buttons.periods(), buttons.files()]
        return View(self.text(lang, report), InlineKeyboardMarkup(rows))


class _ReportButtons:
    """The buttons under one report: every one carries the report's campaign and period."""

    def __init__(self, texts: Texts, lang: str, report: Report) -> None:
        self.label = functools.partial(texts.label, lang)
        self.report = report
        self.campaign = report.campaign.id if report.campaign else 0
        scope_id = report.scope.id if report.scope else 0
        self.ref = ButtonRef(scope_id, report.group_id, self.campaign).encode()
        self.code = report.period.code()

    def _tap(self, ref: str, op: ReportOp, arg: str, text: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=Tap(TapKind.REPORT, ref, op, arg).encode())

    def _unit(self, unit_id: int, text: str) -> InlineKeyboardButton:
        ref = ButtonRef(unit_id, campaign_id=self.campaign).encode()
        return self._tap(ref, ReportOp.VIEW, self.code, text)

    def drill(self) -> list[list[InlineKeyboardButton]]:
        children = self.report.children[:DRILL_BUTTONS]
        drill = [self._unit(c.unit.id, self.label("btn_drill", c.unit.name)) for c in children]
        return [drill[i : i + 2] for i in range(0, len(drill), 2)]

    def clusters(self, groups: Sequence[Cluster]) -> list[list[InlineKeyboardButton]]:
        clusters = [
            self._tap(
                ButtonRef(group_id=g.id, campaign_id=self.campaign).encode(),
                ReportOp.VIEW,
                self.code,
                self.label("btn_group", g.name),
            )
            for g in groups[:GROUP_BUTTONS]
        ]
        return [clusters[i : i + 2] for i in range(0, len(clusters), 2)]

    def up(self, root: Unit | None) -> list[list[InlineKeyboardButton]]:
        """A cluster's report goes back to the whole tree's; a unit's to its parent's, but
        never above what the person may see."""
        scope, up = self.report.scope, self.label("btn_report_up")
        if self.report.group_id:
            return [[self._unit(0, up)]]
        at_root = scope is None or (root is not None and scope.id == root.id)
        if at_root or scope is None:
            return []
        return [[self._unit(scope.parent_id or 0, up)]]

    def periods(self) -> list[InlineKeyboardButton]:
        period = self.report.period.kind
        return [
            self._tap(self.ref, ReportOp.VIEW, kind, self.label("btn_period", kind, kind == period))
            for kind in PERIOD_BUTTONS
        ]

    def files(self) -> list[InlineKeyboardButton]:
        return [
            self._tap(self.ref, ReportOp.SUMMARY, self.code, self.label("btn_summary")),
            self._tap(self.ref, ReportOp.EXPORT, self.code, self.label("btn_export")),
            self._tap(self.ref, ReportOp.CHART, self.code, self.label("btn_chart")),
        ]
