"""/assist and /batch: a volunteer logs the residents they helped, in a few taps.

Each handler decodes, asks the form service (`bot.services.assist_form`), and shows
the result; every rule lives in the service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import CallbackQuery, Update

from bot import clock
from bot.domain.refusal import Refusal
from bot.domain.taps import NEW_FORM, AssistOp, TapKind
from bot.services import form_results as form
from bot.telegram.context import BotContext, Press, Who, actor_of, command, language_of, pressed
from bot.telegram.handlers import mine
from bot.telegram.handlers.common import delete_quietly, send_text, tell_refusal
from bot.telegram.views.assist import GROUPS
from bot.telegram.views.view import View, answer, edit_in_place, reply

T = TypeVar("T")


@command
async def assist_command(update: Update, context: BotContext, who: Who) -> None:
    await _open_form(update, context, batch=False)


@command
async def batch_command(update: Update, context: BotContext, who: Who) -> None:
    await _open_form(update, context, batch=True)


async def _open_form(update: Update, context: BotContext, *, batch: bool) -> None:
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        result = await services.reach.forms.open(actor, batch, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await reply(update, services.assist_views.form(lang, result.token, result.draft, result.unit))


@pressed(TapKind.ASSIST)
async def on_assist_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap = press.query, press.lang, press.tap
    if tap.op is AssistOp.HEADING:  # a group's label: it explains, and changes nothing
        hint = f"hint_{tap.arg}" if tap.arg in GROUPS else "toast_stale_form"
        await answer(query, context.services.texts.label(lang, hint))
        return
    if tap.ref == NEW_FORM:  # from the menu, or «log the next resident»
        await answer(query)
        if tap.op is AssistOp.MINE:
            await mine.mine_command(update, context)
        else:  # NEW_ONE, or an older menu's letter (see AssistOp)
            await _open_form(update, context, batch=tap.op is AssistOp.NEW_BATCH)
        return
    services = context.services
    async with services.form_locks.lock(tap.ref):
        result = await services.reach.forms.press(
            press.actor, tap.ref, AssistOp(tap.op), tap.arg, query.id, clock.now()
        )
        await _show(update, context, lang, query, result)


async def _show(
    update: Update,
    context: BotContext,
    lang: str,
    query: CallbackQuery,
    result: form.PressResult,
) -> None:
    services = context.services
    views = services.assist_views
    label = services.texts.label
    match result:
        case form.Toast(name, alert):
            await answer(query, label(lang, name), alert=alert)
        case form.Quiet():
            await answer(query)
        case form.FormScreen(token, draft, unit):
            await answer(query)
            await edit_in_place(query, views.form(lang, token, draft, unit))
        case form.PickerScreen(token, browse, children, counts, page, can_go_up, typed):
            await answer(query)
            view = views.picker(
                lang, token, browse, children, counts, page, can_go_up=can_go_up, query=typed
            )
            await edit_in_place(query, view)
        case form.AskPhone():
            await answer(query)
            await send_text(update, context, services.texts.render(lang, "phone_ask"))
        case form.Cancelled():
            await answer(query)
            await edit_in_place(
                query,
                View(
                    services.texts.render(lang, "assist_cancelled"), services.views.menu_only(lang)
                ),
            )
        case form.SavedScreen(draft, consent, unit, occurred_at, created, assist_id, pending):
            # Only now, with the record committed, does the volunteer see a confirmation.
            await answer(query, label(lang, "toast_saved" if created else "toast_already_saved"))
            undo = services.settings.undo_minutes
            view = views.saved(
                lang, draft, consent, unit, occurred_at, undo, assist_id, pending=pending
            )
            await edit_in_place(query, view)


async def on_phone(update: Update, context: BotContext, token: str, text: str) -> None:
    """The volunteer typed the resident's phone number for de-duplication. The message is
    deleted from the chat first, so the number stays nowhere, not even in the history."""
    services = context.services
    lang = await language_of(update, context)
    message = update.effective_message
    assert message is not None
    await delete_quietly(message)
    actor = await actor_of(update, context)
    forms = services.reach.forms
    screen = await _in_turn(
        update, context, lang, token, lambda: forms.phone(actor, token, text, clock.now())
    )
    if screen is None:
        return
    kept = services.texts.render(lang, screen.notice)
    view = services.assist_views.form(lang, screen.token, screen.draft, screen.unit, notice=kept)
    await reply(update, view)


async def on_count(update: Update, context: BotContext, token: str, text: str) -> bool:
    """A number typed while a batch form is open: the form again, with the new count.
    False when the text is no count, so that it is searched as usual."""
    services = context.services
    actor = await actor_of(update, context)
    lang = await language_of(update, context)
    forms = services.reach.forms
    result = await _in_turn(
        update, context, lang, token, lambda: forms.count(actor, token, text, clock.now())
    )
    if result is None:
        return True  # refused, and said so
    if isinstance(result, form.NotACount):
        return False
    await reply(update, services.assist_views.form(lang, result.token, result.draft, result.unit))
    return True


async def on_unit_search(update: Update, context: BotContext, token: str, text: str) -> None:
    """Text typed while the unit picker is open: the units whose names match, as a new
    picker message (the old one may be far up the chat)."""
    services = context.services
    actor = await actor_of(update, context)
    lang = await language_of(update, context)
    forms = services.reach.forms
    found = await _in_turn(
        update, context, lang, token, lambda: forms.search_units(actor, token, text, clock.now())
    )
    if found is None:
        return
    view = services.assist_views.picker(
        lang,
        found.token,
        found.browse,
        found.children,
        found.counts,
        0,
        can_go_up=False,
        query=found.query,
    )
    await reply(update, view)


async def _in_turn(
    update: Update,
    context: BotContext,
    lang: str,
    token: str,
    answer: Callable[[], Awaitable[T]],
) -> T | None:
    """A typed answer to the form `token`, in the form's turn (after its pending presses); a
    refusal is said, and None returned."""
    try:
        async with context.services.form_locks.lock(token):
            return await answer()
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return None
