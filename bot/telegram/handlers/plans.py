"""Campaigns and targets in chat: `/campaign` lists or adds a campaign, `/target` sets a
target (chỉ tiêu). Who may do what is decided in `bot.reach.services.campaigns`."""

from __future__ import annotations

from telegram import Update

from bot.reach.domain import clock
from bot.reach.domain.campaigns import CampaignError
from bot.reach.domain.periods import PeriodError, parse_date, parse_period
from bot.reach.services.access import Actor
from bot.reports.requests import split_keywords
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import actor_of, language_of, send_text, tell_refusal


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
    if len(args) < 4:
        listed = await services.reach.campaigns.campaigns()
        await send_text(update, context, render(lang, "campaign_list", campaigns=listed))
        return
    try:
        first, last = parse_date(args[1]), parse_date(args[2])
        campaign = await services.reach.campaigns.add_campaign(
            actor.scope, actor.user_key, args[0], " ".join(args[3:]), first, last, now=clock.now()
        )
    except PeriodError:
        await send_text(update, context, render(lang, "campaign_list", campaigns=None))
        return
    except CampaignError as error:
        await tell_refusal(update, context, lang, error.reason)
        return
    await send_text(update, context, render(lang, "campaign_done", campaign=campaign))


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
    if len(args) < 3 or not args[-1].lstrip("-").isdigit() or len(args[-1]) > 10:
        await send_text(update, context, render(lang, "target_usage"))
        return
    try:
        first, last = (None, None)
        if days:
            period = parse_period(days, clock.vn_date(clock.now()))
            if period.kind != "custom":
                raise PeriodError(days)
            first, last = period.first, period.last
        unit, target = await services.reach.campaigns.set_target(
            actor.scope, args[0], campaign_code, " ".join(args[1:-1]), int(args[-1]), first, last
        )
    except PeriodError:
        await send_text(update, context, render(lang, "target_usage"))
        return
    except CampaignError as error:
        name = "target_usage" if error.reason == "bad_metric" else "campaign_error"
        await tell_refusal(update, context, lang, error.reason, name)
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
    try:
        unit = await campaigns.new_activity_unit(actor)
        if context.args:
            team = await campaigns.add_team(actor.scope, unit.code, " ".join(context.args))
            await send_text(update, context, render(lang, "team_done", team=team))
            return
        teams = campaigns.teams(actor.scope, unit)
    except CampaignError as error:
        await tell_refusal(update, context, lang, error.reason)
        return
    await send_text(update, context, render(lang, "team_list", unit_name=unit.name, teams=teams))
