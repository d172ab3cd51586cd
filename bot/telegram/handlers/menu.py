"""/start (with deep links), /help and /language."""

from __future__ import annotations

from telegram import Update

from bot.domain import deep_links
from bot.domain.taps import StaffOp, TapKind
from bot.guides.navigation import Notice, Screen, ScreenKind, open_guide
from bot.telegram.context import BotContext, Press, Who, command, language_of, pressed
from bot.telegram.handlers import (
    activities,
    confirm,
    digest,
    joining,
    members,
    navigation,
    plans,
    reports,
    review,
)
from bot.telegram.handlers.common import send_text
from bot.telegram.views.view import View, answer, reply


@command
async def start(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    link = deep_links.parse(context.args[0] if context.args else "")
    if isinstance(link, deep_links.JoinLink):
        await joining.begin(update, context, link.code)
        return
    if isinstance(link, deep_links.CheckInLink):
        await activities.check_in(update, context, link.token)
        return
    if isinstance(link, deep_links.AttendLink):
        await activities.attend_link(update, context, link.token)
        return
    if isinstance(link, deep_links.ConfirmLink):
        await confirm.confirm_link(update, context, link.token)
        return
    if isinstance(link, deep_links.GuideLink):
        # An unknown unit still opens the guide: the resident came for help, not for the count.
        unit_id = await services.reach.self_serve.unit_id(link.unit_code)
        screen = open_guide(services.library, link.guide_id, unit_id)
    else:
        screen = Screen(
            ScreenKind.MENU, notice=Notice.UNKNOWN_LINK if link.unknown else Notice.NONE
        )
    view = services.views.render(lang, screen, who.actor.standing)
    if update.effective_user is not None:  # a guide's intro from a link starts the trail
        navigation.came_from(context, who.actor.user_key, screen)
    if screen.kind is ScreenKind.MENU:
        welcome = services.texts.render(lang, "welcome")
        view = View(f"{welcome}\n\n{view.text}", view.markup)
    await reply(update, view)


@command
async def help_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    standing = who.actor.standing
    await reply(update, context.services.views.render(lang, Screen(ScreenKind.HELP), standing))


@command
async def language_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    await reply(update, context.services.views.render(lang, Screen(ScreenKind.LANGUAGE)))


async def group_note(update: Update, context: BotContext) -> None:
    """In groups the bot only points people to a private chat; it never guides in public."""
    lang = await language_of(update, context)
    text = context.services.texts.render(
        lang, "group_note", bot_username=context.services.bot_username
    )
    await reply(update, View(text, None))


@pressed(TapKind.STAFF, staff=True)
async def on_staff_tap(update: Update, context: BotContext, press: Press) -> None:
    """A button of the staff menu: the same screen as its command, so that a coordinator
    never has to remember one. The command checks, as always, who may use it."""
    await answer(press.query)
    services = context.services
    match press.tap.op:
        case StaffOp.REPORT:
            await reports.report_command(update, context)
        case StaffOp.ACTIVITIES:
            await activities.activity_command(update, context)
        case StaffOp.CAMPAIGNS:
            await plans.campaign_command(update, context)
        case StaffOp.NEW_CAMPAIGN:  # «➕ Đợt mới» under the campaigns
            await plans.ask_new_campaign(update, context)
        case StaffOp.TARGETS:
            await plans.target_command(update, context)
        case StaffOp.REVIEW:
            await review.review_command(update, context)
        case StaffOp.MEMBERS:
            await members.members_command(update, context)
        case StaffOp.INVITE:  # an invite to one's own unit at once; an admin is shown how
            unit = press.actor.scope.unit
            context.args = [unit.code] if unit is not None else []
            await members.invite_command(update, context)
        case StaffOp.UNITS:
            await send_text(update, context, services.texts.render(press.lang, "units_usage"))
        case StaffOp.SUBSCRIBE:
            await digest.subscribe_command(update, context)
