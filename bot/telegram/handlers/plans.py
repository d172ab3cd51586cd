"""Campaigns and targets in chat: `/campaign` lists or adds a campaign, `/target` sets a
target (chỉ tiêu). Who may do what is decided in `bot.services.campaigns`."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import clock
from bot.domain.campaigns import Campaign, CampaignError, check_code, day_date
from bot.domain.numbers import NumberError, is_number_like, whole_number
from bot.domain.periods import Period, PeriodError, parse_date, parse_period
from bot.domain.taps import NewActivityOp, ReportOp, StaffOp, Tap, TapKind
from bot.reports.requests import ButtonRef, split_keywords
from bot.services.access import Actor
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import actor_of, language_of, reply, send_text, tell_refusal
from bot.telegram.views.view import View


async def _staff(update: Update, context: BotContext) -> tuple[str, Actor] | None:
    """The person's language and who they are, if they are staff; else they are told."""
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    if not actor.staff:
        await send_text(update, context, context.services.texts.render(lang, "not_allowed"))
        return None
    return lang, actor


async def campaign_command(update: Update, context: BotContext) -> None:
    """`/campaign`: the campaigns; `/campaign MÃ 01/11/2026 31/12/2026 Tên đợt`: a new one."""
    asked = await _staff(update, context)
    if asked is None:
        return
    lang, actor = asked
    services = context.services
    render = services.texts.render
    args = context.args or []
    if not args:
        listed = await services.reach.campaigns.campaigns()
        text = render(lang, "campaign_list", campaigns=listed)
        await reply(update, View(text, _campaigns_markup(context, lang, actor, listed)))
        return
    try:
        # Each part in its turn, so that the answer names the first one that is wrong.
        check_code(args[0])
        if len(args) < 4:
            raise CampaignError("campaign_missing", ("", "first", "last", "name")[len(args)])
        first, last = _date(args[1]), _date(args[2])
        campaign = await services.reach.campaigns.add_campaign(
            actor.scope, actor.user_key, args[0], " ".join(args[3:]), first, last, now=clock.now()
        )
    except CampaignError as error:
        await tell_refusal(update, context, lang, error.reason, detail=error.detail)
        return
    await _campaign_done(update, context, lang, actor, campaign)


async def _campaign_done(
    update: Update, context: BotContext, lang: str, actor: Actor, campaign: Campaign
) -> None:
    """Made: what next, on buttons (its report, a new activity in it)."""
    label = context.services.texts.label
    text = context.services.texts.render(lang, "campaign_done", campaign=campaign)
    rows = [
        [_report_button(context, lang, actor, campaign)],
        [
            InlineKeyboardButton(
                label(lang, "btn_activity_new"),
                callback_data=Tap(TapKind.NEW_ACTIVITY, "0", NewActivityOp.BEGIN).encode(),
            )
        ],
        context.services.views.menu_only(lang).inline_keyboard[0],
    ]
    await reply(update, View(text, InlineKeyboardMarkup(rows)))


SHOWN_CAMPAIGNS = 8


def _campaigns_markup(
    context: BotContext, lang: str, actor: Actor, listed: list[Campaign]
) -> InlineKeyboardMarkup:
    """A report button for each campaign (the latest first), then «➕ Đợt mới», «🏠 Menu»."""
    label = context.services.texts.label
    rows = [[_report_button(context, lang, actor, c)] for c in listed[:SHOWN_CAMPAIGNS]]
    new = Tap(TapKind.STAFF, "0", StaffOp.NEW_CAMPAIGN).encode()
    rows.append([InlineKeyboardButton(label(lang, "btn_campaign_new"), callback_data=new)])
    rows.append(context.services.views.menu_only(lang).inline_keyboard[0])
    return InlineKeyboardMarkup(rows)


def _report_button(
    context: BotContext, lang: str, actor: Actor, campaign: Campaign
) -> InlineKeyboardButton:
    """The campaign's report over its own days, in this person's scope: what `/report đợt
    MÃ` shows."""
    root = actor.report_root
    ref = ButtonRef(root.id if root else 0, 0, campaign.id).encode()
    days = Period("custom", day_date(campaign.first_day), day_date(campaign.last_day)).code()
    label = context.services.texts.label(lang, "btn_campaign_report", campaign.code)
    return InlineKeyboardButton(
        label, callback_data=Tap(TapKind.REPORT, ref, ReportOp.VIEW, days).encode()
    )


async def ask_new_campaign(update: Update, context: BotContext) -> None:
    """«➕ Đợt mới»: the name and dates are typed next, no command needed."""
    asked = await _staff(update, context)
    if asked is None:
        return
    lang, actor = asked
    await context.services.reach.campaigns.ask_new_campaign(actor, clock.now())
    await send_text(update, context, context.services.texts.render(lang, "campaign_new_ask"))


async def on_campaign_text(update: Update, context: BotContext, kept: str, text: str) -> None:
    """The typed answer to «➕ Đợt mới» (see `Campaigns.campaign_from_chat`)."""
    asked = await _staff(update, context)
    if asked is None:
        return
    lang, actor = asked
    render = context.services.texts.render
    try:
        made = await context.services.reach.campaigns.campaign_from_chat(
            actor, kept, text, clock.now()
        )
    except CampaignError as error:  # the question stays open: type it again
        await tell_refusal(update, context, lang, error.reason, detail=error.detail)
        return
    if made is None:
        await send_text(update, context, render(lang, "campaign_dates_ask", name=text[:120]))
        return
    await _campaign_done(update, context, lang, actor, made)


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except PeriodError:
        raise CampaignError("bad_date", text) from None


async def target_command(update: Update, context: BotContext) -> None:
    """`/target MÃ-ĐƠN-VỊ chỉ-số số [đợt MÃ] [dd/mm/yyyy-dd/mm/yyyy]`, e.g.
    `/target 00004 người 500 đợt BDHVS-2` or `/target 00004 người 500 01/01/2026-30/06/2026`.
    Without dates a target covers its campaign's days, or else this calendar year."""
    asked = await _staff(update, context)
    if asked is None:
        return
    lang, actor = asked
    services = context.services
    render = services.texts.render
    words, _, campaign_code = split_keywords(context.args or [])
    args, days = _days_at_end(words)
    if len(args) < 3 or not is_number_like(args[-1].lstrip("-")):
        await send_text(update, context, render(lang, "target_usage"))
        return
    try:
        value = whole_number(args[-1].lstrip("-")) * (-1 if args[-1].startswith("-") else 1)
    except NumberError as error:  # «1,5»: the Vietnamese decimal mark, not thousands
        await send_text(update, context, render(lang, "number_comma", text=error.text))
        return
    try:
        first, last = (None, None)
        if days:
            period = parse_period(days, clock.vn_date(clock.now()))
            if period.kind != "custom":
                raise PeriodError(days)
            first, last = period.first, period.last
        unit, target = await services.reach.campaigns.set_target(
            actor.scope, args[0], campaign_code, " ".join(args[1:-1]), value, first, last
        )
    except PeriodError:
        await send_text(update, context, render(lang, "target_usage"))
        return
    except CampaignError as error:
        name = "target_usage" if error.reason == "bad_metric" else "campaign_error"
        await tell_refusal(update, context, lang, error.reason, name, detail=error.detail)
        return
    text = render(
        lang,
        "target_done",
        unit_name=unit.name,
        metric=target.metric,
        value=target.value,
        campaign=campaign_code.upper(),
        first_day=target.first_day,
        last_day=target.last_day,
    )
    await send_text(update, context, text)


def _days_at_end(words: list[str]) -> tuple[list[str], str]:
    """The words before a trailing date range, and the range as one text: `01/01/2026-
    30/06/2026`, `01/01/2026 - 30/06/2026` and `01/01/2026 30/06/2026` are the same."""
    cut = len(words)
    while cut and ("/" in words[cut - 1] or words[cut - 1] in ("-", "–")):
        cut -= 1
    dates = [w.replace("–", "-") for w in words[cut:] if w not in ("-", "–")]
    return words[:cut], "-".join(dates)


async def team_command(update: Update, context: BotContext) -> None:
    """`/team`: the teams of one's unit; `/team Tên đội hình`: a new one, to invite into."""
    asked = await _staff(update, context)
    if asked is None:
        return
    lang, actor = asked
    services = context.services
    render = services.texts.render
    campaigns = services.reach.campaigns
    args = context.args or []
    try:
        # `/team 01 Đội hình …` names the unit first: an admin has no unit of their own.
        named = campaigns.named_unit(args[0]) if len(args) > 1 else None
        if named is not None:
            unit, args = await campaigns.new_activity_unit(actor, named.code), args[1:]
        else:
            unit = await campaigns.new_activity_unit(actor)
        if args:
            team = await campaigns.add_team(actor.scope, unit.code, " ".join(args))
            await send_text(update, context, render(lang, "team_done", team=team))
            return
        teams = campaigns.teams(actor.scope, unit)
    except CampaignError as error:
        reason = "team_name_a_unit" if error.reason == "name_a_unit" else error.reason
        await tell_refusal(update, context, lang, reason, detail=error.detail)
        return
    await send_text(update, context, render(lang, "team_list", unit_name=unit.name, teams=teams))
