"""Desktop twins of /report, /export, /chart and /qr, plus demo data; no bot token needed.

They work on DB_PATH. With no --from/--to the period is all time; with no --unit, the whole
tree. Dates are dd/mm/yyyy or yyyy-mm-dd.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot import clock
from bot.cli.progress import on_terminal, progress, steps
from bot.config import Settings, site_url_problem
from bot.domain import deep_links
from bot.domain.campaigns import Campaign, Group, day_date
from bot.domain.cells import ExcelCsvWriter, SafeCsvWriter, open_excel_csv
from bot.domain.model import Unit
from bot.domain.periods import ALL_TIME_START, Period, PeriodError, custom, parse_date
from bot.guides.loader import load_guides
from bot.reports import exports
from bot.reports import service as reporting
from bot.reports.csv_report import report_rows
from bot.reports.json_report import report_json
from bot.reports.service import CHART_KINDS
from bot.reports.text import report_text, summary_text
from bot.services.guide_stats import GuideStats
from bot.services.keys import key_file_of, open_key
from bot.site.build import guide_url
from bot.storage.campaigns import CampaignRepository
from bot.storage.clusters import ClusterRepository
from bot.storage.db import Database, open_database
from bot.storage.guide_stats import GuideStatsRepository
from bot.storage.reports import Report, ReportRepository
from bot.storage.units import UnitRepository
from bot.texts.telegram_html import parse_html
from bot.texts.templates import Texts
from bot.web import unit_tag


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line, exit 1."""


def out_file(out: str | Path, example: str) -> Path:
    """`--out` as a file; a folder is refused (by name, with an example) before any work."""
    path = Path(out)
    if path.is_dir():
        raise CliError(f"{path} is a folder: --out names a file, e.g. --out {path / example}")
    return path


@contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` (same extension), renamed to `path` only once it is
    complete: an error or Ctrl-C midway leaves neither a half-written file nor the
    temporary one. Made with the permissions a plain write would give."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temp
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def period_of(args: argparse.Namespace) -> Period:
    today = clock.vn_date(clock.now())
    try:
        first = parse_date(args.date_from) if args.date_from else ALL_TIME_START
        last = parse_date(args.date_to) if args.date_to else today
        period = custom(first, last)
    except PeriodError as exc:
        raise CliError(str(exc)) from None
    if not args.date_from and not args.date_to:
        return Period("all", period.first, period.last)
    return period


async def _scope(db: Database, code: str | None) -> Unit | None:
    if not code:
        return None
    unit = await UnitRepository(db).by_code(code)
    if unit is None:
        raise CliError(f"no unit has the code {code}")
    return unit


async def report(settings: Settings, args: argparse.Namespace) -> int:
    texts = Texts(settings.templates_dir)
    lang = settings.default_language
    db = await open_database(settings.db_path, create=False)
    try:
        scope = await _scope(db, args.unit)
        group, units, campaign = await _group_and_campaign(db, args)
        if group is not None and scope is not None:
            raise CliError("give --unit or --group, not both")
        period = period_of(args)
        if campaign is not None and not args.date_from and not args.date_to:
            period = custom(day_date(campaign.first_day), day_date(campaign.last_day))
        result = await reporting.report(db, scope, period, group, units, campaign)
        if args.format == "json":
            _emit(args.out, report_json(result, texts, lang), "bao-cao.json")
        elif args.format == "text":
            text = report_text(texts, lang, result) + "\n\n" + summary_text(texts, lang, result)
            _emit(args.out, parse_html(text) + "\n")
        elif args.format == "csv":
            lines = await ReportRepository(db).unit_lines(scope, period)
            _summary_csv(args.out, texts, lang, result, lines)
        else:
            if not args.out:
                raise CliError("--format xlsx needs --out FILE.xlsx")
            out = out_file(args.out, "bao-cao.xlsx")
            lines = await ReportRepository(db).unit_lines(scope, period)
            activities = await reporting.activity_lines(db, scope, period, units, campaign)
            with atomic(out) as temp:
                exports.write_xlsx(
                    temp,
                    exports.RecordFormatter(texts, lang),
                    result,
                    lines,
                    iter(()),
                    activities,
                )
            print(f"Wrote {out}", file=sys.stderr)
    finally:
        await db.close()
    return 0


async def _group_and_campaign(
    db: Database, args: argparse.Namespace
) -> tuple[Group | None, list[Unit] | None, Campaign | None]:
    group = units = campaign = None
    if getattr(args, "group", None):
        group = await ClusterRepository(db).group(args.group.strip().upper())
        if group is None:
            raise CliError(f"no group has the code {args.group}")
        all_units = {u.id: u for u in await UnitRepository(db).all()}
        units = [all_units[i] for i in group.unit_ids if i in all_units]
    if getattr(args, "campaign", None):
        campaign = await CampaignRepository(db).campaign(args.campaign.strip().upper())
        if campaign is None:
            raise CliError(f"no campaign has the code {args.campaign}")
    return group, units, campaign


def _summary_csv(
    out: str | None,
    texts: Texts,
    lang: str,
    result: Report,
    lines: list[tuple[str, int, str, str, int, int]],
) -> None:
    """Every figure of the JSON report, one per row (bot/reports/csv_report.py). A file
    (--out) is for people: Excel opens it in columns under Vietnamese and English settings,
    codes keep their zeros (bot/domain/cells.py). The standard output is for other
    programs: plain UTF-8 CSV, dates as yyyy-mm-dd; formula-looking text is quoted in both."""
    header, rows = report_rows(texts, lang, result, lines)
    if out:
        path = out_file(out, "bao-cao.csv")
        with atomic(path) as temp, open_excel_csv(temp) as handle:
            excel = ExcelCsvWriter(handle)
            excel.writerow(header)
            for row in rows:
                excel.writerow(row)
        print(f"Wrote {path}", file=sys.stderr)
        return
    plain = SafeCsvWriter(sys.stdout)
    plain.writerow(header)
    for row in rows:
        plain.writerow(
            [value.isoformat() if isinstance(value, dt.date) else value for value in row]
        )


def _emit(out: str | None, text: str, example: str = "bao-cao.txt") -> None:
    if out:
        path = out_file(out, example)
        with atomic(path) as temp:
            temp.write_text(text, encoding="utf-8")
        print(f"Wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text.removeprefix("\ufeff"))


async def export(settings: Settings, args: argparse.Namespace) -> int:
    if not args.out:
        raise CliError(f"--out FILE.{args.format} is needed")
    out = out_file(args.out, f"ban-ghi.{args.format}")
    texts = Texts(settings.templates_dir)
    db = await open_database(settings.db_path, create=False)
    try:
        scope = await _scope(db, args.unit)
        with (
            reporting.temp_dir() as folder,
            progress(None, "records") as advance,
            atomic(out) as temp,
        ):
            _, result = await reporting.export(
                db,
                settings.db_path,
                texts,
                settings.default_language,
                scope,
                period_of(args),
                Path(folder),
                (args.format,),
                who="cli",
                fit=False,
                progress=advance if on_terminal() else None,  # no cost in a pipe or cron
            )
            shutil.move(str(result.files[0]), temp)
    finally:
        await db.close()
    print(f"Wrote {out}: {result.records} records", file=sys.stderr)
    return 0


async def chart(settings: Settings, args: argparse.Namespace) -> int:
    if not args.out:
        raise CliError("--out FILE.png is needed")
    out = out_file(args.out, "bieu-do.png")
    texts = Texts(settings.templates_dir)
    db = await open_database(settings.db_path, create=False)
    try:
        scope = await _scope(db, args.unit)
        kinds = CHART_KINDS if args.kind == "all" else (args.kind,)
        pngs = await reporting.chart_pngs(
            db, texts, settings.default_language, scope, period_of(args), kinds
        )
    finally:
        await db.close()
    # In CHART_KINDS order; only the units chart can be missing, and it comes last.
    wanted = dict(zip(kinds, pngs, strict=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.kind != "all":
        if args.kind not in wanted:
            raise CliError(f"no {args.kind} chart: the scope has no child units")
        out.write_bytes(wanted[args.kind][1])
        print(f"Wrote {out}", file=sys.stderr)
        return 0
    for kind, (_, png) in wanted.items():
        path = out.with_name(f"{out.stem}-{kind}{out.suffix or '.png'}")
        path.write_bytes(png)
        print(f"Wrote {path}", file=sys.stderr)
    return 0


async def qr(settings: Settings, args: argparse.Namespace) -> int:
    base_url = getattr(args, "base_url", None) or settings.site_base_url
    if args.web and not base_url:
        raise CliError("--web needs the site's address: --base-url URL or SITE_BASE_URL")
    if args.web and base_url and (problem := site_url_problem(base_url)):
        raise CliError(f"--base-url: {problem}")
    if not args.web and not settings.bot_username:
        raise CliError("set BOT_USERNAME (the bot's @username without @) to make links offline")
    if not args.out:
        raise CliError("--out FILE.png or FILE.pdf is needed")
    if bool(args.all) == bool(args.guide_id):
        raise CliError("name one guide id, or use --all")
    texts = Texts(settings.templates_dir)
    lang = settings.default_language
    library, problems = load_guides(settings.guides_dir)
    if problems:
        raise CliError(f"{len(problems)} problem(s) in the guides; run `outreach-bot guides check`")
    unit, unit_value = None, ""
    if args.unit:  # only then is the database read
        db = await open_database(settings.db_path, create=False)
        try:
            unit = await _scope(db, args.unit)
            if unit is not None and args.web:
                # A web link credits its unit only when signed with the bot's key, checked
                # against the database (see bot/web/unit_tag.py).
                unit_value = unit_tag.signed(await _checked_key(settings, db), unit.code)
        finally:
            await db.close()
    guides = list(library) if args.all else [library.get(args.guide_id)]
    if guides[0] is None:
        raise CliError(f"no guide has the id {args.guide_id}")
    from bot.reports.posters import poster_text, save_posters  # matplotlib: only when drawing

    posters = []
    for guide in guides:
        assert guide is not None
        if args.web:  # the page, with the unit and its tag
            assert base_url is not None
            link = guide_url(base_url, guide.id) + (f"?u={unit_value}" if unit_value else "")
        else:
            payload = deep_links.guide_payload(guide.id, unit.code if unit else "")
            assert settings.bot_username is not None
            link = deep_links.link(settings.bot_username, payload)
        posters.append(
            poster_text(texts, lang, guide.localized_title(lang), link, unit.name if unit else "")
        )
    out = out_file(args.out, "poster.pdf")
    try:
        if len(posters) == 1:  # one file, made whole
            with atomic(out) as temp:
                save_posters(posters, temp)
            written = [out]
        else:  # --all: a bar, as it takes seconds
            with progress(len(posters), "posters") as advance:
                if out.suffix.lower() == ".pdf":
                    with atomic(out) as temp:
                        save_posters(posters, temp, advance)
                    written = [out]
                else:
                    written = save_posters(posters, out, advance)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for path in written:
        print(f"Wrote {path}", file=sys.stderr)
    return 0


async def _checked_key(settings: Settings, db: Database) -> bytes:
    """The bot's own key (the one `run` uses), checked against the database, so that the
    bot accepts the tags made here; made, as at the first start, for a database without."""
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    key = await open_key(db, configured, key_file_of(settings.db_path))
    for warning in key.warnings:
        print(f"outreach-bot: warning: {warning}", file=sys.stderr)
    return key.key


async def _prepare_demo(settings: Settings) -> None:
    db = await open_database(settings.db_path)
    try:
        await _checked_key(settings, db)
    finally:
        await db.close()


def demo_data(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.demo_data import DemoRefused, generate

    if args.assists < 1:
        raise CliError("--assists must be 1 or more")
    try:
        library, _ = load_guides(settings.guides_dir)
        guides = [(g.id, g.version, len(g.steps)) for g in library]
        # The key first, sealed while the database holds no pseudonyms: the bot started on
        # demo data later finds its key, as after any first start.
        asyncio.run(_prepare_demo(settings))
        with steps(args.assists, "assists") as shown:
            summary = generate(
                settings.db_path,
                args.assists,
                seed=args.seed,
                guides=guides,
                replace=bool(getattr(args, "replace", False)),
                progress=shown.advance,
                stage=shown.stage,
            )
    except DemoRefused as exc:
        raise CliError(str(exc)) from None
    print(
        f"Wrote {summary.records} assists, {summary.volunteers} volunteers, "
        f"{summary.units} demo units, {summary.self_serve} self-serve completions "
        f"and {summary.activities} activities to {settings.db_path} in {summary.seconds:.0f} s."
    )
    return 0


async def funnel(settings: Settings, args: argparse.Namespace) -> int:
    """`guides funnel`: per guide version and step, readers who reached it, were stuck,
    and left; the step with the largest drop of each guide is marked."""
    period = period_of(args)
    library, _ = load_guides(settings.guides_dir)
    if args.guide and library.get(args.guide) is None:
        raise CliError(f"no guide has the id {args.guide}")
    db = await open_database(settings.db_path, create=False)
    try:
        funnels = await GuideStats(GuideStatsRepository(db)).funnels(args.guide, period)
    finally:
        await db.close()
    if not funnels:
        print("no readers counted in this period")
        return 0
    print(f"{'guide':40} {'version':7} {'step':>4} {'reached':>8} {'stuck':>6} {'left':>6}")
    for guide in funnels:
        current = library.get(guide.guide_id)
        old = "" if current and current.version == guide.version else " (older version)"
        for step in guide.steps:
            mark = "  ◀ largest drop" if step.worst and step.left else ""
            print(
                f"{guide.guide_id:40} {guide.version:7} {step.step:>4} {step.reached:>8} "
                f"{step.stuck:>6} {step.left:>6}{mark}{old}"
            )
        print(f"{guide.guide_id:40} {guide.version:7} {'done':>4} {guide.finished:>8}")
    return 0


async def gaps(settings: Settings, args: argparse.Namespace) -> int:
    """`guides gaps`: the questions asked most that no guide answered, with counts."""
    period = period_of(args)
    db = await open_database(settings.db_path, create=False)
    try:
        asked = await GuideStats(GuideStatsRepository(db)).gaps(period, args.limit)
    finally:
        await db.close()
    if not asked:
        print("no unanswered questions in this period")
        return 0
    print(f"{'asked':>6}  question (folded, digits removed)")
    for question, count in asked:
        print(f"{count:>6}  {question}")
    return 0
