"""Joining by invite: `/join <code>` or the invite's deep link, then a display name; `/name`
renames. A member who opens another invite is asked before anything changes."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.refusal import Refusal
from bot.domain.taps import Answer, TapKind
from bot.services.joining import (
    AlreadyThere,
    AskName,
    AskSwitch,
)
from bot.telegram.context import BotContext, Press, Who, actor_of, command, language_of, pressed
from bot.telegram.handlers.common import refusal_text, send_text, tell_refusal
from bot.telegram.views.view import View, answer, confirm_keyboard, edit_in_place, reply


@command
async def join_command(update: Update, context: BotContext, who: Who) -> None:
    if not context.args:
        lang = who.lang
        await send_text(update, context, context.services.texts.render(lang, "join_usage"))
        return
    await begin(update, context, context.args[0])


async def _key(update: Update, context: BotContext) -> str:
    return (await actor_of(update, context)).user_key


async def begin(update: Update, context: BotContext, code_text: str) -> None:
    """Check the code now (so a bad one is refused at once), then ask for a display name,
    or, from a member, whether to move."""
    services = context.services
    lang = await language_of(update, context)
    key = await _key(update, context)
    try:
        result = await services.reach.joining.begin(key, code_text, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)  # a refusal changes no one
        return
    context.changed_who()
    render = services.texts.render
    match result:
        case AskName(unit_name, role):
            await send_text(
                update, context, render(lang, "join_ask_name", unit_name=unit_name, role=role)
            )
        case AskSwitch(code, name, unit_name, role, new_unit_name, new_role):
            text = render(
                lang,
                "join_switch_ask",
                name=name,
                unit_name=unit_name,
                role=role,
                new_unit_name=new_unit_name,
                new_role=new_role,
            )
            keyboard = confirm_keyboard(
                context.services.texts,
                lang,
                TapKind.JOIN,
                code.lower(),
                "btn_switch_yes",
                "btn_switch_no",
            )
            await reply(update, View(text, keyboard))
        case AlreadyThere(name, unit_name, role):
            text = render(lang, "join_already", name=name, unit_name=unit_name, role=role)
            await send_text(update, context, text)


@pressed(TapKind.JOIN)
async def on_join_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap = press.query, press.lang, press.tap
    services = context.services
    render = services.texts.render
    await answer(query)
    if tap.op is Answer.NO:
        kept = View(render(lang, "join_switch_kept"), services.views.menu_only(lang))
        await edit_in_place(query, kept)
        return
    try:
        joined = await services.reach.joining.switch(press.actor.user_key, tap.ref, clock.now())
        text = render(
            lang, "join_done", name=joined.name, unit_name=joined.unit_name, role=joined.role
        )
    except Refusal as refusal:
        text = refusal_text(services.texts, lang, refusal)
    context.changed_who()
    await edit_in_place(query, View(text, services.views.menu_only(lang)))


async def on_name(update: Update, context: BotContext, code: str, text: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    key = await _key(update, context)
    try:
        result = await services.reach.joining.name(key, code, text, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)  # a refusal changes no one
        return
    context.changed_who()
    done = services.texts.render(
        lang, "join_done", name=result.name, unit_name=result.unit_name, role=result.role
    )
    await send_text(update, context, done)


@command
async def name_command(update: Update, context: BotContext, who: Who) -> None:
    """`/name New name` renames at once; `/name` alone asks for the new name."""
    services = context.services
    lang = who.lang
    key = await _key(update, context)
    if context.args:
        await _rename(update, context, lang, " ".join(context.args))
        return
    try:
        asked = await services.reach.joining.ask_new_name(key, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await send_text(update, context, services.texts.render(lang, "name_ask", current=asked.current))


async def on_rename(update: Update, context: BotContext, text: str) -> None:
    await _rename(update, context, await language_of(update, context), text)


async def _rename(update: Update, context: BotContext, lang: str, text: str) -> None:
    services = context.services
    render = services.texts.render
    try:
        renamed = await services.reach.joining.rename(
            await _key(update, context), text, clock.now()
        )
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await send_text(update, context, render(lang, "name_done", name=renamed.name))
