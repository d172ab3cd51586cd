"""The assist form's screens: text from templates, buttons laid out here."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from bot import clock
from bot.domain.draft import (
    AGE_BANDS,
    BATCH_STEPS,
    OUTCOMES,
    SERVICES,
    SEXES,
    Draft,
    services_from_mask,
)
from bot.domain.model import Unit
from bot.domain.taps import NEW_FORM, AssistOp, ConfirmOp, Tap, TapKind
from bot.services.confirmations import RATINGS
from bot.storage.confirmations import ToConfirm
from bot.telegram.views.view import Keyboard, View
from bot.texts.templates import Texts

PICKER_PAGE = 8
GROUPS = ("svc", "out", "age", "sex", "count", "save")


class AssistViews:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def _tap(
        self, token: str, op: AssistOp, arg: str, lang: str, label: str, *args: object
    ) -> tuple[str, str]:
        """A button of the form, as (label, callback data): see `Keyboard`."""
        return self.texts.label(lang, label, *args), Tap(TapKind.ASSIST, token, op, arg).encode()

    def _heading(self, token: str, lang: str, group: str, *args: object) -> list[tuple[str, str]]:
        """A group's label on the form, as a row of its own."""
        return [self._tap(token, AssistOp.HEADING, group, lang, f"head_{group}", *args)]

    def form(self, lang: str, token: str, draft: Draft, unit: Unit, notice: str = "") -> View:
        day = clock.vn_date(clock.now()) - dt.timedelta(days=draft.days_back)
        text = self.texts.render(
            lang,
            "assist_form",
            draft=draft,
            unit_name=unit.name,
            day=clock.format_day(day),
            notice=Markup(notice),  # already-rendered template HTML
        )
        # One screen holds every question, each group under its label, so a typical resident
        # takes at most five taps: a service, the outcome (preset to "done"), an age band,
        # optionally sex, consent.
        rows = self._question_rows(lang, token, draft)
        rows += self._people_rows(lang, token, draft)
        rows += self._save_rows(lang, token, draft, unit)
        return View(text, Keyboard(rows))

    def _question_rows(self, lang: str, token: str, draft: Draft) -> list[list[tuple[str, str]]]:
        """Service, outcome, age band and (for one person) sex, each under its label."""
        b, heading = self._tap, self._heading
        rows: list[list[tuple[str, str]]] = [heading(token, lang, "svc")]
        rows += [
            [
                b(token, AssistOp.SERVICE, code, lang, "btn_service", code, code in draft.services)
                for code in pair
            ]
            for pair in (SERVICES[i : i + 2] for i in range(0, len(SERVICES), 2))
        ]
        rows.append(heading(token, lang, "out"))
        rows.append(
            [
                b(token, AssistOp.OUTCOME, c, lang, "btn_outcome", c, c == draft.outcome)
                for c in OUTCOMES
            ]
        )
        rows.append(heading(token, lang, "age", draft.batch))
        if draft.batch:
            counts = draft.counts()
            rows.append(
                [
                    b(
                        token,
                        AssistOp.AGE,
                        c,
                        lang,
                        "btn_age_count",
                        c,
                        c == draft.age,
                        counts.get(c, 0),
                    )
                    for c in AGE_BANDS
                ]
            )
        else:
            rows.append(
                [b(token, AssistOp.AGE, c, lang, "btn_age", c, c == draft.age) for c in AGE_BANDS]
            )
        if not draft.batch:  # one sex for a whole group would be made up
            rows.append(heading(token, lang, "sex"))
            rows.append(
                [b(token, AssistOp.SEX, c, lang, "btn_sex", c, c == draft.sex) for c in SEXES]
            )
        return rows

    def _people_rows(self, lang: str, token: str, draft: Draft) -> list[list[tuple[str, str]]]:
        """A group's headcount and day, or one person's phone (to count them once)."""
        b = self._tap
        if draft.batch:
            return [
                self._heading(token, lang, "count", draft.age, draft.band_count()),
                [
                    b(token, AssistOp.ADD_PEOPLE, f"+{n}", lang, "btn_people_add", n)
                    for n in BATCH_STEPS
                ],
                [
                    b(token, AssistOp.ADD_PEOPLE, "-1", lang, "btn_people_less"),
                    b(token, AssistOp.SET_PEOPLE, "0", lang, "btn_people_reset"),
                    b(token, AssistOp.DAY_BACK, "", lang, "btn_day", draft.days_back),
                ],
            ]
        if draft.person_key:
            return [[b(token, AssistOp.PHONE_REMOVE, "", lang, "btn_phone_remove")]]
        return [[b(token, AssistOp.PHONE, "", lang, "btn_phone")]]

    def _save_rows(
        self, lang: str, token: str, draft: Draft, unit: Unit
    ) -> list[list[tuple[str, str]]]:
        """The activity it counts toward, consent (which saves), the unit and cancel."""
        b = self._tap
        rows = []
        if draft.activity_id:
            rows.append([b(token, AssistOp.UNLINK_ACTIVITY, "", lang, "btn_unlink_activity")])
        rows.append(self._heading(token, lang, "save"))
        rows.append([b(token, AssistOp.SAVE_CONSENTED, "", lang, "btn_consent_yes", draft.people)])
        rows.append([b(token, AssistOp.SAVE_WITHOUT_CONSENT, "", lang, "btn_consent_no")])
        rows.append(
            [
                b(token, AssistOp.PICKER_OPEN, "", lang, "btn_unit", unit.name),
                b(token, AssistOp.CANCEL, "", lang, "btn_cancel"),
            ]
        )
        return rows

    def picker(
        self,
        lang: str,
        token: str,
        browse: Unit,
        children: list[Unit],
        counts: dict[int, int],
        page: int,
        can_go_up: bool,
        query: str = "",
    ) -> View:
        """A page of units to choose from; `query`: the units were found by a typed name."""
        pages = max(1, -(-len(children) // PICKER_PAGE))
        page = min(max(page, 0), pages - 1)
        shown = children[page * PICKER_PAGE : (page + 1) * PICKER_PAGE]
        b = self._tap
        rows = [
            [b(token, AssistOp.PICKER_CHOOSE, str(browse.id), lang, "btn_pick_here", browse.name)]
        ]
        for child in shown:
            row = [
                b(token, AssistOp.PICKER_CHOOSE, str(child.id), lang, "btn_pick_unit", child.name)
            ]
            if counts.get(child.id):
                row.append(b(token, AssistOp.PICKER_BROWSE, str(child.id), lang, "btn_browse_unit"))
            rows.append(row)
        nav = []
        if page > 0:
            nav.append(b(token, AssistOp.PICKER_PAGE, str(page - 1), lang, "btn_page_prev"))
        if page < pages - 1:
            nav.append(b(token, AssistOp.PICKER_PAGE, str(page + 1), lang, "btn_page_next"))
        if nav:
            rows.append(nav)
        bottom = [b(token, AssistOp.PICKER_CLOSE, "", lang, "btn_picker_close")]
        if can_go_up and browse.parent_id is not None:
            bottom.insert(
                0, b(token, AssistOp.PICKER_BROWSE, str(browse.parent_id), lang, "btn_unit_up")
            )
        rows.append(bottom)
        text = self.texts.render(
            lang,
            "assist_units",
            current=browse.name,
            page=page + 1,
            pages=pages,
            query=query,
            found=len(children),
        )
        return View(text, Keyboard(rows))

    def saved(
        self,
        lang: str,
        draft: Draft,
        consent: bool,
        unit: Unit,
        occurred_at: int,
        undo_minutes: int,
        assist_id: int = 0,
        *,
        pending: bool = False,
    ) -> View:
        text = self.texts.render(
            lang,
            "assist_saved",
            draft=draft,
            consent=consent,
            unit_name=unit.name,
            day=clock.format_day(clock.vn_date(occurred_at)),
            undo_minutes=undo_minutes,
            pending=pending,
        )
        button = self._tap(
            NEW_FORM,
            AssistOp.NEW_BATCH if draft.batch else AssistOp.NEW_ONE,
            "",
            lang,
            "btn_log_next",
        )
        rows = [[button]]
        # The resident confirms on their own phone; a record waiting for review cannot be.
        if assist_id and not draft.batch and not pending:
            confirm = Tap(TapKind.CONFIRM, str(assist_id), ConfirmOp.LINK).encode()
            rows.insert(0, [(self.texts.label(lang, "btn_confirm_link"), confirm)])
        return View(text, Keyboard(rows))

    def confirm_ask(self, lang: str, token: str, screen: ToConfirm) -> View:
        """The resident opened the confirmation link: what they were helped with, «✅ Đúng»
        and the ratings."""
        label = self.texts.label

        def button(text: str, rating: str) -> tuple[str, str]:
            return text, Tap(TapKind.CONFIRM, token, ConfirmOp.YES, rating).encode()

        rows = [[button(label(lang, "btn_confirm_yes"), "")]]
        rows.append([button(label(lang, "btn_rating", n), str(n)) for n in RATINGS])
        text = self.texts.render(
            lang,
            "confirm_ask",
            services=services_from_mask(screen.services),
            day=clock.format_day(clock.vn_date(screen.occurred_at)),
        )
        return View(text, Keyboard(rows))
