"""`outreach-bot report --format json`: one object for other tools (a provincial dashboard, a
cluster's roll-up). Keys are stable English words; counts are whole numbers. Service codes
(`by_service`) come with their labels in `service_labels`, in the report's language."""

from __future__ import annotations

import json
from typing import Any

from bot import clock
from bot.domain.draft import SERVICES
from bot.storage.reports import Report
from bot.texts.templates import Texts


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "scope": _scope(report),
        "campaign": report.campaign.code if report.campaign else None,
        "from": report.period.first.isoformat(),
        "to": report.period.last.isoformat(),
        **_reach(report),
        **_union(report),
        # How each figure was obtained (docs/reports.md, «Numbers as evidence»): new keys beside the
        # old ones, which keep their meaning.
        **_provenance(report),
        "pending_review": {
            "assist_records": report.pending.assists,
            "people": report.pending.people,
            "activity_entries": report.pending.activities,
            "total": report.pending.total,
        },
        "targets": _targets(report),
    }


def _scope(report: Report) -> dict[str, Any]:
    if report.group_name:
        return {"group": report.group_name}
    if report.scope is not None:
        return {"unit": report.scope.code, "name": report.scope.name}
    return {"unit": None, "name": None}


def _reach(report: Report) -> dict[str, Any]:
    return {
        "people": report.totals.people,
        "assists": report.totals.assists,
        "self_serve": report.totals.self_serve,
        "self_serve_web": sum(count for _, count in report.by_dim.get("selfweb", [])),
    }


def _union(report: Report) -> dict[str, Any]:
    """The union's indicators, then the assists by service."""
    union = report.union
    services = dict(report.by_dim.get("svc", []))
    return {
        "youth_reached": union.youth_reached,
        "activities": union.activities,
        "activities_by_kind": dict(union.by_kind),
        "classes": union.classes,
        "teams": union.teams,
        "member_participations": union.member_participations,
        "members_taking_part": union.members,
        "members_active": union.members_active,
        "attendees": union.attendees,
        "verified_assists": union.verified_assists,
        "verified_share_percent": union.verified_share(report.totals.assists),
        "rating_average": None if union.rating_average is None else round(union.rating_average, 2),
        "by_service": {code: int(services.get(code, 0)) for code in SERVICES},
    }


def _provenance(report: Report) -> dict[str, Any]:
    sources = dict(report.by_dim.get("src", []))
    union = report.union
    return {
        "self_serve_telegram": report.totals.self_serve_telegram,
        "self_serve_web_unverified": report.totals.self_serve_web,
        "self_serve_web_refused": report.web_refused,
        "assists_logged_one_by_one": int(sources.get("one", 0)),
        "assists_logged_in_batches": int(sources.get("batch", 0)),
        "attendees_marked": union.attendees_marked,
        "attendees_headcount": union.attendees_headcount,
    }


def _targets(report: Report) -> list[dict[str, Any]]:
    """Each target counted in its own unit's subtree over its own days ("from", "to"); a
    cluster's or the whole tree's line sums its units' targets, spanning their days."""
    return [
        {
            "metric": t.metric,
            "target": t.target,
            "done": t.done,
            "percent": t.percent,
            "from": clock.day_date(t.first_day).isoformat(),
            "to": clock.day_date(t.last_day).isoformat(),
            "each_own_period": t.each_own_period,
        }
        for t in report.union.targets
    ]


def service_labels(texts: Texts, lang: str) -> dict[str, str]:
    """Every service code with its name, as chat and the workbook show it."""
    return {code: texts.label(lang, "service_name", code) for code in SERVICES}


def report_json(report: Report, texts: Texts | None = None, lang: str = "vi") -> str:
    """The report as JSON; with `texts`, also `service_labels` (a new key: the old ones keep
    their meaning)."""
    data = report_dict(report)
    if texts is not None:
        data["service_labels"] = service_labels(texts, lang)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
