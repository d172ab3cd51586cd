"""/report, /export, /chart and /qr: coordinators and admins, within their scope."""

from __future__ import annotations

from pathlib import Path

from telegram import Update

from bot.reach.domain import clock, deep_links
from bot.reach.domain.model import Unit
from bot.reach.domain.periods import Period, PeriodError, parse_period
from bot.reports import service as reporting
from bot.storage.reports import ReportRepository
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    answer,
    edit_in_place,
    language_of,
    reply,
    send_text,
    tap_of,
)
from bot.telegram.handlers.roles import Actor, actor_of, home_contains

UPLOAD_TIMEOUT = 300  # seconds


def _root(actor: Actor) -> Unit | None:
    """The top of what this person may see (None: the whole tree, for admins)."""
    return None if actor.scope.admin else actor.scope.unit


async def _request(
    update: Update, context: BotContext
) -> tuple[str, Actor, Period, Unit | None] | None:
    """What `/report [period] [unit-code]` (and /export, /chart) asks for, or None once the
    person has been told why not. A unit code (last) reaches any unit in one's scope, not
    only the biggest ones that get drill-down buttons."""
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    if not actor.scope.any:
        await send_text(update, services.texts.render(lang, "not_allowed"))
        return None
    args = list(context.args or [])
    today = clock.vn_date(clock.now())
    try:
        return lang, actor, parse_period(" ".join(args), today), _root(actor)
    except PeriodError:
        pass
    unit = await services.units.by_code(args[-1]) if args else None
    if unit is not None:
        if not actor.scope.covers(unit):
            await send_text(update, services.texts.render(lang, "not_allowed"))
            return None
        try:
            return lang, actor, parse_period(" ".join(args[:-1]), today), unit
        except PeriodError:
            pass
    await send_text(update, services.texts.render(lang, "period_usage"))
    return None


async def report_command(update: Update, context: BotContext) -> None:
    request = await _request(update, context)
    if request is None:
        return
    lang, actor, period, scope = request
    services = context.services
    report = await ReportRepository(services.db).report(scope, period)
    await reply(update, services.report_views.view(lang, report, _root(actor)))


async def export_command(update: Update, context: BotContext) -> None:
    request = await _request(update, context)
    if request is not None:
        lang, actor, period, scope = request
        await _send_export(update, context, lang, actor, scope, period)


async def chart_command(update: Update, context: BotContext) -> None:
    request = await _request(update, context)
    if request is not None:
        lang, _, period, scope = request
        await _send_charts(update, context, lang, scope, period)


async def on_report_tap(update: Update, context: BotContext) -> None:
    """Drill down, change period, or ask for the workbook or charts of what is on screen."""
    pressed = await tap_of(update, context, ops="vxc", numeric_ref=True)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    label = services.texts.label
    try:
        period = parse_period(tap.arg, clock.vn_date(clock.now()))
    except PeriodError:
        await answer(query, label(lang, "toast_stale_form"))
        return
    actor = await actor_of(update, context)
    unit = await services.units.get(int(tap.ref)) if tap.ref != "0" else None
    allowed = actor.scope.admin if unit is None else actor.scope.covers(unit)
    if not allowed or (tap.ref != "0" and unit is None):
        await answer(query, label(lang, "toast_not_allowed"), alert=True)
        return
    if tap.op == "v":
        await answer(query)
        report = await ReportRepository(services.db).report(unit, period)
        await edit_in_place(query, services.report_views.view(lang, report, _root(actor)))
        return
    await answer(query, label(lang, "toast_working"))
    if tap.op == "x":
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
    with reporting.temp_dir() as folder:
        _, result = await reporting.export(
            services.db,
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
    await send_text(update, text)


async def _send_charts(
    update: Update, context: BotContext, lang: str, scope: Unit | None, period: Period
) -> None:
    services = context.services
    chat = update.effective_chat
    assert chat is not None
    pngs = await reporting.chart_pngs(services.db, services.texts, lang, scope, period)
    for _, png in pngs:
        await context.bot.send_photo(chat.id, png)


async def qr_command(update: Update, context: BotContext) -> None:
    """`/qr <guide-id> [unit-code]`: a printable poster, as a picture and as an A4 PDF."""
    services = context.services
    lang = await language_of(update, context)
    args = context.args or []
    if not 1 <= len(args) <= 2:
        await send_text(update, services.texts.render(lang, "qr_usage"))
        return
    guide = services.library.get(args[0].lower())
    if guide is None:
        await send_text(update, services.texts.render(lang, "qr_usage"))
        return
    unit = None
    if len(args) == 2:
        unit = await services.units.by_code(args[1])
        if unit is None:
            await send_text(update, services.texts.render(lang, "unit_unknown", code=args[1][:20]))
            return
        actor = await actor_of(update, context)
        if not actor.scope.covers(unit) and not (
            actor.volunteer is not None and await home_contains(context, actor.volunteer, unit)
        ):
            await send_text(update, services.texts.render(lang, "not_allowed"))
            return
    # Imported here: matplotlib costs a second and ~30 MB, needed only for posters and charts.
    from bot.reports.posters import poster_pdf, poster_png, poster_text

    payload = deep_links.guide_payload(guide.id, unit.code if unit else "")
    link = deep_links.link(services.bot_username, payload)
    text = poster_text(
        services.texts, lang, guide.localized_title(lang), link, unit.name if unit else ""
    )
    chat = update.effective_chat
    assert chat is not None
    png, pdf = poster_png(text), poster_pdf(text)
    caption = services.texts.render(lang, "qr_caption", link=link)
    await context.bot.send_photo(chat.id, png, caption=caption)
    await context.bot.send_document(chat.id, pdf, filename=f"poster-{payload}.pdf")
