"""The command line's grammar: every command of `outreach-bot`, its options and the function
that runs it (commands.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import commands

DEFAULT_STALE_DAYS = 180


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreach-bot", description="Digital-skills outreach bot (Telegram)."
    )
    sub = parser.add_subparsers(dest="command")
    _add_bot_commands(sub)
    _add_guides_commands(sub)
    _add_units_commands(sub)
    _add_report_commands(sub)
    from bot.cli import campaigns as campaign_cli

    campaign_cli.add_parsers(sub, commands.campaign_command)
    from bot.cli import site as site_cli

    site_cli.add_parsers(sub, commands.site_command)
    from bot.cli import review as review_cli

    review_cli.add_parsers(sub, commands.review_command)
    _add_upkeep_commands(sub)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _add_bot_commands(sub: argparse._SubParsersAction) -> None:
    """start, run and console: the bot itself."""
    start = sub.add_parser("start", help="run the bot if BOT_TOKEN is set, else the console")
    start.set_defaults(handler=commands.start_command)
    run = sub.add_parser("run", help="long-poll Telegram (needs BOT_TOKEN)")
    run.add_argument(
        "--webhook", action="store_true", help="serve a webhook instead (WEBHOOK_* settings)"
    )
    run.set_defaults(handler=commands.run_command)
    console = sub.add_parser("console", help="chat with the bot in this terminal, offline")
    console.add_argument(
        "--db", type=Path, metavar="PATH", help="a real database (default: a throwaway one)"
    )
    console.add_argument(
        "--as",
        dest="person",
        choices=("resident", "volunteer", "admin"),
        default="admin",
        help="who you are at first (switch with /as in the console)",
    )
    console.set_defaults(handler=commands.console_command)


def _add_guides_commands(sub: argparse._SubParsersAction) -> None:
    guides = sub.add_parser("guides", help="validate or list the guide files")
    guides_sub = guides.add_subparsers(dest="guides_command", required=True)
    check = guides_sub.add_parser("check", help="validate every guide; exit 1 on any error")
    check.add_argument(
        "--stale-days",
        type=_positive_int,
        nargs="?",
        const=DEFAULT_STALE_DAYS,
        default=None,
        metavar="N",
        help=f"also list guides reviewed more than N days ago (default {DEFAULT_STALE_DAYS})",
    )
    check.set_defaults(handler=commands.guides_check_command)
    guides_sub.add_parser("list", help="one guide a line: id, topic, title").set_defaults(
        handler=commands.guides_list_command
    )
    funnel = guides_sub.add_parser(
        "funnel", help="per step: readers who reached it, were stuck, left (DB_PATH)"
    )
    funnel.add_argument("--guide", metavar="ID", help="only this guide")
    funnel.add_argument("--from", dest="date_from", metavar="DATE", help="dd/mm/yyyy or ISO")
    funnel.add_argument("--to", dest="date_to", metavar="DATE", help="dd/mm/yyyy or ISO")
    funnel.set_defaults(handler=commands.async_command("guide_stats", "funnel"))
    gaps = guides_sub.add_parser(
        "gaps", help="the most-asked questions no guide answered, with counts (DB_PATH)"
    )
    gaps.add_argument("--from", dest="date_from", metavar="DATE", help="dd/mm/yyyy or ISO")
    gaps.add_argument("--to", dest="date_to", metavar="DATE", help="dd/mm/yyyy or ISO")
    gaps.add_argument("--limit", type=_positive_int, default=30, help="how many (default 30)")
    gaps.set_defaults(handler=commands.async_command("guide_stats", "gaps"))


def _add_units_commands(sub: argparse._SubParsersAction) -> None:
    units = sub.add_parser("units", help="the tree of units (works on DB_PATH, no token)")
    units_sub = units.add_subparsers(dest="units_command", required=True)
    units_import = units_sub.add_parser(
        "import", help="add or update units from a CSV: code,name,kind,parent_code"
    )
    units_import.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="the CSV file: comma, semicolon or tab separated; UTF-8, UTF-16 or Windows-1258",
    )
    units_import.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's encoding, e.g. cp1258 (default: detected)",
    )
    units_import.add_argument(
        "--official",
        action="store_true",
        help="the official list shipped with the bot: 34 provinces, 3,321 communes (1/7/2025)",
    )
    units_import.add_argument(
        "--province", metavar="CODE", help="only this province (or unit) and what is below it"
    )
    units_import.set_defaults(handler=commands.units_import_command)
    units_list = units_sub.add_parser("list", help="one unit a line: code, kind, name, parent")
    units_list.add_argument("--under", metavar="CODE", help="only this unit and those below it")
    units_list.set_defaults(handler=commands.units_list_command)


def _add_period_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--unit", metavar="CODE", help="this unit and below (default: all)")
    command.add_argument("--from", dest="date_from", metavar="DATE", help="dd/mm/yyyy or ISO")
    command.add_argument("--to", dest="date_to", metavar="DATE", help="dd/mm/yyyy or ISO")
    command.add_argument("--out", metavar="FILE", help="where to write")


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="reach report (default: all time, whole tree)")
    _add_period_options(report)
    report.add_argument("--format", choices=("text", "csv", "xlsx", "json"), default="text")
    report.add_argument("--group", metavar="CODE", help="a cluster of units (see `groups`)")
    report.add_argument(
        "--campaign", metavar="CODE", help="its activities and targets (and dates, by default)"
    )
    report.set_defaults(handler=commands.async_command("reports", "report"))
    export = sub.add_parser("export", help="records without personal data, as CSV or XLSX")
    _add_period_options(export)
    export.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    export.set_defaults(handler=commands.async_command("reports", "export"))
    chart = sub.add_parser("chart", help="PNG charts: over time, by service, by unit")
    _add_period_options(chart)
    chart.add_argument(
        "--kind",
        choices=("all", "time", "service", "units"),
        default="all",
        help="one chart, or all three as FILE-time.png, FILE-service.png, FILE-units.png",
    )
    chart.set_defaults(handler=commands.async_command("reports", "chart"))
    qr = sub.add_parser("qr", help="an A4 poster with a guide's QR code (PNG or PDF)")
    qr.add_argument("guide_id", nargs="?", help="the guide's id (see `guides list`)")
    qr.add_argument("--all", action="store_true", help="a poster for every guide")
    qr.add_argument("--unit", metavar="CODE", help="the unit credited for self-serve reach")
    qr.add_argument("--out", metavar="FILE", help="FILE.png or FILE.pdf")
    qr.add_argument("--web", action="store_true", help="point at the guide's web page, not the bot")
    qr.add_argument("--base-url", metavar="URL", help="the site's address (default: SITE_BASE_URL)")
    qr.set_defaults(handler=commands.async_command("posters", "qr"))
    demo = sub.add_parser(
        "demo-data",
        help="fill a new DB_PATH with a synthetic year of outreach (never a real database)",
    )
    demo.add_argument("--assists", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--replace",
        action="store_true",
        help="make the demo data of a database demo-data made anew (never touches others)",
    )
    demo.set_defaults(handler=commands.demo_data_command)


def _add_upkeep_commands(sub: argparse._SubParsersAction) -> None:
    """backup and health: keeping a running bot's data safe and checked."""
    backup = sub.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument(
        "file", type=Path, help="the copy's file, or a folder for a dated file in it"
    )
    backup.set_defaults(handler=commands.backup_command)
    health = sub.add_parser("health", help="check database and guides; exit 0 when healthy")
    health.set_defaults(handler=commands.health_command)
