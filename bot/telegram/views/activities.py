"""Activity and campaign screens: check-in and attendance answers, `/activity`'s list, the
new-activity form, an activity's card, and `/campaign`'s list and the campaign just made.
Text from templates, buttons laid out here; what to show was decided in `bot.services`
(activities, attendance, campaigns)."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import clock
from bot.domain import deep_links
from bot.domain.campaigns import Activity, Campaign
from bot.domain.draft import (
    AGE_BANDS,
    SERVICES,
    services_from_mask,
    services_mask,
    topic_of_service,
)
from bot.domain.model import Standing, Unit
from bot.domain.periods import Period
from bot.domain.taps import ActivityOp, AttendOp, NewActivityOp, ReportOp, StaffOp, Tap, TapKind
from bot.reports.requests import ButtonRef
from bot.services.activities import (
    KINDS,
    ActivityCard,
    FormStep,
    NewActivity,
    Overview,
    TitleAsked,
)
from bot.services.attendance import CheckedIn
from bot.telegram.views.guides import Views
from bot.telegram.views.view import View
from bot.texts.templates import Texts

Rows = list[list[InlineKeyboardButton]]
SHOWN_CAMPAIGNS = 8  # `/campaign`: a report button for each of the latest this many


class ActivityViews:
    def __init__(self, texts: Texts, views: Views) -> None:
        self.texts = texts
        self._views = views  # for «🏠 Menu» and the guide topics' buttons

    def _menu_row(self, lang: str) -> list[InlineKeyboardButton]:
        return list(self._views.menu_only(lang).inline_keyboard[0])

    # ---- members' and residents' links ------------------------------------------------------

    def checked_in(self, lang: str, done: CheckedIn, standing: Standing) -> View:
        text = self.texts.render(
            lang,
            "checkin_done",
            activity=done.activity,
            unit_name=done.unit_name,
            first=done.first_time,
            pending=done.pending,
        )
        return View(text, self._views.menu_markup(lang, standing))

    def attend_ask(self, lang: str, activity: Activity) -> View:
        """One screen: what is kept, «✅ Tôi tham dự», and optional age bands."""
        label = self.texts.label

        def button(text: str, band: str) -> InlineKeyboardButton:
            data = Tap(TapKind.ATTEND, activity.token, AttendOp.MARK, band).encode()
            return InlineKeyboardButton(text, callback_data=data)

        rows = [[button(label(lang, "btn_attend"), "")]]
        rows.append([button(label(lang, "btn_attend_age", b), b) for b in AGE_BANDS])
        text = self.texts.render(lang, "attend_ask", activity=activity)
        return View(text, InlineKeyboardMarkup(rows))

    def attended(self, lang: str, activity: Activity, first_time: bool) -> View:
        """Thanks, and the guides to the services the activity offered."""
        topics = sorted({topic_of_service(c) for c in services_from_mask(activity.services)})
        text = self.texts.render(lang, "attend_done", activity=activity, first=first_time)
        return View(text, self._views.topics_markup(lang, topics))

    # ---- /activity for coordinators ---------------------------------------------------------

    def overview(self, lang: str, overview: Overview) -> View:
        rows = [
            [
                InlineKeyboardButton(
                    self.texts.label(
                        lang,
                        "btn_activity",
                        line.activity.title,
                        clock.format_day_number(line.activity.first_day),
                    ),
                    callback_data=Tap(
                        TapKind.ACTIVITY, str(line.activity.id), ActivityOp.OPEN
                    ).encode(),
                )
            ]
            for line in overview.shown
        ]
        new = Tap(TapKind.NEW_ACTIVITY, "0", NewActivityOp.BEGIN).encode()
        rows.append(
            [InlineKeyboardButton(self.texts.label(lang, "btn_activity_new"), callback_data=new)]
        )
        rows.append(self._menu_row(lang))
        text = self.texts.render(
            lang, "activity_list", upcoming=overview.upcoming, recent=overview.recent
        )
        return View(text, InlineKeyboardMarkup(rows))

    def form(self, lang: str, step: FormStep) -> View:
        """One question at a time: the kind, the day, the campaign (when one is running that
        day), then the services and «Tiếp»."""
        form = step.form
        if form.kind < 0:
            rows = self._kind_rows(lang, form)
        elif form.days_ahead < 0:
            rows = self._day_rows(lang, step)
        elif form.campaign < 0:
            rows = self._campaign_rows(lang, step)
        else:
            rows = self._service_rows(lang, form)
        rows.append(self._menu_row(lang))
        text = self.texts.render(
            lang,
            "activity_new",
            unit_name=step.unit_name,
            kind=KINDS[form.kind].value if form.kind >= 0 else "",
            day=step.days[form.days_ahead] if form.days_ahead >= 0 else None,
            services=services_from_mask(form.services),
            asking_campaign=form.campaign < 0,
            campaign=step.chosen.name if step.chosen else "",
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _form_button(
        self, text: str, op: NewActivityOp, changed: NewActivity
    ) -> InlineKeyboardButton:
        """A button of the form: pressing it shows the form as `changed`."""
        data = Tap(TapKind.NEW_ACTIVITY, str(changed.unit_id), op, changed.code()).encode()
        return InlineKeyboardButton(text, callback_data=data)

    def _kind_rows(self, lang: str, form: NewActivity) -> Rows:
        label, tap = self.texts.label, self._form_button
        return [
            [
                tap(
                    label(lang, "activity_kind", kind.value),
                    NewActivityOp.KIND,
                    replace(form, kind=i),
                )
            ]
            for i, kind in enumerate(KINDS)
        ]

    def _day_rows(self, lang: str, step: FormStep) -> Rows:
        label, tap = self.texts.label, self._form_button
        days = list(enumerate(step.days))
        return [
            [
                tap(
                    label(lang, "btn_form_day", n, day.strftime("%d/%m")),
                    NewActivityOp.DAY,
                    replace(step.form, days_ahead=n),
                )
                for n, day in days[row : row + 2]
            ]
            for row in range(0, len(days), 2)
        ]

    def _campaign_rows(self, lang: str, step: FormStep) -> Rows:
        label, tap, form = self.texts.label, self._form_button, step.form
        rows = [
            [
                tap(
                    label(lang, "btn_form_campaign", c.name),
                    NewActivityOp.CAMPAIGN,
                    replace(form, campaign=c.id),
                )
            ]
            for c in step.running
        ]
        rows.append(
            [
                tap(
                    label(lang, "btn_form_no_campaign"),
                    NewActivityOp.CAMPAIGN,
                    replace(form, campaign=0),
                )
            ]
        )
        return rows

    def _service_rows(self, lang: str, form: NewActivity) -> Rows:
        label, tap = self.texts.label, self._form_button
        picked = set(services_from_mask(form.services))
        rows = [
            [
                tap(
                    label(lang, "btn_service", code, code in picked),
                    NewActivityOp.SERVICE,
                    replace(form, services=form.services ^ services_mask([code])),
                )
                for code in pair
            ]
            for pair in (SERVICES[i : i + 2] for i in range(0, len(SERVICES), 2))
        ]
        rows.append([tap(label(lang, "btn_form_title"), NewActivityOp.TITLE, form)])
        return rows

    def title_ask(self, lang: str, asked: TitleAsked) -> View:
        text = self.texts.render(
            lang,
            "activity_title_ask",
            kind=asked.kind.value,
            day=asked.day,
            unit_name=asked.unit_name,
        )
        return View(text, None)

    def card(self, lang: str, card: ActivityCard, bot_username: str) -> View:
        """The activity with its figures and links; «QR», and «Đóng» while it is open."""
        activity, line = card.activity, card.line
        text = self.texts.render(
            lang,
            "activity_card",
            activity=activity,
            unit_name=card.unit_name,
            first=clock.format_day_number(activity.first_day),
            last=clock.format_day_number(activity.last_day),
            members=line.members if line else 0,
            attendees=line.attendees if line else 0,
            assists=line.assists if line else 0,
            check_in=deep_links.link(
                bot_username, deep_links.check_in_payload(activity.checkin_token)
            ),
            attend=deep_links.link(bot_username, deep_links.attend_payload(activity.token)),
        )
        label = self.texts.label
        ref = str(activity.id)
        buttons = [("btn_activity_qr", ActivityOp.LINKS)]
        if not activity.closed:
            buttons.append(("btn_activity_close", ActivityOp.CLOSE))
        rows = [
            [
                InlineKeyboardButton(
                    label(lang, name), callback_data=Tap(TapKind.ACTIVITY, ref, op).encode()
                )
            ]
            for name, op in buttons
        ]
        rows.append(self._menu_row(lang))
        return View(text, InlineKeyboardMarkup(rows))

    def qr_codes(self, lang: str, activity: Activity, bot_username: str) -> list[tuple[str, str]]:
        """(link, caption) of each QR code: the check-in code for members first, then the
        attendance code for residents (only where residents mark attendance)."""
        links = [("checkin", deep_links.check_in_payload(activity.checkin_token))]
        if activity.attended:
            links.append(("attend", deep_links.attend_payload(activity.token)))
        found = []
        for kind, payload in links:
            link = deep_links.link(bot_username, payload)
            caption = self.texts.render(
                lang, "activity_qr_caption", kind=kind, activity=activity, link=link
            )
            found.append((link, caption))
        return found

    # ---- /campaign ----------------------------------------------------------------------------

    def campaign_list(self, lang: str, listed: list[Campaign], root: Unit | None) -> View:
        """A report button for each campaign (the latest first), then «➕ Đợt mới», «🏠 Menu»;
        `root`: the top of what the person may see."""
        rows = [[self._report_button(lang, c, root)] for c in listed[:SHOWN_CAMPAIGNS]]
        new = Tap(TapKind.STAFF, "0", StaffOp.NEW_CAMPAIGN).encode()
        label = self.texts.label(lang, "btn_campaign_new")
        rows.append([InlineKeyboardButton(label, callback_data=new)])
        rows.append(self._menu_row(lang))
        text = self.texts.render(lang, "campaign_list", campaigns=listed)
        return View(text, InlineKeyboardMarkup(rows))

    def campaign_done(self, lang: str, campaign: Campaign, root: Unit | None) -> View:
        """Made: what next, on buttons (its report, a new activity in it)."""
        new = Tap(TapKind.NEW_ACTIVITY, "0", NewActivityOp.BEGIN).encode()
        rows = [
            [self._report_button(lang, campaign, root)],
            [InlineKeyboardButton(self.texts.label(lang, "btn_activity_new"), callback_data=new)],
            self._menu_row(lang),
        ]
        text = self.texts.render(lang, "campaign_done", campaign=campaign)
        return View(text, InlineKeyboardMarkup(rows))

    def _report_button(
        self, lang: str, campaign: Campaign, root: Unit | None
    ) -> InlineKeyboardButton:
        """The campaign's report over its own days, in this person's scope: what `/report đợt
        MÃ` shows."""
        ref = ButtonRef(root.id if root else 0, 0, campaign.id).encode()
        first, last = clock.day_date(campaign.first_day), clock.day_date(campaign.last_day)
        days = Period("custom", first, last).code()
        label = self.texts.label(lang, "btn_campaign_report", campaign.code)
        return InlineKeyboardButton(
            label, callback_data=Tap(TapKind.REPORT, ref, ReportOp.VIEW, days).encode()
        )
