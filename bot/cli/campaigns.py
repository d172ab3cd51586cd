"""`outreach-bot campaigns|activities|targets|groups`: the union's units of work from a
terminal, on DB_PATH, acting as an admin (the same rules as in chat: bot/services)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bot import clock
from bot.config import Settings
from bot.domain import deep_links
from bot.domain.cells import tsv_line
from bot.domain.draft import services_from_mask
from bot.domain.periods import PeriodError, parse_date
from bot.domain.refusal import Reason, Refusal
from bot.services import CampaignServices, campaign_services
from bot.services.access import Directory, Questions
from bot.services.scoping import ADMIN
from bot.storage.db import open_database
from bot.storage.members import MemberRepository
from bot.storage.questions import QuestionRepository
from bot.storage.units import UnitRepository

WHO = "cli"


class CliError(Exception):
    pass


@asynccontextmanager
async def _services(db_path: Path, *, create: bool) -> AsyncIterator[CampaignServices]:
    db = await open_database(db_path, create=create)
    try:
        units = UnitRepository(db)
        directory = Directory(db, units, MemberRepository(db))
        yield campaign_services(db, directory, Questions(QuestionRepository(db)), units)
    finally:
        await db.close()


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except PeriodError as exc:
        raise CliError(f"{what}: {exc}") from None



# The command line's own words for a refusal (plain text, English, like its other messages);
# a reason without one is printed as its name.
MESSAGES = {
    Reason.BAD_CODE: "a code is 1-24 letters, digits or dashes",
    Reason.BAD_NAME: "a name is 1-120 printable characters",
    Reason.NAME_FORMULA: "a name may not start with = + - or @ (a spreadsheet would run it)",
    Reason.RANGE_BACKWARDS: "the range ends before it starts",
    Reason.RANGE_TOO_LONG: "the range is longer than a year",
    Reason.BAD_KIND: "the kind is one of class, campaign_day, help_point, door_to_door, online",
    Reason.BAD_METRIC: "the metric is one of people, assists, activities, "
    "member_participations, youth_reached, teams",
    Reason.BAD_TARGET: "a target is a whole number above 0",
    Reason.CAMPAIGN_DATES: "a campaign's target covers the campaign's dates: give --campaign "
    "or --from/--to, not both",
    Reason.CODE_TAKEN: "this code is already taken",
    Reason.UNKNOWN_CAMPAIGN: "no campaign has this code",
    Reason.UNKNOWN_UNIT: "no unit has this code",
    Reason.UNKNOWN_GROUP: "no group has this code",
    Reason.BAD_SERVICE: "unknown service code (see `activities add --help`: v1, v2, vd, ph, "
    "ds, sg, sf, ot)",
    Reason.OUTSIDE_CAMPAIGN: "the activity's dates are outside the campaign's",
    Reason.OVERLAPPING_UNITS: "a unit of the group is inside another (it would count twice)",
    Reason.EMPTY_GROUP: "a group needs at least one unit",
}


def _explain(refusal: Refusal) -> str:
    text = MESSAGES.get(refusal.reason, refusal.reason.value)
    return f"{text}: {refusal.detail}" if refusal.detail else text


async def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        # Adding may make a new database; listing only reads one that is there.
        writes = args.action in ("add", "set")
        async with _services(settings.db_path, create=writes) as services:
            return await COMMANDS[(args.command, args.action)](settings, args, services)
    except Refusal as refusal:
        print(f"outreach-bot: {_explain(refusal)}", file=sys.stderr)
        return 1
    except CliError as error:
        print(f"outreach-bot: {error}", file=sys.stderr)
        return 1


def _needed(value: dt.date | None) -> dt.date:
    """A date argparse requires (so it is there)."""
    assert value is not None
    return value


async def _campaign_add(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    first, last = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    campaign = await s.campaigns.add_campaign(
        ADMIN, WHO, args.code, args.name, _needed(first), _needed(last), unit_code=args.unit or ""
    )
    print(
        f"Campaign {campaign.code}: {campaign.name}, "
        f"{clock.format_day_number(campaign.first_day)}–{clock.format_day_number(campaign.last_day)}"
    )
    return 0


async def _campaign_list(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    for campaign in await s.campaigns.campaigns():
        first = clock.format_day_number(campaign.first_day)
        last = clock.format_day_number(campaign.last_day)
        print(tsv_line(campaign.code, first, last, campaign.name))
    return 0


async def _activity_add(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    if not settings.bot_username:
        raise CliError(
            "nothing was created: the activity's check-in and attendance links need "
            "BOT_USERNAME (the bot's @username, in .env); set it, then run this again"
        )
    services = [c.strip() for c in args.services.split(",") if c.strip()] if args.services else []
    activity = await s.activities.add_activity(
        ADMIN,
        WHO,
        args.unit,
        args.kind,
        args.title,
        _needed(_date(args.date, "--date")),
        _date(args.date_to, "--to"),
        place=args.place or "",
        services=services,
        campaign_code=args.campaign or "",
    )
    print(f"Activity {activity.id}: {activity.title}")
    check_in = deep_links.check_in_payload(activity.checkin_token)
    print(deep_links.link(settings.bot_username, check_in))
    print(deep_links.link(settings.bot_username, deep_links.attend_payload(activity.token)))
    return 0


async def _activity_list(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    lines = await s.activities.lines(
        ADMIN,
        unit_code=args.unit or "",
        first=_date(args.date_from, "--from"),
        last=_date(args.date_to, "--to"),
        campaign_code=args.campaign or "",
    )
    print(tsv_line(*ACTIVITY_COLUMNS))
    for line in lines:
        a = line.activity
        first, last = clock.format_day_number(a.first_day), clock.format_day_number(a.last_day)
        cells: list[object] = [
            a.id, first, last, line.unit_code, a.kind.value, a.title,
            line.campaign_code, line.members, line.attendees, line.assists,
            "closed" if a.closed else "open", ",".join(services_from_mask(a.services)),
        ]  # fmt: skip
        print(tsv_line(*cells))  # every row has every column, empty ones too
    return 0


ACTIVITY_COLUMNS = (
    "id", "first day", "last day", "unit", "kind", "title", "campaign", "members", "attendees",
    "assists", "status", "services",
)  # fmt: skip


def service_codes(lang: str = "vi") -> str:
    """The service codes with their labels, e.g. `v1 (VNeID mức 1), v2 (…)`, from the
    templates (the same words as in chat and the reports)."""
    from bot.config import PROJECT_ROOT
    from bot.domain.draft import SERVICES
    from bot.texts.templates import Texts

    texts = Texts(PROJECT_ROOT / "templates")
    return ", ".join(f"{code} ({texts.label(lang, 'service_name', code)})" for code in SERVICES)


class _ServicesHelp(argparse.HelpFormatter):
    """`activities add --help`: the codes' labels are read from the templates only when the
    help is shown, not on every command."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.dest == "services":
            return f"service codes, comma-separated: {service_codes()}"
        return action.help


async def _target_set(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    unit, target = await s.targets.set_target(
        ADMIN,
        args.unit,
        args.campaign or "",
        args.metric,
        args.value,
        _date(args.date_from, "--from"),
        _date(args.date_to, "--to"),
    )
    scope = f" in {args.campaign.upper()}" if args.campaign else ""
    print(
        f"Target for {unit.code} {unit.name}{scope}: {target.metric} = {target.value}, "
        f"{clock.format_day_number(target.first_day)}–{clock.format_day_number(target.last_day)}"
    )
    return 0


async def _group_add(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    existing = await s.clusters.existing(args.code)
    if existing is not None and not args.replace:
        raise CliError(
            f"group {existing.code} already exists ({existing.name}, "
            f"{len(existing.unit_ids)} units; see `groups list`): "
            "add --replace to replace it, or choose another code"
        )
    group = await s.clusters.add_cluster(args.code, args.name, args.units.split(","))
    replaced = " (replaced)" if existing is not None else ""
    count = len(group.unit_ids)
    print(f"Cluster {group.code}: {group.name}, {count} unit{'' if count == 1 else 's'}{replaced}")
    return 0


async def _group_list(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    for group in await s.clusters.clusters():
        _, units = await s.clusters.cluster(group.code)
        print(tsv_line(group.code, group.name, ",".join(u.code for u in units)))
    return 0


async def _team_add(settings: Settings, args: argparse.Namespace, s: CampaignServices) -> int:
    team = await s.clusters.add_team(ADMIN, args.unit, args.name)
    print(f"Team {team.code}: {team.name} (invite members with /invite {team.code})")
    return 0


Command = Callable[[Settings, argparse.Namespace, CampaignServices], Awaitable[int]]
COMMANDS: dict[tuple[str, str], Command] = {
    ("teams", "add"): _team_add,
    ("campaigns", "add"): _campaign_add,
    ("campaigns", "list"): _campaign_list,
    ("activities", "add"): _activity_add,
    ("activities", "list"): _activity_list,
    ("targets", "set"): _target_set,
    ("groups", "add"): _group_add,
    ("groups", "list"): _group_list,
}

Subparsers = argparse._SubParsersAction  # argparse names no public type for it


def add_parsers(sub: Subparsers, handler: Callable[..., int]) -> None:
    """The five commands, each with its own actions."""
    parsers = (
        _campaign_parser(sub),
        _activity_parser(sub),
        _target_parser(sub),
        _group_parser(sub),
        _team_parser(sub),
    )
    for parser in parsers:
        parser.set_defaults(handler=handler)


def _campaign_parser(sub: Subparsers) -> argparse.ArgumentParser:
    campaigns = sub.add_parser(
        "campaigns", help="campaigns (đợt, chiến dịch): a code, a name, dates"
    )
    c_sub = campaigns.add_subparsers(dest="action", required=True)
    add = c_sub.add_parser("add", help="add a campaign")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--from", dest="date_from", required=True, metavar="DD/MM/YYYY")
    add.add_argument("--to", dest="date_to", required=True, metavar="DD/MM/YYYY")
    add.add_argument("--unit", metavar="CODE", help="the subtree it belongs to (default: all)")
    c_sub.add_parser("list", help="one campaign a line")
    return campaigns


def _activity_parser(sub: Subparsers) -> argparse.ArgumentParser:
    activities = sub.add_parser("activities", help="classes, campaign days, help points, …")
    a_sub = activities.add_subparsers(dest="action", required=True)
    add = a_sub.add_parser(
        "add",
        help="add an activity; prints its id and its two links",
        formatter_class=_ServicesHelp,
    )
    add.add_argument("--unit", required=True, metavar="CODE")
    add.add_argument(
        "--kind", required=True, help="class, campaign_day, help_point, door_to_door or online"
    )
    add.add_argument("--title", required=True)
    add.add_argument("--date", required=True, metavar="DD/MM/YYYY")
    add.add_argument("--to", dest="date_to", metavar="DD/MM/YYYY", help="the last day, if more")
    add.add_argument("--campaign", metavar="CODE")
    add.add_argument("--services", metavar="a,b", help="service codes, e.g. v2,ds")
    add.add_argument("--place")
    listing = a_sub.add_parser("list", help="activities with their figures, newest first")
    listing.add_argument("--unit", metavar="CODE")
    listing.add_argument("--from", dest="date_from", metavar="DATE")
    listing.add_argument("--to", dest="date_to", metavar="DATE")
    listing.add_argument("--campaign", metavar="CODE")
    return activities


def _target_parser(sub: Subparsers) -> argparse.ArgumentParser:
    targets = sub.add_parser("targets", help="targets (chỉ tiêu) per unit and campaign")
    t_sub = targets.add_subparsers(dest="action", required=True)
    tset = t_sub.add_parser("set", help="set one target")
    tset.add_argument("--unit", required=True, metavar="CODE")
    tset.add_argument("--campaign", metavar="CODE")
    tset.add_argument("--metric", required=True)
    tset.add_argument("--value", required=True, type=int)
    tset.add_argument(
        "--from", dest="date_from", metavar="DD/MM/YYYY", help="default: campaign's or this year"
    )
    tset.add_argument("--to", dest="date_to", metavar="DD/MM/YYYY", help="the period's last day")
    return targets


def _group_parser(sub: Subparsers) -> argparse.ArgumentParser:
    groups = sub.add_parser("groups", help="clusters (cụm) of units, for reports")
    g_sub = groups.add_subparsers(dest="action", required=True)
    gadd = g_sub.add_parser("add", help="add a group (--replace: replace one)")
    gadd.add_argument("code")
    gadd.add_argument("--name", required=True)
    gadd.add_argument("--units", required=True, metavar="C1,C2,…")
    gadd.add_argument(
        "--replace", action="store_true", help="replace the group of this code if there is one"
    )
    g_sub.add_parser("list", help="one group a line: code, name, unit codes")
    return groups


def _team_parser(sub: Subparsers) -> argparse.ArgumentParser:
    teams = sub.add_parser("teams", help="teams (đội hình): units of kind team")
    team_sub = teams.add_subparsers(dest="action", required=True)
    tadd = team_sub.add_parser("add", help="a team under a unit; prints its code")
    tadd.add_argument("--unit", required=True, metavar="CODE")
    tadd.add_argument("--name", required=True)
    return teams
