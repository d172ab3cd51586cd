"""The report's text, free of Telegram: shared by /report and `outreach-bot report`."""

from __future__ import annotations

from bot import clock
from bot.storage.reports import ChildLine, Report
from bot.texts.templates import Texts

TOP_CHILDREN = 10


def top_and_others(
    lines: list[ChildLine], top: int
) -> tuple[list[ChildLine], tuple[int, int, int]]:
    """The `top` biggest child units, and (how many, people, assists) of the rest."""
    shown, rest = lines[:top], lines[top:]
    return shown, (len(rest), sum(x.people for x in rest), sum(x.assists for x in rest))


def change(now: int, before: int | None) -> int | None:
    """Percentage change against the previous period; None when there is nothing to compare."""
    if before is None or before == 0:
        return None
    return round((now - before) * 100 / before)


def report_text(texts: Texts, lang: str, report: Report) -> str:
    """The report as the person reads it: Telegram's HTML subset, also the CLI's text."""
    shown, others = top_and_others(report.children, TOP_CHILDREN)
    previous = report.previous
    return texts.render(
        lang,
        "report",
        scope_name=_scope_name(report),
        period_kind=report.period.kind,
        first=clock.format_day(report.period.first),
        last=clock.format_day(report.period.last),
        totals=report.totals,
        previous=previous,
        change_people=change(report.totals.people, previous.people if previous else None),
        change_assists=change(report.totals.assists, previous.assists if previous else None),
        change_self=change(
            report.totals.self_serve_telegram, previous.self_serve_telegram if previous else None
        ),
        services=report.by_dim.get("svc", []),
        outcomes=report.by_dim.get("out", []),
        ages=report.by_dim.get("age", []),
        sexes=report.by_dim.get("sex", []),
        self_serve=_telegram_only(report),
        self_web=report.totals.self_serve_web,
        web_refused=report.web_refused,
        pending=report.pending,
        src_one=dict(report.by_dim.get("src", [])).get("one", 0),
        src_batch=dict(report.by_dim.get("src", [])).get("batch", 0),
        children=[(c.unit.name, c.people, c.assists) for c in shown],
        others=others,
        volunteers=report.volunteers,
        union=report.union,
        campaign=report.campaign,
        reader_drops=report.reader_drops,
    )


def summary_text(texts: Texts, lang: str, report: Report) -> str:
    """The paragraph to paste into a union report: a message of its own, ready to copy.

    A tie for the most-helped service names every service in it, not one at random."""
    services = report.by_dim.get("svc", [])
    top_count = services[0][1] if services else 0
    top = [code for code, count in services if count == top_count and count > 0]
    previous = report.previous
    return texts.render(
        lang,
        "report_summary",
        scope_name=_scope_name(report),
        first=clock.format_day(report.period.first),
        last=clock.format_day(report.period.last),
        totals=report.totals,
        union=report.union,
        campaign=report.campaign,
        top_services=top,
        top_count=top_count,
        change_people=change(report.totals.people, previous.people if previous else None),
    )


def _telegram_only(report: Report) -> list[tuple[str, int]]:
    """Self-serve completions by service, without the web site's unverified presses."""
    web = dict(report.by_dim.get("selfweb", []))
    lines = [(key, n - web.get(key, 0)) for key, n in report.by_dim.get("self", [])]
    return sorted(((k, n) for k, n in lines if n > 0), key=lambda line: (-line[1], line[0]))


def _scope_name(report: Report) -> str:
    """A unit's name, a cluster's name, or "" for the whole tree."""
    return report.group_name or (report.scope.name if report.scope else "")
