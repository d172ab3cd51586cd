"""Activities in chat: a member's check-in link, a resident's attendance link, and `/activity`
for coordinators (list, open, QR codes, close with a headcount). Rules live in
`bot.services.campaigns`; this decodes, calls and shows.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import clock
from bot.domain import deep_links
from bot.domain.campaigns import Activity, Campaign, CampaignError, day_date
from bot.domain.catalog import (
    AGE_BANDS,
    SERVICES,
    services_from_mask,
    services_mask,
    topic_of_service,
)
from bot.domain.taps import ActivityOp, AttendOp, NewActivityOp, Tap, TapKind
from bot.reports.qr import qr_png
from bot.services.access import Actor
from bot.services.campaigns import (
    KINDS,
    Attended,
    CheckedIn,
    LinkRefused,
    NewActivity,
    clock_day,
)
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    actor_of,
    answer,
    edit_in_place,
    language_of,
    reply,
    send_text,
    tap_of,
    tell_refusal,
)
from bot.telegram.views.view import View

LISTED = 8


async def check_in(update: Update, context: BotContext, token: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    result = await services.reach.campaigns.check_in(actor, token, clock.now())
    render = services.texts.render
    match result:
        case CheckedIn(activity, unit_name, first_time, pending):
            text = render(
                lang,
                "checkin_done",
                activity=activity,
                unit_name=unit_name,
                first=first_time,
                pending=pending,
            )
            await reply(update, View(text, services.views.menu_markup(lang, actor.role)))
        case LinkRefused(reason, activity):
            await _refused(update, context, lang, reason, activity)


async def attend_link(update: Update, context: BotContext, token: str) -> None:
    """One screen: what is kept, «✅ Tôi tham dự», and optional age bands."""
    services = context.services
    lang = await language_of(update, context)
    screen = await services.reach.campaigns.attendance_screen(token, clock.now())
    if isinstance(screen, LinkRefused):
        await _refused(update, context, lang, screen.reason, screen.activity)
        return
    label = services.texts.label

    def button(text: str, band: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text, callback_data=Tap(TapKind.ATTEND, screen.token, AttendOp.MARK, band).encode()
        )

    rows = [[button(label(lang, "btn_attend"), "")]]
    rows.append([button(label(lang, "btn_attend_age", b), b) for b in AGE_BANDS])
    text = services.texts.render(lang, "attend_ask", activity=screen)
    await reply(update, View(text, InlineKeyboardMarkup(rows)))


async def on_attend_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context, ops="y")
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    await answer(query)
    key = services.user_key(query.from_user.id)
    result = await services.reach.campaigns.attend(key, tap.ref, tap.arg, clock.now())
    match result:
        case Attended(activity, first_time):
            topics = sorted({topic_of_service(c) for c in services_from_mask(activity.services)})
            text = services.texts.render(lang, "attend_done", activity=activity, first=first_time)
            await edit_in_place(query, View(text, services.views.topics_markup(lang, topics)))
        case LinkRefused(reason, activity):
            text = services.texts.render(
                lang, "activity_link_refused", reason=reason, activity=activity
            )
            await edit_in_place(query, View(text, services.views.menu_only(lang)))


async def _refused(
    update: Update, context: BotContext, lang: str, reason: str, activity: Activity | None
) -> None:
    text = context.services.texts.render(
        lang, "activity_link_refused", reason=reason, activity=activity
    )
    await reply(update, View(text, context.services.views.menu_only(lang)))


# ---- /activity for coordinators ---------------------------------------------------------------


async def activity_command(update: Update, context: BotContext) -> None:
    """`/activity`: upcoming and recent activities in the coordinator's scope;
    `/activity new [unit code]`: a new one, on buttons."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    if not actor.staff:
        await send_text(update, context, services.texts.render(lang, "not_allowed"))
        return
    args = context.args or []
    if args and args[0].lower() in ("new", "moi", "mới"):
        await _new_activity(update, context, lang, actor, args[1] if len(args) > 1 else "")
        return
    lines = await services.reach.campaigns.lines(actor.scope)
    today = clock_day(clock.now())
    upcoming = [x for x in lines if x.activity.last_day >= today and not x.activity.closed]
    upcoming.sort(key=lambda x: x.activity.first_day)
    recent = [x for x in lines if x not in upcoming][:LISTED]
    shown = upcoming[:LISTED] + recent
    rows = [
        [
            InlineKeyboardButton(
                services.texts.label(
                    lang, "btn_activity", line.activity.title, _day(line.activity)
                ),
                callback_data=Tap(
                    TapKind.ACTIVITY, str(line.activity.id), ActivityOp.OPEN
                ).encode(),
            )
        ]
        for line in shown
    ]
    text = services.texts.render(lang, "activity_list", upcoming=len(upcoming), recent=len(recent))
    new = Tap(TapKind.NEW_ACTIVITY, "0", NewActivityOp.BEGIN).encode()
    rows.append(
        [InlineKeyboardButton(services.texts.label(lang, "btn_activity_new"), callback_data=new)]
    )
    rows.append(services.views.menu_only(lang).inline_keyboard[0])
    await reply(update, View(text, InlineKeyboardMarkup(rows)))


async def _new_activity(
    update: Update, context: BotContext, lang: str, actor: Actor, unit_code: str
) -> None:
    services = context.services
    try:
        unit = await services.reach.campaigns.new_activity_unit(actor, unit_code)
    except CampaignError as error:
        await tell_refusal(update, context, lang, error.reason)
        return
    await reply(update, await _form_view(context, lang, NewActivity(unit.id), unit.name))


async def on_new_activity_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context, ops="bkdpst", numeric_ref=True)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    actor = await actor_of(update, context)
    campaigns = services.reach.campaigns
    try:
        if tap.op is NewActivityOp.BEGIN:  # «➕ Hoạt động mới» under the list
            await answer(query)
            await _new_activity(update, context, lang, actor, "")
            return
        form = NewActivity.decode(int(tap.ref), tap.arg)
        unit = campaigns.form_unit(actor, form)
        if tap.op is NewActivityOp.TITLE:
            await campaigns.ask_title(actor, form, clock.now())
            await answer(query)
            text = services.texts.render(
                lang,
                "activity_title_ask",
                kind=KINDS[form.kind].value,
                day=campaigns.form_days(clock.now())[form.days_ahead],
                unit_name=unit.name,
            )
            await edit_in_place(query, View(text, None))
            return
    except CampaignError:
        await answer(query, services.texts.label(lang, "toast_stale_form"), alert=True)
        return
    await answer(query)
    await edit_in_place(query, await _form_view(context, lang, form, unit.name))


async def _form_view(context: BotContext, lang: str, form: NewActivity, unit_name: str) -> View:
    """One question at a time: the kind, the day, the campaign (when one is running that
    day), then the services and «Tiếp»."""
    services = context.services
    label = services.texts.label
    campaigns = services.reach.campaigns
    days = campaigns.form_days(clock.now())
    running: list[Campaign] = []
    if form.kind >= 0 and form.days_ahead >= 0 and form.campaign < 0:
        running = await campaigns.form_campaigns(form, clock.now())
        if not running:  # nothing to choose from: the question is skipped
            form = replace(form, campaign=0)
    chosen = await campaigns.form_campaign(form)

    def tap(text: str, op: NewActivityOp, changed: NewActivity) -> InlineKeyboardButton:
        data = Tap(TapKind.NEW_ACTIVITY, str(form.unit_id), op, changed.code()).encode()
        return InlineKeyboardButton(text, callback_data=data)

    if form.kind < 0:
        rows = [
            [
                tap(
                    label(lang, "activity_kind", kind.value),
                    NewActivityOp.KIND,
                    replace(form, kind=i),
                )
            ]
            for i, kind in enumerate(KINDS)
        ]
    elif form.days_ahead < 0:
        rows = [
            [
                tap(
                    label(lang, "btn_form_day", n, day.strftime("%d/%m")),
                    NewActivityOp.DAY,
                    replace(form, days_ahead=n),
                )
                for n, day in list(enumerate(days))[row : row + 2]
            ]
            for row in range(0, len(days), 2)
        ]
    elif form.campaign < 0:
        rows = [
            [
                tap(
                    label(lang, "btn_form_campaign", c.name),
                    NewActivityOp.CAMPAIGN,
                    replace(form, campaign=c.id),
                )
            ]
            for c in running[:LISTED]
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
    else:
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
    rows.append(services.views.menu_only(lang).inline_keyboard[0])
    text = services.texts.render(
        lang,
        "activity_new",
        unit_name=unit_name,
        kind=KINDS[form.kind].value if form.kind >= 0 else "",
        day=days[form.days_ahead] if form.days_ahead >= 0 else None,
        services=services_from_mask(form.services),
        asking_campaign=form.campaign < 0,
        campaign=chosen.name if chosen else "",
    )
    return View(text, InlineKeyboardMarkup(rows))


async def on_title(update: Update, context: BotContext, ref: str, text: str) -> None:
    """The typed title: the activity is made, and its card (with its QR codes) is shown."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        activity = await services.reach.campaigns.create_from_chat(actor, ref, text, clock.now())
    except CampaignError as error:
        if error.reason in ("bad_name", "name_formula"):  # still waiting for a usable title
            text = services.texts.render(lang, "activity_title_invalid", reason=error.reason)
            await send_text(update, context, text)
            return
        await services.reach.stop_waiting(actor.user_key)
        await tell_refusal(update, context, lang, error.reason)
        return
    await reply(update, await _card(context, lang, activity))


async def on_activity_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context, ops="oqc", numeric_ref=True)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    actor = await actor_of(update, context)
    try:
        activity = await services.reach.campaigns.activity(actor.scope, int(tap.ref))
    except CampaignError:
        await answer(query, services.texts.label(lang, "toast_not_allowed"), alert=True)
        return
    await answer(query)
    if tap.op is ActivityOp.OPEN:
        await edit_in_place(query, await _card(context, lang, activity))
    elif tap.op is ActivityOp.LINKS:
        await _send_qr_codes(update, context, lang, activity)
    else:  # close: ask for the headcount of people present without Telegram
        try:
            await services.reach.campaigns.ask_headcount(actor, activity.id, clock.now())
        except CampaignError as error:
            await tell_refusal(update, context, lang, error.reason)
            return
        await send_text(
            update, context, services.texts.render(lang, "headcount_ask", activity=activity)
        )


async def _card(context: BotContext, lang: str, activity: Activity) -> View:
    services = context.services
    line = await services.reach.campaigns.line(activity)
    unit = services.reach.directory.unit(activity.unit_id)
    text = services.texts.render(
        lang,
        "activity_card",
        activity=activity,
        unit_name=unit.name if unit else "",
        first=_day(activity),
        last=day_date(activity.last_day).strftime("%d/%m/%Y"),
        members=line.members if line else 0,
        attendees=line.attendees if line else 0,
        assists=line.assists if line else 0,
        check_in=deep_links.link(
            services.bot_username, deep_links.check_in_payload(activity.checkin_token)
        ),
        attend=deep_links.link(services.bot_username, deep_links.attend_payload(activity.token)),
    )
    label = services.texts.label
    ref = str(activity.id)
    rows = [
        [
            InlineKeyboardButton(
                label(lang, "btn_activity_qr"),
                callback_data=Tap(TapKind.ACTIVITY, ref, ActivityOp.LINKS).encode(),
            )
        ]
    ]
    if not activity.closed:
        rows.append(
            [
                InlineKeyboardButton(
                    label(lang, "btn_activity_close"),
                    callback_data=Tap(TapKind.ACTIVITY, ref, ActivityOp.CLOSE).encode(),
                )
            ]
        )
    rows.append(services.views.menu_only(lang).inline_keyboard[0])
    return View(text, InlineKeyboardMarkup(rows))


async def _send_qr_codes(
    update: Update, context: BotContext, lang: str, activity: Activity
) -> None:
    """The check-in code for members first, then the attendance code for residents."""
    services = context.services
    chat = update.effective_chat
    assert chat is not None
    links = [("checkin", deep_links.check_in_payload(activity.checkin_token))]
    if activity.attended:
        links.append(("attend", deep_links.attend_payload(activity.token)))
    for kind, payload in links:
        link = deep_links.link(services.bot_username, payload)
        caption = services.texts.render(
            lang, "activity_qr_caption", kind=kind, activity=activity, link=link
        )
        await context.bot.send_photo(chat.id, qr_png(link), caption=caption)


async def on_headcount(update: Update, context: BotContext, ref: str, text: str) -> None:
    """«40 25»: 40 people present without Telegram, 25 of them under 30; «0» for none."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        activity = await services.reach.campaigns.close_with_text(actor, ref, text)
    except CampaignError as error:
        if error.reason == "number_comma":  # still waiting: a hint, and type it again
            hint = services.texts.render(lang, "number_comma", text=error.detail)
            await send_text(update, context, hint)
            return
        name = "headcount_invalid" if error.reason == "bad_headcount" else "campaign_error"
        await tell_refusal(update, context, lang, error.reason, name, detail=error.detail)
        return
    await reply(update, await _card(context, lang, activity))


def _day(activity: Activity) -> str:
    return day_date(activity.first_day).strftime("%d/%m/%Y")


def _link(context: BotContext, payload: str) -> str:
    return deep_links.link(context.services.bot_username, payload)


def _button(
    context: BotContext, lang: str, op: str, activity: Activity, label: str
) -> InlineKeyboardButton:
    text = context.services.texts.label(lang, label, activity.title, _day(activity))
    data = Tap(TapKind.ACTIVITY, str(activity.id), op).encode()
    return InlineKeyboardButton(text, callback_data=data)
