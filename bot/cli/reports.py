"""Desktop twins of /report, /export and /chart; no bot token needed (/qr's is posters.py,
demo data demo.py's).

They work on DB_PATH. With no --from/--to the period is all time; with no --unit, the whole
tree. Dates are dd/mm/yyyy or yyyy-mm-dd.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from bot import clock
from bot.cli.common import CliError, atomic, out_file
from bot.cli.lookups import period_of, unit_of
from bot.cli.progress import on_terminal, progress
from bot.config import Settings
from bot.domain.campaigns import Campaign, Cluster
from bot.domain.cells import ExcelCsvWriter, SafeCsvWriter, open_excel_csv
from bot.domain.model import Unit
from bot.domain.periods import custom
from bot.reports import exports
from bot.reports import service as reporting
from bot.reports.csv_report import report_rows
from bot.reports.json_report import report_json
from bot.reports.service import CHART_KINDS
from bot.reports.text import report_text, summary_text
from bot.storage.campaigns import CampaignRepository
from bot.storage.clusters import ClusterRepository
from bot.storage.db import Database, open_database
from bot.storage.reports import Report, ReportRepository
from bot.storage.units import UnitRepository
from bot.texts.telegram_html import parse_html
from bot.texts.templates import Texts


async def report(settings: Settings, args: argparse.Namespace) -> int:
    # The database first: an unusable one is the one line to say, before anything is loaded.
    db = await open_database(settings.db_path, create=False)
    try:
        texts = Texts(settings.templates_dir)
        lang = settings.default_language
        scope = await unit_of(db, args.unit)
        group, units, campaign = await _group_and_campaign(db, args)
        if group is not None and scope is not None:
            raise CliError("give --unit or --group, not both")
        period = period_of(args)
        if campaign is not None and not args.date_from and not args.date_to:
            period = custom(clock.day_date(campaign.first_day), clock.day_date(campaign.last_day))
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
                    exports.AssistFormatter(texts, lang),
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
) -> tuple[Cluster | None, list[Unit] | None, Campaign | None]:
    group = units = campaign = None
    if getattr(args, "group", None):
        group = await ClusterRepository(db).cluster(args.group.strip().upper())
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
    db = await open_database(settings.db_path, create=False)
    try:
        texts = Texts(settings.templates_dir)
        scope = await unit_of(db, args.unit)
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
    db = await open_database(settings.db_path, create=False)
    try:
        texts = Texts(settings.templates_dir)
        scope = await unit_of(db, args.unit)
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
