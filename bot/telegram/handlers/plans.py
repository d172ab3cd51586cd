"""Campaigns, targets and teams in chat: `/campaign` lists or adds a campaign, `/target` sets
a target (chỉ tiêu), `/team` lists or adds a team. Who may do what, and how the words are
read, is decided in `bot.services` (campaigns, targets, clusters)."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.campaigns import Campaign
from bot.domain.refusal import Refusal
from bot.reports.requests import split_keywords
from bot.services.access import Actor
from bot.telegram.context import BotContext, Who, actor_of, command, language_of
from bot.telegram.handlers.common import send_text, tell_refusal
from bot.telegram.views.view import reply


async def _refused(update: Update, context: BotContext, lang: str, refusal: Refusal) -> None:
    await tell_refusal(update, context, lang, refusal)


@command
async def campaign_command(update: Update, context: BotContext, who: Who) -> None:
    """`/campaign`: the campaigns; `/campaign MÃ 01/11/2026 31/12/2026 Tên đợt`: a new one."""
    lang = who.lang
    actor = who.actor
    campaigns = context.services.reach.campaigns
    args = context.args or []
    try:
        if not args:
            listed = await campaigns.listing(actor)
        else:
            campaign = await campaigns.add_from_command(actor, args, clock.now())
    except Refusal as refusal:
        await _refused(update, context, lang, refusal)
        return
    if args:
        await _campaign_done(update, context, lang, actor, campaign)
        return
    views = context.services.activity_views
    await reply(update, views.campaign_list(lang, listed, actor.report_root))


async def _campaign_done(
    update: Update, context: BotContext, lang: str, actor: Actor, campaign: Campaign
) -> None:
    """Made: what next, on buttons (its report, a new activity in it)."""
    view = context.services.activity_views.campaign_done(lang, campaign, actor.report_root)
    await reply(update, view)


async def ask_new_campaign(update: Update, context: BotContext) -> None:
    """«➕ Đợt mới»: the name and dates are typed next, no command needed."""
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    try:
        await context.services.reach.campaigns.ask_new_campaign(actor, clock.now())
    except Refusal as refusal:
        await _refused(update, context, lang, refusal)
        return
    await send_text(update, context, context.services.texts.render(lang, "campaign_new_ask"))


async def on_campaign_text(update: Update, context: BotContext, kept: str, text: str) -> None:
    """The typed answer to «➕ Đợt mới» (see `Campaigns.campaign_from_chat`)."""
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    render = context.services.texts.render
    try:
        made = await context.services.reach.campaigns.campaign_from_chat(
            actor, kept, text, clock.now()
        )
    except Refusal as refusal:  # the question stays open: type it again
        await _refused(update, context, lang, refusal)
        return
    if made is None:
        await send_text(update, context, render(lang, "campaign_dates_ask", name=text[:120]))
        return
    await _campaign_done(update, context, lang, actor, made)


@command
async def target_command(update: Update, context: BotContext, who: Who) -> None:
    """`/target MÃ-ĐƠN-VỊ chỉ-số số [đợt MÃ] [dd/mm/yyyy-dd/mm/yyyy]`, e.g.
    `/target 00004 người 500 đợt BDHVS-2` or `/target 00004 người 500 01/01/2026-30/06/2026`.
    Without dates a target covers its campaign's days, or else this calendar year."""
    lang = who.lang
    actor = who.actor
    words, _, campaign_code = split_keywords(context.args or [])
    try:
        unit, target = await context.services.reach.targets.set_from_chat(
            actor, words, campaign_code, clock.now()
        )
    except Refusal as refusal:
        await _refused(update, context, lang, refusal)
        return
    text = context.services.texts.render(
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


@command
async def team_command(update: Update, context: BotContext, who: Who) -> None:
    """`/team`: the teams of one's unit; `/team Tên đội hình`: a new one, to invite into;
    `/team 01 Tên đội hình`: a new one under unit 01 (an admin has no unit of their own)."""
    lang = who.lang
    actor = who.actor
    render = context.services.texts.render
    clusters = context.services.reach.clusters
    try:
        unit, name = await clusters.team_request(actor, context.args or [])
        if name:
            team = await clusters.add_team(actor.scope, unit.code, name)
            await send_text(update, context, render(lang, "team_done", team=team))
            return
        teams = clusters.teams(actor.scope, unit)
    except Refusal as refusal:
        await _refused(update, context, lang, refusal)
        return
    await send_text(update, context, render(lang, "team_list", unit_name=unit.name, teams=teams))
