"""What each command of `outreach-bot` does once its arguments are read (see parser.py).

Each imports what it needs when it runs, so that `outreach-bot --help` and a mistyped
command stay quick."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from bot.cli.common import os_error
from bot.config import Settings

Command = Callable[[Settings, argparse.Namespace], int]


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
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


def health_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.ops import health

    result = health(settings)
    for line in result.lines:
        print(line)
    return 0 if result.ok else 1


def async_command(module: str, name: str) -> Command:
    """The coroutine `name` of `bot.cli.<module>`, run to completion; a CliError is said in
    one line. The module is imported only when its command runs: `--help` stays quick."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        from bot.cli.common import CliError

        command = getattr(importlib.import_module(f"bot.cli.{module}"), name)
        try:
            return int(asyncio.run(command(settings, args)))
        except CliError as exc:
            print(f"outreach-bot: {exc}", file=sys.stderr)
            return 1

    return run


def campaign_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import campaigns as campaign_cli

    return asyncio.run(campaign_cli.run(settings, args))


def review_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import review as review_cli

    return asyncio.run(review_cli.run(settings, args))


def site_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import site as site_cli

    return site_cli.run(settings, args)


def demo_data_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.common import CliError
    from bot.cli.demo import demo_data

    try:
        return demo_data(settings, args)
    except CliError as exc:
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return 1


def units_import_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.units import import_units
    from bot.domain.units_csv import OFFICIAL_CSV

    if (args.file is None) == (not args.official):
        print("outreach-bot: give either a CSV file or --official", file=sys.stderr)
        return 2
    source = OFFICIAL_CSV if args.official else args.file
    return asyncio.run(import_units(settings.db_path, source, args.province, args.encoding))


def units_list_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.units import list_units

    return asyncio.run(list_units(settings.db_path, args.under))


def start_command(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bot_token is None:
        print("BOT_TOKEN is not set: starting the offline console preview.", file=sys.stderr)
        return console_command(settings, args)
    return run_command(settings, args)


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_application
    from bot.telegram.runner import run_polling

    return run_polling(settings, build_application, webhook=bool(getattr(args, "webhook", False)))


def console_command(settings: Settings, args: argparse.Namespace) -> int:
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


def guides_check_command(settings: Settings, args: argparse.Namespace) -> int:
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


def guides_list_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.domain.cells import tsv_line
    from bot.guides.loader import load_guides

    library, problems = load_guides(settings.guides_dir)
    for guide in library:
        print(tsv_line(guide.id, guide.topic.value, guide.title))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0
