"""Command line: `outreach-bot <command>` (the same as `python -m bot <command>`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings

EXIT_SETTINGS = 2
EXIT_STORAGE = 2  # the database or the key cannot be used as they are
DEFAULT_STALE_DAYS = 180


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_SETTINGS
    from bot.domain.privacy import KeyRefused
    from bot.storage.db import DatabaseUnusable, StorageError, unusable

    settings: Settings | None = None
    try:
        settings = load_settings()
        return int(args.handler(settings, args))
    except SettingsError as exc:
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    except (DatabaseUnusable, KeyRefused) as exc:
        # A damaged, foreign, empty or missing database, or a key that does not match it:
        # one line naming the file and the fix, in every command.
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except StorageError as exc:  # refused midway: a full, failing or read-only disk
        assert settings is not None
        print(f"outreach-bot: {unusable(settings.db_path, exc)}", file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `outreach-bot units list | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or folder given that cannot be read or written
        print(f"outreach-bot: {os_error(exc)}", file=sys.stderr)
        return 1


def os_error(exc: OSError) -> str:
    """An OSError in one line for a person: what went wrong and with which file, without
    Python's `[Errno 21]`."""
    reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    return f"{' → '.join(names)}: {reason}" if names else reason


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreach-bot", description="Digital-skills outreach bot (Telegram)."
    )
    sub = parser.add_subparsers(dest="command")
    start = sub.add_parser("start", help="run the bot if BOT_TOKEN is set, else the console")
    start.set_defaults(handler=_start)
    run = sub.add_parser("run", help="long-poll Telegram (needs BOT_TOKEN)")
    run.add_argument(
        "--webhook", action="store_true", help="serve a webhook instead (WEBHOOK_* settings)"
    )
    run.set_defaults(handler=_run)
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
    console.set_defaults(handler=_console)
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
    check.set_defaults(handler=_guides_check)
    guides_sub.add_parser("list", help="one guide a line: id, topic, title").set_defaults(
        handler=_guides_list
    )
    funnel = guides_sub.add_parser(
        "funnel", help="per step: readers who reached it, were stuck, left (DB_PATH)"
    )
    funnel.add_argument("--guide", metavar="ID", help="only this guide")
    funnel.add_argument("--from", dest="date_from", metavar="DATE", help="dd/mm/yyyy or ISO")
    funnel.add_argument("--to", dest="date_to", metavar="DATE", help="dd/mm/yyyy or ISO")
    funnel.set_defaults(handler=_async_command("funnel"))
    gaps = guides_sub.add_parser(
        "gaps", help="the most-asked questions no guide answered, with counts (DB_PATH)"
    )
    gaps.add_argument("--from", dest="date_from", metavar="DATE", help="dd/mm/yyyy or ISO")
    gaps.add_argument("--to", dest="date_to", metavar="DATE", help="dd/mm/yyyy or ISO")
    gaps.add_argument("--limit", type=_positive_int, default=30, help="how many (default 30)")
    gaps.set_defaults(handler=_async_command("gaps"))
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
    units_import.set_defaults(handler=_units_import)
    units_list = units_sub.add_parser("list", help="one unit a line: code, kind, name, parent")
    units_list.add_argument("--under", metavar="CODE", help="only this unit and those below it")
    units_list.set_defaults(handler=_units_list)
    _add_report_commands(sub)
    from bot.cli import campaigns as campaign_cli

    campaign_cli.add_parsers(sub, _campaign_command)
    from bot.cli import site as site_cli

    site_cli.add_parsers(sub, _site_command)
    from bot.cli import review as review_cli

    review_cli.add_parsers(sub, _review_command)
    backup = sub.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument(
        "file", type=Path, help="the copy's file, or a folder for a dated file in it"
    )
    backup.set_defaults(handler=_backup)
    health = sub.add_parser("health", help="check database and guides; exit 0 when healthy")
    health.set_defaults(handler=_health)
    return parser


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.db import StorageError
    from bot.storage.maintenance import backup

    target: Path = args.file
    if target.is_dir():  # a folder: a dated file in it, never over an older backup
        from bot import clock

        stamp = clock.vn_datetime(clock.now()).strftime("%Y-%m-%d-%H%M%S")
        target = target / f"{settings.db_path.stem}-{stamp}.db"
        if target.exists():
            print(f"outreach-bot: backup refused: {target} already exists", file=sys.stderr)
            return 1
    try:
        version = backup(settings.db_path, target)
    except OSError as exc:  # the target's folder or disk
        print(f"outreach-bot: backup failed: {os_error(exc)}", file=sys.stderr)
        return 1
    except StorageError as exc:  # a failed check
        print(f"outreach-bot: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Backed up {settings.db_path} to {target} (schema {version}, integrity ok).")
    print(
        "The key (secret.key or SECRET_KEY) is not in the backup: keep it safe, apart from "
        "the backups. Without it a backup is of no use; with it, phone codes in a stolen "
        "backup can be recovered by trying every number.",
        file=sys.stderr,
    )
    return 0


def _health(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.ops import health

    result = health(settings)
    for line in result.lines:
        print(line)
    return 0 if result.ok else 1


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
    report.set_defaults(handler=_async_command("report"))
    export = sub.add_parser("export", help="records without personal data, as CSV or XLSX")
    _add_period_options(export)
    export.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    export.set_defaults(handler=_async_command("export"))
    chart = sub.add_parser("chart", help="PNG charts: over time, by service, by unit")
    _add_period_options(chart)
    chart.add_argument(
        "--kind",
        choices=("all", "time", "service", "units"),
        default="all",
        help="one chart, or all three as FILE-time.png, FILE-service.png, FILE-units.png",
    )
    chart.set_defaults(handler=_async_command("chart"))
    qr = sub.add_parser("qr", help="an A4 poster with a guide's QR code (PNG or PDF)")
    qr.add_argument("guide_id", nargs="?", help="the guide's id (see `guides list`)")
    qr.add_argument("--all", action="store_true", help="a poster for every guide")
    qr.add_argument("--unit", metavar="CODE", help="the unit credited for self-serve reach")
    qr.add_argument("--out", metavar="FILE", help="FILE.png or FILE.pdf")
    qr.add_argument("--web", action="store_true", help="point at the guide's web page, not the bot")
    qr.add_argument("--base-url", metavar="URL", help="the site's address (default: SITE_BASE_URL)")
    qr.set_defaults(handler=_async_command("qr"))
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
    demo.set_defaults(handler=_demo_data)


def _async_command(name: str) -> Callable[[Settings, argparse.Namespace], int]:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        from bot.cli import reports as report_cli

        try:
            return int(asyncio.run(getattr(report_cli, name)(settings, args)))
        except report_cli.CliError as exc:
            print(f"outreach-bot: {exc}", file=sys.stderr)
            return 1

    return run


def _campaign_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import campaigns as campaign_cli

    return asyncio.run(campaign_cli.run(settings, args))


def _review_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import review as review_cli

    return asyncio.run(review_cli.run(settings, args))


def _site_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import site as site_cli

    return site_cli.run(settings, args)


def _demo_data(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import reports as report_cli

    try:
        return report_cli.demo_data(settings, args)
    except report_cli.CliError as exc:
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return 1


def _units_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.units import import_units
    from bot.domain.units_csv import OFFICIAL_CSV

    if (args.file is None) == (not args.official):
        print("outreach-bot: give either a CSV file or --official", file=sys.stderr)
        return 2
    source = OFFICIAL_CSV if args.official else args.file
    return asyncio.run(import_units(settings.db_path, source, args.province, args.encoding))


def _units_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.units import list_units

    return asyncio.run(list_units(settings.db_path, args.under))


def _start(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bot_token is None:
        print("BOT_TOKEN is not set: starting the offline console preview.", file=sys.stderr)
        return _console(settings, args)
    return _run(settings, args)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_application
    from bot.telegram.runner import run_polling

    return run_polling(settings, build_application, webhook=bool(getattr(args, "webhook", False)))


def _console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.console import run_console
    from bot.guides.loader import GuidesInvalid
    from bot.telegram.logging_setup import setup_logging

    setup_logging("WARNING", [])
    if getattr(args, "db", None) is not None:
        from bot.storage.db import check_file

        check_file(args.db, create=False)  # a real database: never made up here
    try:
        return asyncio.run(
            run_console(
                settings,
                db_path=getattr(args, "db", None),
                person=getattr(args, "person", "admin"),
            )
        )
    except GuidesInvalid as exc:
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return 1


def _guides_check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.telegram.guide_check import check_guides

    count, problems = check_guides(settings.guides_dir, settings.templates_dir)
    for problem in problems:
        print(problem)
    failing = [p for p in problems if p.level != "warning"]
    if failing:
        print(f"{len(failing)} problem(s) in {settings.guides_dir}", file=sys.stderr)
        return 1
    warned = len(problems) - len(failing)
    print(f"OK: {count} guides valid" + (f" ({warned} warning(s) above)" if warned else ""))
    if args.stale_days is not None:
        _print_stale(settings, args.stale_days)
    return 0


def _print_stale(settings: Settings, days: int) -> None:
    """Stale guides are a reminder, not a failure: the content is still valid."""
    from bot.domain.cells import tsv_line
    from bot.guides.freshness import stale_guides, today_in_vietnam
    from bot.guides.loader import load_guides

    library, _ = load_guides(settings.guides_dir)
    stale = stale_guides(library, today_in_vietnam(), days)
    if not stale:
        print(f"No guide was last reviewed more than {days} days ago.")
        return
    print(f"{len(stale)} guide(s) last reviewed more than {days} days ago:")
    for guide, age in stale:
        print(tsv_line(guide.id, f"reviewed {guide.reviewed.isoformat()}", f"{age} days ago"))


def _guides_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.domain.cells import tsv_line
    from bot.guides.loader import load_guides

    library, problems = load_guides(settings.guides_dir)
    for guide in library:
        print(tsv_line(guide.id, guide.topic.value, guide.title))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0
