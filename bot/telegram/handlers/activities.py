"""Activities in chat: a member's check-in link, a resident's attendance link, and `/activity`
for coordinators (list, open, QR codes, close with a headcount). Rules live in
`bot.services.activities` and `bot.services.attendance`, screens in
`bot.telegram.views.activities`; this decodes, calls, renders and answers.
"""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.campaigns import Activity
from bot.domain.refusal import Reason, Refusal
from bot.domain.taps import ActivityOp, NewActivityOp, TapKind
from bot.reports.qr import qr_png
from bot.services.access import Actor
from bot.services.activities import TITLE_REASONS, NewActivity
from bot.telegram.context import BotContext, Press, Who, actor_of, command, language_of, pressed
from bot.telegram.handlers.common import refusal_text, send_text, tell_refusal
from bot.telegram.views.view import View, answer, edit_in_place, reply


async def check_in(update: Update, context: BotContext, token: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        result = await services.reach.attendance.check_in(actor, token, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await reply(update, services.activity_views.checked_in(lang, result, actor.standing))


async def attend_link(update: Update, context: BotContext, token: str) -> None:
    """One screen: what is kept, «✅ Tôi tham dự», and optional age bands."""
    services = context.services
    lang = await language_of(update, context)
    try:
        screen = await services.reach.attendance.attendance_screen(token, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await reply(update, services.activity_views.attend_ask(lang, screen))


@pressed(TapKind.ATTEND)
async def on_attend_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap = press.query, press.lang, press.tap
    services = context.services
    await answer(query)
    key = press.actor.user_key
    try:
        result = await services.reach.attendance.attend(key, tap.ref, tap.arg, clock.now())
    except Refusal as refusal:
        text = refusal_text(services.texts, lang, refusal)
        await edit_in_place(query, View(text, services.views.menu_only(lang)))
        return
    views = services.activity_views
    await edit_in_place(query, views.attended(lang, result.activity, result.first_time))


# ---- /activity for coordinators ---------------------------------------------------------------


@command
async def activity_command(update: Update, context: BotContext, who: Who) -> None:
    """`/activity`: upcoming and recent activities in the coordinator's scope;
    `/activity new [unit code]`: a new one, on buttons."""
    services = context.services
    lang = who.lang
    actor = who.actor
    args = context.args or []
    if args and args[0].lower() in ("new", "moi", "mới"):
        await _new_activity(update, context, lang, actor, args[1] if len(args) > 1 else "")
        return
    try:
        overview = await services.reach.activities.overview(actor, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal, quote=False)
        return
    await reply(update, services.activity_views.overview(lang, overview))


async def _new_activity(
    update: Update, context: BotContext, lang: str, actor: Actor, unit_code: str
) -> None:
    activities = context.services.reach.activities
    try:
        unit = await activities.new_activity_unit(actor, unit_code)
        step = await activities.form_step(actor, NewActivity(unit.id), clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal, quote=False)
        return
    await reply(update, context.services.activity_views.form(lang, step))


@pressed(TapKind.NEW_ACTIVITY, staff=True, numeric_ref=True)
async def on_new_activity_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap, actor = press.query, press.lang, press.tap, press.actor
    services = context.services
    activities, views = services.reach.activities, services.activity_views
    if tap.op is NewActivityOp.BEGIN:  # «➕ Hoạt động mới» under the list
        await answer(query)
        await _new_activity(update, context, lang, actor, "")
        return
    try:
        form = NewActivity.decode(int(tap.ref), tap.arg)
        if tap.op is NewActivityOp.TITLE:
            asked = await activities.ask_title(actor, form, clock.now())
            await answer(query)
            await edit_in_place(query, views.title_ask(lang, asked))
            return
        step = await activities.form_step(actor, form, clock.now())
    except Refusal:
        await answer(query, services.texts.label(lang, "toast_stale_form"), alert=True)
        return
    await answer(query)
    await edit_in_place(query, views.form(lang, step))


async def on_title(update: Update, context: BotContext, ref: str, text: str) -> None:
    """The typed title: the activity is made, and its card (with its QR codes) is shown."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        activity = await services.reach.activities.create_from_chat(actor, ref, text, clock.now())
    except Refusal as refusal:
        if refusal.reason in TITLE_REASONS:  # still waiting for a usable title
            text = services.texts.render(lang, "activity_title_invalid", reason=refusal.reason)
            await send_text(update, context, text)
            return
        await tell_refusal(update, context, lang, refusal, quote=False)
        return
    await reply(update, await _card(context, lang, activity))


@pressed(TapKind.ACTIVITY, staff=True, numeric_ref=True)
async def on_activity_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap, actor = press.query, press.lang, press.tap, press.actor
    services = context.services
    try:
        activity = await services.reach.activities.activity(actor.scope, int(tap.ref))
    except Refusal:
        await answer(query, services.texts.label(lang, "toast_not_allowed"), alert=True)
        return
    await answer(query)
    if tap.op is ActivityOp.OPEN:
        await edit_in_place(query, await _card(context, lang, activity))
    elif tap.op is ActivityOp.LINKS:
        await _send_qr_codes(update, context, lang, activity)
    else:
        await _ask_headcount(update, context, lang, actor, activity.id)


async def _ask_headcount(
    update: Update, context: BotContext, lang: str, actor: Actor, activity_id: int
) -> None:
    """«Đóng»: ask for the headcount of people present without Telegram."""
    services = context.services
    try:
        activity = await services.reach.activities.ask_headcount(actor, activity_id, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal, quote=False)
        return
    text = services.texts.render(lang, "headcount_ask", activity=activity)
    await send_text(update, context, text)


async def _card(context: BotContext, lang: str, activity: Activity) -> View:
    services = context.services
    card = await services.reach.activities.card(activity)
    return services.activity_views.card(lang, card, services.bot_username)


async def _send_qr_codes(
    update: Update, context: BotContext, lang: str, activity: Activity
) -> None:
    """The check-in code for members first, then the attendance code for residents."""
    services = context.services
    chat = update.effective_chat
    assert chat is not None
    for link, caption in services.activity_views.qr_codes(lang, activity, services.bot_username):
        await context.bot.send_photo(chat.id, qr_png(link), caption=caption)


async def on_headcount(update: Update, context: BotContext, ref: str, text: str) -> None:
    """«40 25»: 40 people present without Telegram, 25 of them under 30; «0» for none."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        activity = await services.reach.activities.close_with_text(actor, ref, text)
    except Refusal as refusal:
        # A malformed count keeps the question open: the hint says how to type it again.
        template = (
            "headcount_invalid" if refusal.reason is Reason.BAD_HEADCOUNT else "campaign_error"
        )
        await tell_refusal(update, context, lang, refusal, template)
        return
    await reply(update, await _card(context, lang, activity))
