"""/report, /export, /chart and /qr: coordinators and admins, within their scope."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Update

from bot import clock
from bot.domain import deep_links
from bot.domain.model import Unit
from bot.domain.periods import Period
from bot.domain.refusal import Refusal
from bot.domain.taps import ReportOp, TapKind
from bot.reports import requests
from bot.reports import service as reporting
from bot.reports.requests import ReportRequest
from bot.reports.text import summary_text
from bot.services.access import Actor, example_unit
from bot.storage.reports import Report
from bot.telegram.context import BotContext, Press, Who, actor_of, command, language_of, pressed
from bot.telegram.handlers.common import answer_refusal, preparing, send_text, tell_refusal
from bot.telegram.views.view import View, answer, edit_in_place, reply

UPLOAD_TIMEOUT = 300  # seconds


async def _request(update: Update, context: BotContext) -> tuple[str, Actor, ReportRequest] | None:
    """What `/report [period] [unit-code]` (and /export, /chart) asks for, or None once the
    person has been told why not."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    today = clock.vn_date(clock.now())
    args, group_code, campaign_code = requests.split_keywords(context.args or [])
    reach = services.reach
    try:
        request = requests.from_command(actor, args, today, reach.directory)
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return None
    if group_code or campaign_code:
        try:
            group, units = await reach.clusters.cluster(group_code) if group_code else (None, [])
            campaign = await reach.campaigns.campaign(campaign_code) if campaign_code else None
            request = requests.with_group_and_campaign(
                actor, request, group, units, campaign, period_given=bool(args)
            )
        except Refusal as refusal:
            await tell_refusal(update, context, lang, refusal, quote=False)
            return None
    return lang, actor, request


@command
async def report_command(update: Update, context: BotContext, who: Who) -> None:
    asked = await _request(update, context)
    if asked is None:
        return
    lang, actor, request = asked
    services = context.services
    report = await _report(context, request, actor)
    view = await _view(context, lang, actor, report)
    if request.reading is not None:  # words that could be read two ways: say which
        note = services.texts.render(lang, "report_reading", reading=request.reading)
        view = View(f"{note}\n\n{view.text}", view.markup)
    await reply(update, view)
    # The paragraph for a union report comes on its own, so that it copies in one go.
    await send_text(update, context, summary_text(services.texts, lang, report))


async def _report(context: BotContext, request: ReportRequest, actor: Actor) -> Report:
    services = context.services
    report = await reporting.report(
        services.reach.db,
        request.scope,
        request.period,
        request.group,
        list(request.group_units) or None,
        request.campaign,
    )
    if requests.shows_reader_drops(actor, request):
        report = await reporting.with_reader_drops(
            report, services.reach.guide_stats, services.library, request.period
        )
    return report


async def _view(context: BotContext, lang: str, actor: Actor, report: Report) -> View:
    """The report with its buttons; the whole tree's also offers the clusters to admins."""
    services = context.services
    offered = requests.offers_clusters(actor, report.scope, report.group_id)
    groups = await services.reach.clusters.clusters() if offered else []
    return services.report_views.view(lang, report, actor.report_root, groups)


@command
async def export_command(update: Update, context: BotContext, who: Who) -> None:
    asked = await _request(update, context)
    if asked is not None:
        lang, actor, request = asked
        await _send_export(update, context, lang, actor, request.scope, request.period)


@command
async def chart_command(update: Update, context: BotContext, who: Who) -> None:
    asked = await _request(update, context)
    if asked is not None:
        lang, _, request = asked
        await _send_charts(update, context, lang, request.scope, request.period)


@pressed(TapKind.REPORT)
async def on_report_tap(update: Update, context: BotContext, press: Press) -> None:
    """Drill down, change period, or ask for the workbook or charts of what is on screen."""
    query, lang, tap, actor = press.query, press.lang, press.tap, press.actor
    services = context.services
    label = services.texts.label
    ref = requests.parse_button_ref(tap.ref)
    if ref is None:
        await answer(query, label(lang, "toast_report_stale"))
        return
    today = clock.vn_date(clock.now())
    group, campaign = await services.reach.clusters.named_by_ids(ref.group_id, ref.campaign_id)
    try:
        request = requests.from_button(
            actor, ref, tap.arg, today, services.reach.directory, group, campaign
        )
    except Refusal as refusal:
        await answer_refusal(query, context, lang, refusal)
        return
    unit, period = request.scope, request.period
    if tap.op in (ReportOp.VIEW, ReportOp.SUMMARY):
        await answer(query)
        report = await _report(context, request, actor)
        if tap.op is ReportOp.SUMMARY:  # «📝 Tóm tắt»: the paragraph of what is on screen
            await send_text(update, context, summary_text(services.texts, lang, report))
            return
        await edit_in_place(query, await _view(context, lang, actor, report))
        return
    await answer(query, label(lang, "toast_working"))
    if tap.op is ReportOp.EXPORT:
        await _send_export(update, context, lang, actor, unit, period)
    else:
        await _send_charts(update, context, lang, unit, period)


async def _send_export(
    update: Update,
    context: BotContext,
    lang: str,
    actor: Actor,
    scope: Unit | None,
    period: Period,
) -> None:
    services = context.services
    chat = update.effective_chat
    assert chat is not None
    async with preparing(update, context, lang):
        with reporting.temp_dir() as folder:
            _, result = await reporting.export(
                services.reach.db,
                services.settings.db_path,
                services.texts,
                lang,
                scope,
                period,
                Path(folder),
                ("xlsx", "csv"),
                who=actor.user_key,
            )
            for path in result.files:
                with path.open("rb") as handle:
                    # Tens of megabytes take longer than the default 5-second write timeout.
                    await context.bot.send_document(
                        chat.id, handle, filename=path.name, write_timeout=UPLOAD_TIMEOUT
                    )
    text = services.texts.render(
        lang,
        "export_sent",
        records=result.records,
        compressed=result.compressed,
        split=result.split,
        files=len(result.files),
        too_big=len(result.too_big),
    )
    await send_text(update, context, text)


async def _send_charts(
    update: Update, context: BotContext, lang: str, scope: Unit | None, period: Period
) -> None:
    services = context.services
    chat = update.effective_chat
    assert chat is not None
    async with preparing(update, context, lang):
        charts = await reporting.charts(services.reach.db, services.texts, lang, scope, period)
        for chart in charts:  # each says what it shows: its scope and period
            await context.bot.send_photo(chat.id, chart.png, caption=chart.caption)


@command
async def qr_command(update: Update, context: BotContext, who: Who) -> None:
    """`/qr <guide-id> [unit-code]`: a printable poster, as a picture and as an A4 PDF."""
    services = context.services
    lang = who.lang
    args = context.args or []
    guide = services.library.get(args[0].lower()) if 1 <= len(args) <= 2 else None
    if guide is None:
        unknown = args[0][:40] if 1 <= len(args) <= 2 else ""  # say which part is wrong
        await _qr_usage(update, context, lang, unknown)
        return
    unit = None
    if len(args) == 2:
        actor = who.actor
        unit = services.reach.directory.unit_by_code(args[1])
        if unit is None:
            await send_text(
                update, context, services.texts.render(lang, "unit_unknown", code=args[1][:20])
            )
            return
        if not services.reach.access.may_print_poster(actor, unit):
            await send_text(update, context, services.texts.render(lang, "not_allowed"))
            return
    payload = deep_links.guide_payload(guide.id, unit.code if unit else "")
    link = deep_links.link(services.bot_username, payload)
    chat = update.effective_chat
    assert chat is not None
    async with preparing(update, context, lang):
        # Imported here: matplotlib costs a second and ~30 MB, needed only for posters and
        # charts; drawing runs on a worker thread so that other people are not kept waiting.
        from bot.reports.posters import poster_pdf, poster_png, poster_text

        title = guide.localized_title(lang)
        text = poster_text(services.texts, lang, title, link, unit.name if unit else "")
        png, pdf = await asyncio.gather(
            asyncio.to_thread(poster_png, text), asyncio.to_thread(poster_pdf, text)
        )
        caption = services.texts.render(lang, "qr_caption", link=link)
        await context.bot.send_photo(chat.id, png, caption=caption)
        await context.bot.send_document(chat.id, pdf, filename=f"poster-{payload}.pdf")


async def _qr_usage(update: Update, context: BotContext, lang: str, unknown: str = "") -> None:
    """How to ask for a poster, with an example that works for this person."""
    services = context.services
    actor = await actor_of(update, context)
    example = services.library.ordered[0].id if len(services.library) else ""
    unit = example_unit(actor, services.reach.directory)
    text = services.texts.render(
        lang, "qr_usage", example_guide=example, example_unit=unit, unknown=unknown
    )
    await send_text(update, context, text)
