"""/assist and /batch: a volunteer logs the residents they helped, in a few taps.

Every tap is re-checked against the stored draft and its owner, so stale or forged buttons
can neither touch someone else's form nor save a record twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace

from telegram import CallbackQuery, Update

from bot.reach.domain import clock, phone
from bot.reach.domain.draft import Draft, DraftError, Stage, new_token
from bot.reach.domain.model import Member
from bot.telegram.callback_data import Tap
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    answer,
    delete_quietly,
    edit_in_place,
    language_of,
    reply,
    send_text,
    tap_of,
)
from bot.telegram.handlers.roles import Actor, actor_of, home_contains, volunteer_or_explain
from bot.telegram.views.assist import NEW_FORM
from bot.telegram.views.guides import View

PHONE_WAIT_SECONDS = 10 * 60
SEEN_PRESSES = 16  # press ids remembered per form, to spot a redelivered press
MAX_ID_DIGITS = 9
BACKDATED_HOUR = 12  # a back-dated batch is placed at noon, safely inside its day


async def assist_command(update: Update, context: BotContext) -> None:
    await _open_form(update, context, batch=False)


async def batch_command(update: Update, context: BotContext) -> None:
    await _open_form(update, context, batch=True)


async def _open_form(update: Update, context: BotContext, *, batch: bool) -> None:
    services = context.services
    lang = await language_of(update, context)
    member = await volunteer_or_explain(update, context, lang)
    if member is None:
        return
    unit = await services.units.get(member.unit_id)
    assert unit is not None
    token = new_token()
    draft = Draft(unit_id=unit.id, batch=batch, browse=unit.id)
    await services.assists.create_draft(token, member.id, draft, clock.now())
    await reply(update, services.assist_views.form(lang, token, draft, unit))


async def on_assist_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    if tap.ref == NEW_FORM:
        await answer(query)
        await _open_form(update, context, batch=tap.op == "b")
        return
    # One tap at a time per form: taps arrive concurrently, and each one reads, changes and
    # writes the whole draft, so two unserialised taps would lose one of the changes.
    async with services.form_locks.lock(tap.ref):
        await _locked_tap(update, context, lang, query, tap)


async def _locked_tap(
    update: Update, context: BotContext, lang: str, query: CallbackQuery, tap: Tap
) -> None:
    services = context.services
    label = services.texts.label
    already, found = await services.assists.form(tap.ref)
    if already is not None:  # a double tap on save, or a redelivered update
        await answer(query, label(lang, "toast_already_saved"))
        return
    actor = await actor_of(update, context)
    if found is None:
        await answer(query, label(lang, "toast_stale_form"))
        return
    owner_id, draft = found
    member = actor.volunteer
    if member is None or member.id != owner_id:
        await answer(query, label(lang, "toast_not_yours"), alert=True)
        return
    if query.id in draft.seen:
        # The same press delivered again (after a crash, before Telegram heard we had it):
        # a toggle must not flip back, so the press is acknowledged and nothing changes.
        await answer(query)
        return
    try:
        await _apply(
            update,
            context,
            lang,
            query,
            tap,
            replace(draft, seen=(*draft.seen, query.id)[-SEEN_PRESSES:]),
            member,
            actor,
        )
    except (DraftError, ValueError, OverflowError):
        await answer(query, label(lang, "toast_stale_form"))
    except sqlite3.IntegrityError:  # the volunteer erased their profile mid-form
        await answer(query, label(lang, "toast_stale_form"))


async def _apply(
    update: Update,
    context: BotContext,
    lang: str,
    query: CallbackQuery,
    tap: Tap,
    draft: Draft,
    member: Member,
    actor: Actor,
) -> None:
    services = context.services
    label = services.texts.label
    token, op, arg = tap.ref, tap.op, tap.arg
    now = clock.now()
    match op:
        case "s":
            draft = draft.toggle_service(arg)
        case "n":
            if not draft.services:
                await answer(query, label(lang, "toast_need_service"))
                return
            draft = draft.to_details()
        case "c":
            draft = replace(draft, stage=_back_stage(draft))
        case "o":
            draft = draft.choose("outcome", arg)
        case "g":
            draft = draft.choose("age", arg)
        case "x":
            draft = draft.choose("sex", arg)
        case "k":
            draft = draft.set_people(_small_int(arg))
        case "j":
            draft = draft.set_people(max(1, draft.people + int(arg)))
        case "d":
            draft = draft.next_day_back(services.settings.backdate_days)
        case "r":
            draft = replace(draft, person_key="", key_id="")
        case "p":
            await services.pending.expect(actor.user_key, "phone", token, now + PHONE_WAIT_SECONDS)
            await answer(query)
            await send_text(update, services.texts.render(lang, "phone_ask"))
            return
        case "u" | "v" | "w":
            await _picker(context, lang, query, token, draft, member, op, arg)
            return
        case "U":
            unit = await services.units.get(_small_int(arg))
            if unit is None or not await home_contains(context, member, unit):
                await answer(query, label(lang, "toast_not_allowed"), alert=True)
                return
            draft = replace(draft, unit_id=unit.id, stage=_back_stage(draft))
        case "q":
            await services.assists.drop_draft(token)
            await answer(query)
            await edit_in_place(query, View(services.texts.render(lang, "assist_cancelled"), None))
            return
        case "y" | "a":
            await _save(context, lang, query, token, draft, member, consent=op == "y")
            return
        case _:
            raise DraftError("unknown operation")
    await services.assists.update_draft(token, draft, now)
    await answer(query)
    unit = await services.units.get(draft.unit_id)
    assert unit is not None
    await edit_in_place(query, services.assist_views.form(lang, token, draft, unit))


def _small_int(text: str) -> int:
    """Ids and page numbers from button data: digits only, and few enough for SQLite."""
    if not text.isdigit() or len(text) > MAX_ID_DIGITS:
        raise ValueError("not a small whole number")
    return int(text)


def _back_stage(draft: Draft) -> str:
    """Where closing the unit picker returns to: details once services are chosen."""
    return Stage.DETAILS if draft.services else Stage.SERVICES


async def _picker(
    context: BotContext,
    lang: str,
    query: CallbackQuery,
    token: str,
    draft: Draft,
    member: Member,
    op: str,
    arg: str,
) -> None:
    services = context.services
    browse_id = _small_int(arg) if op == "v" else draft.browse or member.unit_id
    page = _small_int(arg) if op == "w" else 0
    browse = await services.units.get(browse_id)
    if browse is None or not await home_contains(context, member, browse):
        await answer(query, services.texts.label(lang, "toast_not_allowed"), alert=True)
        return
    draft = replace(draft, browse=browse.id, page=page, stage=Stage.UNIT)
    await services.assists.update_draft(token, draft, clock.now())
    children = await services.units.children(browse.id)
    counts = await services.units.child_counts([c.id for c in children])
    await answer(query)
    view = services.assist_views.picker(
        lang, token, browse, children, counts, page, can_go_up=browse.id != member.unit_id
    )
    await edit_in_place(query, view)


async def _save(
    context: BotContext,
    lang: str,
    query: CallbackQuery,
    token: str,
    draft: Draft,
    member: Member,
    *,
    consent: bool,
) -> None:
    services = context.services
    missing = draft.ready_to_save(consent)
    if missing is not None:
        await answer(query, services.texts.label(lang, f"toast_{missing}"))
        return
    now = clock.now()
    occurred_at = now
    if draft.days_back:
        day = clock.vn_date(now) - dt.timedelta(days=draft.days_back)
        occurred_at = clock.day_start(day) + BACKDATED_HOUR * 3600
    saved = await services.assists.save(token, member.id, draft, consent, now, occurred_at)
    # Only now, with the record committed, does the volunteer see a confirmation.
    toast = "toast_saved" if saved.created else "toast_already_saved"
    await answer(query, services.texts.label(lang, toast))
    unit = await services.units.get(draft.unit_id)
    assert unit is not None
    view = services.assist_views.saved(
        lang, draft, consent, unit, saved.occurred_at, services.settings.undo_minutes
    )
    await edit_in_place(query, view)


async def on_phone(update: Update, context: BotContext, token: str, text: str) -> None:
    """The volunteer typed the resident's phone number for de-duplication.

    Only an HMAC of the normalised number is kept, and the message itself is deleted from
    the chat, so the number is stored nowhere, not even in the chat history.
    """
    services = context.services
    lang = await language_of(update, context)
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    user_key = services.user_key(update.effective_user.id)
    try:
        person_key = phone.person_key(services.key, text)
    except phone.PhoneInvalid:
        await delete_quietly(message)
        await send_text(update, services.texts.render(lang, "phone_invalid"))
        return
    await delete_quietly(message)
    await services.pending.clear(user_key)
    found = await services.assists.draft(token)
    member = (await actor_of(update, context)).volunteer
    if found is None or member is None or found[0] != member.id:
        await send_text(update, services.texts.render(lang, "phone_form_closed"))
        return
    draft = found[1].with_phone(person_key, phone.key_id(services.key))
    await services.assists.update_draft(token, draft, clock.now())
    unit = await services.units.get(draft.unit_id)
    assert unit is not None
    notice = services.texts.render(lang, "phone_kept")
    await reply(update, services.assist_views.form(lang, token, draft, unit, notice=notice))
