"""Every template renders in every language, as Telegram-valid HTML, with no gaps."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import replace

import pytest
from jinja2 import UndefinedError

from bot.config import PROJECT_ROOT
from bot.domain.campaigns import (
    Activity,
    ActivityKind,
    Campaign,
    TargetProgress,
    UnionFigures,
)
from bot.domain.draft import Draft
from bot.domain.model import Standing, Unit
from bot.domain.periods import custom
from bot.domain.refusal import Reason
from bot.domain.review import Entry, Subject
from bot.guides.loader import load_guides
from bot.guides.navigation import Notice
from bot.reports.requests import Reading
from bot.storage.assists import Tally
from bot.storage.reports import Pending, Totals
from bot.storage.review import PendingEntry
from bot.texts.telegram_html import MAX_CALLBACK_ANSWER, check_message_text
from bot.texts.templates import LANGUAGES, Texts

TEXTS = Texts(PROJECT_ROOT / "templates")
LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")
GUIDE = next(iter(LIBRARY))
DETAILS = Draft(unit_id=1, services=("v1", "sf"), age="60p", sex="f", person_key="k")
BATCH = Draft(unit_id=1, batch=True, services=("ds",), people=20, days_back=1)
ACTIVITY = Activity(
    id=7,
    token="abcdefghijkm",
    unit_id=1,
    kind=ActivityKind.CLASS,
    title="Lớp VNeID <cho> người cao tuổi & con cháu",
    first_day=20_700,
    last_day=20_701,
    place="Nhà văn hóa tổ 5",
    services=3,
    campaign_id=None,
    closed=True,
    headcount=40,
    headcount_youth=25,
)
UNION = UnionFigures(
    activities=1_776,
    by_kind={"class": 175, "campaign_day": 1_601, "help_point": 0},
    teams=53,
    member_participations=131_965,
    members=1_850,
    attendees=10_250,
    attendees_marked=250,
    attendees_headcount=10_000,
    youth_reached=751_901,
    verified_assists=1_234,
    rated=1_000,
    rating_average=4.62,
    targets=[
        TargetProgress("people", 5_000, 4_100, 20_393, 20_453),
        TargetProgress("teams", 50, 53, 20_454, 20_818, each_own_period=True),
    ],
)
TEAM = Unit(9, "00004-DH1", "Đội hình <Bình dân học vụ số>", "team", 4, "/1/4/9/")
CAMPAIGN = Campaign(1, "BDHVS-2", "Bình dân học vụ số <đợt 2>", None, 20_393, 20_453)
C1_DAYS = {"first_day": 20_393, "last_day": 20_453}  # a target's period, as days
NOVEMBER = custom(dt.date(2026, 11, 1), dt.date(2026, 11, 28))
YEAR_DAYS = {"first_day": 20_454, "last_day": 20_818}
REPORT_CONTEXT: dict[str, object] = {
    "union": UNION,
    "campaign": CAMPAIGN,
    "reader_drops": (("Kích hoạt VNeID mức 2 & <b>", 6, 392, 168), ("Quên mật khẩu", 2, 40, 9)),
    "self_web": 1234,
    "web_refused": 17,
    "pending": Pending(29, 14_500, 3),
    "src_one": 700_000,
    "src_batch": 100_000,
    "scope_name": "Hà Nội & <b>",
    "period_kind": "month",
    "first": "01/11/2026",
    "last": "28/11/2026",
    "totals": Totals(751_901, 800_000, 12_345, 1_234),
    "previous": Totals(700_000, 750_000, 0),
    "change_people": 7,
    "change_assists": -3,
    "change_self": None,
    "services": [("v1", 500_000), ("sf", 10)],
    "outcomes": [("done", 5), ("", 2)],
    "ages": [("60p", 3), ("", 4)],
    "sexes": [("f", 1), ("x", 1)],
    "self_serve": [("vd", 12_345)],
    "children": [("Phường " + "Dài " * 20, 10, 12)] * 10,
    "others": (3, 4, 5),
    "volunteers": [("<Lan>", 99)] * 5,
}
EMPTY_REPORT: dict[str, object] = {
    "reader_drops": (),
    "self_web": 0,
    "web_refused": 0,
    "pending": Pending(),
    "src_one": 0,
    "src_batch": 0,
    "scope_name": "",
    "union": UnionFigures(),
    "campaign": None,
    "period_kind": "all",
    "totals": Totals(),
    "previous": None,
    "change_people": None,
    "change_assists": None,
    "services": [],
    "outcomes": [],
    "ages": [],
    "sexes": [],
    "self_serve": [],
    "children": [],
    "others": (0, 0, 0),
    "volunteers": [],
}
STEP = next((s for s in GUIDE.steps if s.troubleshooting), GUIDE.steps[0])

SAMPLE_CONTEXT: dict[str, list[Mapping[str, object]]] = {
    "welcome": [{}],
    "menu": [{"guide_count": 3}],
    "units_found": [
        {"query": "ba <dinh>", "units": [], "example": "ha noi"},
        {"query": "ba <dinh>", "units": [], "example": ""},
        {
            "query": "ba dinh",
            "units": [{"code": "00004", "name": "Phường Ba Đình", "parent_name": "Hà Nội"}],
            "example": "",
        },
    ],
    "units_usage": [{}],
    "preparing": [{}],
    "report_summary": [
        {
            "scope_name": "Hà Nội & <b>",
            "first": "01/11/2026",
            "last": "28/11/2026",
            "totals": Totals(751_901, 800_000, 12_345, 1_234),
            "top_services": services,
            "top_count": 12,
            "change_people": change,
            "union": union,
            "campaign": campaign,
        }
        for services, change, union, campaign in (
            (["v1"], 7, UNION, CAMPAIGN),
            (["v1", "ds"], None, UnionFigures(), None),
            (["v1", "ds", "sg"], 0, UNION, None),
            ([], -3, UnionFigures(), None),
        )
    ],
    "topic": [{"topic": "VNeID", "count": 1}, {"topic": "VNeID", "count": 2}],
    "intro": [
        {
            "guide": GUIDE,
            "title": GUIDE.title,
            "summary": GUIDE.summary,
            "step_count": 3,
            "screens_note": note,
            "required": required,
            "expired": expired,
        }
        for note, required, expired in (
            ("", [], None),
            ("Theo VNeID bản 2.2.6 (9/2026); màn hình có thể khác.", ["Mức 1 & <2>"], None),
            ("", ["A", "B"], dt.date(2026, 12, 31)),
        )
    ],
    "step": [
        {
            "guide": GUIDE,
            "title": GUIDE.title,
            "step": STEP,
            "number": 1,
            "total": 3,
            "expired": expired,
        }
        for expired in (None, dt.date(2026, 12, 31))
    ],
    "terms": [{"title": GUIDE.title, "number": 2, "count": 3}],
    "term": [
        {"term": "OTP", "explanation": "Mã dùng một lần < 5 phút & không gửi ai.", "source": ""},
        {"term": "NFC", "explanation": "Đọc chip.", "source": "https://vneid.gov.vn/a?b=1&c=2"},
    ],
    "stuck": [
        {"step": STEP, "number": 1, "title": GUIDE.title},
        {
            "step": GUIDE.steps[0].model_copy(update={"troubleshooting": ()}),
            "number": 1,
            "title": GUIDE.title,
        },
    ],
    "done": [
        {"guide": GUIDE, "title": GUIDE.title, "has_related": True, "sources": []},
        {
            "guide": GUIDE,
            "title": GUIDE.title,
            "has_related": False,
            "sources": list(GUIDE.sources[:2]),
        },
    ],
    "sources": [{"guide": GUIDE, "title": GUIDE.title}],
    "language": [{"current": "vi"}, {"current": "en"}],
    "search_hint": [{}],
    "help": [
        {"standing": s}
        for s in (
            Standing.RESIDENT,
            Standing.VOLUNTEER,
            Standing.STAFF,
            Standing.STAFF | Standing.VOLUNTEER,
        )
    ],
    "search_results": [{"query": "<b>&", "count": 3}],
    "search_empty": [{"query": "<i>", "examples": ["A"]}, {"query": "x", "examples": []}],
    "inline_card": [{"title": "A & B", "summary": "<s>", "step_count": 4}],
    "notice": [{"kind": kind.value} for kind in Notice if kind is not Notice.NONE],
    "otp_warning": [{"deleted": True}, {"deleted": False}],
    "small_talk": [{"kind": k} for k in ("greeting", "thanks", "bye", "ack")],
    "unsupported_message": [{}],
    "group_note": [{"bot_username": "outreach_bot"}],
    "error": [{}],
    "photo_caption": [{"step": STEP, "number": 2}],
    "assist_form": [
        {"draft": Draft(unit_id=1), "unit_name": "A & B", "day": "28/11/2026", "notice": ""},
        {"draft": DETAILS, "unit_name": "A", "day": "28/11/2026", "notice": "<b>ok</b>"},
        {"draft": BATCH, "unit_name": "A", "day": "27/11/2026", "notice": ""},
    ],
    "assist_units": [
        {"current": "<x>", "page": 1, "pages": 3, "query": q, "found": n}
        for q in ("", "<cau giay>")
        for n in (0, 2)
    ],
    "assist_saved": [
        {
            "draft": DETAILS,
            "consent": True,
            "unit_name": "A",
            "day": "28/11/2026",
            "undo_minutes": 10,
            "again": True,
            "pending": False,
        },
        {
            "draft": BATCH,
            "consent": False,
            "unit_name": "A",
            "day": "28/11/2026",
            "undo_minutes": 10,
            "again": False,
            "pending": True,
        },
    ],
    "review_list": [
        {"entries": [], "total": 0, "first": 1},
        {
            "entries": [
                PendingEntry(
                    Entry(Subject.ASSIST, "12", "/1/", 7),
                    1_796_000_000,
                    20_600,
                    "01",
                    "Thành phố Hà Nội",
                    500,
                    "",
                ),
                PendingEntry(
                    Entry(Subject.HEADCOUNT, "3", "/1/", None, "k"),
                    1_796_000_000,
                    20_600,
                    "01",
                    "Thành phố Hà Nội",
                    100_000,
                    "Lớp <VNeID> & DVC",
                ),
                PendingEntry(
                    Entry(Subject.ATTENDANCE, "3", "/1/", None),
                    1_796_000_000,
                    20_600,
                    "01",
                    "Thành phố Hà Nội",
                    40,
                    "Lớp",
                ),
                PendingEntry(
                    Entry(Subject.CHECKIN, "3.9", "/1/", 9),
                    1_796_000_000,
                    20_600,
                    "01",
                    "Thành phố Hà Nội",
                    1,
                    "Lớp",
                ),
            ],
            "total": 31,
            "first": 9,
        },
    ],
    "assist_cancelled": [{}],
    "phone_ask": [{}],
    "phone_invalid": [{}],
    "phone_kept": [{}],
    "phone_form_closed": [{}],
    "count_invalid": [{"limit": 500, "comma": ""}, {"limit": 500, "comma": "1,5"}],
    "number_comma": [{"text": "<1,5>"}],
    "campaign_new_ask": [{}],
    "campaign_dates_ask": [{"name": "Hè <tình nguyện>"}],
    "checkin_done": [
        {"activity": ACTIVITY, "unit_name": "Phường Ba Đình", "first": True, "pending": True},
        {"activity": ACTIVITY, "unit_name": "Phường Ba Đình", "first": False, "pending": False},
    ],
    "attend_ask": [{"activity": ACTIVITY}],
    "attend_done": [{"activity": ACTIVITY, "first": True}, {"activity": ACTIVITY, "first": False}],
    "activity_list": [{"upcoming": 2, "recent": 8}],
    "activity_card": [
        {
            "activity": ACTIVITY,
            "unit_name": "Phường Ba Đình",
            "first": "01/09/2026",
            "last": "02/09/2026",
            "members": 12,
            "attendees": 65,
            "assists": 30,
            "check_in": "https://t.me/b?start=ci_abcdefghijkm",
            "attend": "https://t.me/b?start=at_abcdefghijkm",
        },
        {
            "activity": replace(ACTIVITY, headcount=100_000, headcount_status="pending"),
            "unit_name": "Phường Ba Đình",
            "first": "01/09/2026",
            "last": "01/09/2026",
            "members": 0,
            "attendees": 0,
            "assists": 0,
            "check_in": "https://t.me/b?start=ci_abcdefghijkm",
            "attend": "https://t.me/b?start=at_abcdefghijkm",
        },
    ],
    "activity_qr_caption": [
        {"kind": k, "activity": ACTIVITY, "link": "https://t.me/b?start=ci_x"}
        for k in ("checkin", "attend")
    ],
    "headcount_ask": [{"activity": ACTIVITY}],
    "headcount_invalid": [{}],
    "activity_new": [
        {"unit_name": "Phường Ba Đình", "kind": "", "day": None, "services": []},
        {"unit_name": "Phường Ba Đình", "kind": "class", "day": None, "services": []},
        *(
            {
                "unit_name": "Phường Ba Đình",
                "kind": "class",
                "day": dt.date(2026, 12, 6),
                "services": ["v2", "ds"],
                "asking_campaign": asking,
                "campaign": campaign,
            }
            for asking in (True, False)
            for campaign in ("", "Bình dân học vụ số <2>")
        ),
    ],
    "activity_title_ask": [
        {"kind": "campaign_day", "day": dt.date(2026, 12, 6), "unit_name": "Ba Đình"}
    ],
    "activity_title_invalid": [{}, {"reason": "name_formula"}],
    "confirm_link": [{"link": "https://t.me/b?start=cf_abcdefghijkm"}],
    "confirm_ask": [{"services": ["v2", "ds"], "day": "02/12/2026"}],
    "confirm_done": [{}],
    "subscribed": [{"again": False}, {"again": True}],
    "unsubscribed": [{"removed": True}, {"removed": False}],
    "digest_heading": [{}],
    "campaign_list": [{"campaigns": [CAMPAIGN]}, {"campaigns": []}, {"campaigns": None}],
    "campaign_done": [{"campaign": CAMPAIGN}],
    "target_usage": [{}],
    "team_done": [{"team": TEAM}],
    "team_list": [{"unit_name": "Ba Đình", "teams": [TEAM]}, {"unit_name": "Ba Đình", "teams": []}],
    "target_done": [
        {"unit_name": "Ba Đình", "metric": "people", "value": 500, "campaign": "C1"} | C1_DAYS,
        {"unit_name": "Ba Đình", "metric": "teams", "value": 5, "campaign": ""} | YEAR_DAYS,
    ],
    "campaign_error": [
        {"reason": r, "detail": d}
        for r in (
            "not_allowed",
            "unknown_unit",
            "already_closed",
            "own_target",
            "campaign_dates",
            "bad_kind",
            "name_a_unit",
            "team_name_a_unit",
            "name_formula",
            "bad_name",
            "bad_code",
            "bad_date",
            "campaign_missing",
            "code_taken",
            "overlapping_units",
            "outside_campaign",
            "whatever",
        )
        for d in ("", "<Đ-1>", "first", "last")
    ]
    # Every reason, with the context a refusal carries (the link's activity, a period's why).
    + [
        {"reason": r, "detail": d, "activity": ACTIVITY, "example_unit": "01", "why": w}
        for r in Reason
        for d in ("", "<Đ-1>")
        for w in ("", "backwards")
    ],
    "join_switch_ask": [
        {
            "name": "Lan",
            "unit_name": "Phường Ba Đình",
            "role": "volunteer",
            "new_unit_name": "Hà Nội",
            "new_role": "coordinator",
        }
    ],
    "join_already": [{"name": "Lan", "unit_name": "Phường Ba Đình", "role": "volunteer"}],
    "join_switch_kept": [{}],
    "name_ask": [{"current": "Lan"}],
    "name_done": [{"name": "Lan <3"}],
    "not_volunteer": [{}],
    "member_inactive": [{}],
    "undo_confirm": [{"services": ["v1", "sf"], "people": 12, "minutes_ago": m} for m in (0, 1, 3)],
    "undo_none": [{"minutes": 10}],
    "undo_done": [{"minutes": 10}],
    "undo_kept": [{}],
    "mine": [
        {
            "name": "<Lan>",
            "date": "28/11/2026",
            "today": Tally(1, 2),
            "week": Tally(3, 4),
            "total": Tally(751901, 800000),
            "pending": Tally(0, 0),
        },
        {
            "name": "Lan",
            "date": "28/11/2026",
            "today": Tally(0, 0),
            "week": Tally(0, 0),
            "total": Tally(0, 0),
            "pending": Tally(500, 500),
        },
    ],
    "invite_usage": [{"example_unit": "00004"}],
    "invite_created": [
        {
            "unit_name": "Phường Ba Đình",
            "unit_code": "00004",
            "role": role,
            "code": "ABCDEFGH23",
            "link": "https://t.me/x?start=join_ABCDEFGH23",
            "max_uses": 50,
            "expires": "05/12/2026",
        }
        for role in ("volunteer", "coordinator")
    ],
    "invite_qr_caption": [{"unit_name": "A", "code": "X"}],
    "not_allowed": [{}],
    "unit_unknown": [{"code": "<9>"}],
    "join_usage": [{}],
    "join_ask_name": [{"unit_name": "A", "role": "volunteer"}],
    "join_done": [
        {"name": "<b>", "unit_name": "A", "role": r} for r in ("volunteer", "coordinator")
    ],
    "name_invalid": [{"limit": 40}, {"limit": 40, "reason": "formula"}],
    "members": [
        {"scope_name": "", "rows": [], "total": 0, "page": 1, "pages": 1},
        {
            "scope_name": "A",
            "rows": [("<Lan>", "volunteer", "B", True)] * 20,
            "total": 45,
            "page": 2,
            "pages": 3,
        },
    ],
    "privacy": [{"undo_minutes": 10, "gaps_days": 90}],
    "forget_confirm": [{}],
    "forget_done": [{"self_serve": 2, "profile": 1, "preferences": 0, "attendance": 1}],
    "forget_cancelled": [{}],
    "forget_phone_ask": [{}],
    "forget_phone_done": [{"rows": 3}],
    "personal_number": [
        {"kind": kind, "deleted": deleted}
        for kind in ("number", "email")
        for deleted in (True, False)
    ],
    "report": [REPORT_CONTEXT, {**REPORT_CONTEXT, **EMPTY_REPORT}],
    "period_usage": [
        {"example_unit": "01", "reason": reason, "part": "<31/02/2026>"}
        for reason in (
            "",
            "unknown",
            "no_such_date",
            "backwards",
            "too_early",
            "too_late",
            "too_long",
            "bad_month",
            "bad_quarter",
            "not_begun",
        )
    ],
    "report_reading": [
        {"reading": Reading(kind, "tháng 11", NOVEMBER, "11", "<Điện Biên>")}
        for kind in ("period", "unit")
    ],
    "export_sent": [
        {
            "records": 1_000_000,
            "compressed": True,
            "split": True,
            "files": 3,
            "too_big": 1,
        },
        {
            "records": 0,
            "compressed": False,
            "split": False,
            "files": 2,
            "too_big": 0,
        },
    ],
    "qr_usage": [
        {"example_guide": "vneid-forgot-password", "example_unit": "00004", "unknown": ""},
        {"example_guide": "vneid-forgot-password", "example_unit": "", "unknown": "<xyz>"},
    ],
    "flood_notice": [{}],
    "storage_error": [{}],
    "qr_caption": [{"link": "https://t.me/x?start=a_b&c"}],
    "chart_caption": [
        {"scope": "<Hà Nội>", "period": "01/12/2026–31/12/2026", "kind": "month"},
        {"scope": "Toàn hệ thống", "period": "từ trước đến nay", "kind": "all"},
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_languages_have_the_same_templates_and_labels(language: str) -> None:
    assert TEXTS.template_names(language) == sorted(SAMPLE_CONTEXT)
    assert TEXTS.label_names(language) == TEXTS.label_names("vi")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SAMPLE_CONTEXT))
def test_every_template_renders_valid_telegram_html(language: str, name: str) -> None:
    for context in SAMPLE_CONTEXT[name]:
        text = TEXTS.render(language, name, **context)
        assert check_message_text(text) is None, (name, text)


# A line of text that ends with an inline `{% endif %}` or `{% endfor %}` loses its newline to
# trim_blocks; where more text follows (the next line, or the next round of a loop), that text
# runs on into this line, unless the tag ends with `+%}`. (Before a blank line it only takes
# the blank line, which the screens are written for.)
_ENDS_INLINE = re.compile(r"^(?!\s*\{%).*\{%-?\s*end(?:if|for)\s*%\}$")
_BRANCH = re.compile(r"^\s*\{%-?\s*(?:else|elif|endif)\b")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_line_runs_on_into_the_next(language: str) -> None:
    """Such lines joined the units of /units into one line, a closed activity's note onto
    its place, and a report's comparison onto the self-serve count."""
    found = []
    for path in sorted((PROJECT_ROOT / "templates" / language).glob("*.html.j2")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, (line, after) in enumerate(itertools.pairwise(lines), start=1):
            if _ENDS_INLINE.match(line) and after.strip() and not _BRANCH.match(after):
                found.append(f"{path.name}:{number}: …{line.strip()[-40:]}")
    assert found == [], "end the tag with +%} to keep the newline: " + "; ".join(found)


def test_user_text_is_escaped() -> None:
    text = TEXTS.render("vi", "search_results", query="<b>&", count=1)
    assert "«&lt;b&gt;&amp;»" in text
    text = TEXTS.render(
        "vi",
        "intro",
        guide=GUIDE,
        title="A & B",
        summary="x < y",
        step_count=1,
        screens_note="",
        required=[],
        expired=None,
    )
    assert "A &amp; B" in text and "x &lt; y" in text


def test_quoted_labels_in_guides_are_bold() -> None:
    step = STEP.model_copy(update={"text": 'Bấm "Quên mật khẩu" rồi bấm “Tiếp tục”.'})
    text = TEXTS.render(
        "vi", "step", guide=GUIDE, title="T", step=step, number=1, total=1, expired=None
    )
    assert "<b>“Quên mật khẩu”</b>" in text and "<b>“Tiếp tục”</b>" in text


def test_missing_variables_fail_loudly() -> None:
    with pytest.raises(UndefinedError):
        TEXTS.render("vi", "menu")


LABEL_ARGS: dict[str, list[object]] = {
    "topic_name": ["vneid"],
    "chart_no_unit_data": ["Hà Nội"],
    "csv_col": ["item"],
    "csv_item": ["people"],
    "xl_none": ["activities"],
    "service_name": ["v1"],
    "outcome_name": ["done"],
    "age_name": ["60p"],
    "sex_name": ["x"],
    "role_name": ["coordinator"],
    "btn_service": ["v2", True],
    "btn_outcome": ["partly", False],
    "btn_age": ["u16", True],
    "btn_sex": ["f", True],
    "btn_age_count": ["16-30", True, 20],
    "btn_attend_age": ["60p"],
    "btn_activity": ["Lớp VNeID", "01/09/2026"],
    "btn_activity_qr": ["Lớp VNeID", "01/09/2026"],
    "btn_activity_close": ["Lớp VNeID", "01/09/2026"],
    "activity_kind": ["door_to_door"],
    "btn_form_day": [3, "05/12"],
    "btn_rating": [5],
    "btn_review": [True, 12],
    "toast_review": ["approved"],
    "toast_refusal": ["review_own"],
    "review_subject": ["headcount"],
    "record_status": ["pending"],
    "record_source": [True],
    "metric_name": ["youth_reached"],
    "btn_people_add": [5],
    "head_age": [True],
    "head_count": ["60p", 17],
    "btn_day": [2],
    "btn_consent_yes": [3],
    "btn_unit": ["Phường Ba Đình"],
    "btn_pick_here": ["A"],
    "btn_pick_unit": ["A"],
    "btn_member_toggle": ["Lan", True],
    "toast_member_changed": [True],
    "period_name": ["quarter"],
    "btn_period": ["month", True],
    "btn_drill": ["Phường Ba Đình"],
    "btn_group": ["Nam Trung Bộ"],
    "xl_sheet": ["summary"],
    "xl_col": ["people"],
    "unit_kind": ["province"],
    "yes_no": [True],
    "chart_title": ["time", "Hà Nội", "01/11/2026–28/11/2026"],
    "chart_axis": ["assists"],
    "poster_line": [2],
    "poster_unit": ["Phường Ba Đình"],
    "btn_guide": ["A & B"],
    "btn_related": ["A & B"],
    "btn_back_to_step": [3],
    "btn_step_link": [9],
    "btn_term": ["OTP"],
    "btn_requires_open": ["Đăng ký tài khoản VNeID mức 1"],
    "btn_form_campaign": ["Bình dân học vụ số"],
    "btn_campaign_report": ["BDHVS-2026"],
    "btn_staff": ["report"],
    "btn_back_to_guide": ["Kích hoạt VNeID mức 2"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_plain_and_short(language: str) -> None:
    for name in TEXTS.label_names(language):
        args = LABEL_ARGS.get(name, [])
        label = TEXTS.label(language, name, *args)
        assert label and "&amp;" not in label and "<" not in label, name
        if name.startswith(("toast_", "hint_")):
            assert len(label) <= MAX_CALLBACK_ANSWER
        if name.startswith("cmd_"):
            assert 1 <= len(label) <= 256


def test_every_1900_number_is_said_to_be_charged() -> None:
    """1900 lines are paid lines: a template that gives one says so (guides are checked by
    `guides check`)."""
    missing = []
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "1900" in line.replace("tel:1900", "") and not any(
                word in line for word in ("tính cước", "paid line")
            ):
                missing.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert not missing, missing


def test_every_staff_menu_button_has_a_label_of_its_own() -> None:
    """A new `StaffOp` without its line in `btn_staff` would show its bare name: caught here."""
    from bot.domain.taps import STAFF_MENU

    for lang in ("vi", "en"):
        labels = [TEXTS.label(lang, "btn_staff", op.name.lower()) for op in STAFF_MENU]
        assert len(set(labels)) == len(labels)
        assert not {op.name.lower() for op in STAFF_MENU} & set(labels)
