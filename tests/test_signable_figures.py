"""Figures a union can sign (issue «số liệu có nguồn gốc»): each finding that inflated a
report, reproduced, and shown to inflate nothing any more. Services on a real SQLite file;
the review queue also end to end through the stand-in."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import clock
from bot.domain.campaigns import is_token
from bot.domain.model import Role
from bot.domain.periods import custom
from bot.domain.refusal import Reason
from bot.domain.review import (
    Entry,
    Limits,
    Reviewer,
    Status,
    Subject,
    assist_status,
    headcount_status,
    may_review,
)
from bot.domain.taps import AssistOp
from bot.domain.units_csv import parse_units_csv
from bot.reports.exports import AssistFormatter
from bot.reports.service import report
from bot.services import Policy, Reach
from bot.services import assist_form as form
from bot.services import joining as jn
from bot.services import membership as ms
from bot.services.access import Actor
from bot.services.attendance import CheckedIn
from bot.services.confirmations import Confirmed, LinkMade
from bot.services.review import CLI_REVIEWER, Decided, reviewer_of
from bot.services.scoping import ADMIN as ADMIN_SCOPE
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.storage import migrations, rollup
from bot.storage.assist_rows import stream_assists
from bot.storage.db import open_database
from bot.texts.templates import Texts
from tests.conftest import RunningBot
from tests.outreach_helpers import ADMIN_ID, SMALL_TREE, join, query_db, start_outreach_bot
from tests.test_campaign_rules import refused
from tests.test_services import ADMIN, KEY
from tests.test_services import World as ServicesWorld

NOW = clock.now()  # campaigns and check-ins read the clock: the tests live in today
TODAY = clock.vn_date(NOW)


@dataclass
class World(ServicesWorld):
    """test_services' world, living in today (campaigns and check-ins read the clock)."""

    now: int = NOW

    async def report(self, unit: str | None = None):
        scope = self.reach.directory.unit_by_code(unit) if unit else None
        first = TODAY - dt.timedelta(days=10)
        return await report(self.reach.db, scope, custom(first, TODAY))


async def _world(tmp_path: Path, limits: Limits, admins: frozenset[int]) -> Reach:
    db = await open_database(tmp_path / "s.db")
    policy = Policy(
        admin_ids=admins,
        review_daily_people=limits.daily_people,
        review_headcount_floor=limits.headcount_floor,
        review_headcount_multiple=limits.headcount_multiple,
        review_attendance_cap=limits.attendance_cap,
    )
    reach = Reach(db, KEY, policy)
    rows, problems = parse_units_csv(SMALL_TREE)
    await reach.import_units(rows, problems)
    await reach.start(NOW)
    return reach


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    limits = Limits(attendance_cap=(("class", 2), ("campaign_day", 500)))
    reach = await _world(tmp_path, limits, frozenset({ADMIN}))
    yield World(reach, tmp_path / "s.db")
    await reach.db.close()


_presses = iter(range(10**9))


async def press(world: World, actor: Actor, token: str, op: str, arg: str = "") -> object:
    return await world.reach.forms.press(actor, token, AssistOp(op), arg, f"p{next(_presses)}", NOW)


async def log_batch(world: World, volunteer: Actor, people: int, days_back: int) -> object:
    opened = await world.reach.forms.open(volunteer, True, NOW)
    assert isinstance(opened, form.FormScreen)
    await press(world, volunteer, opened.token, "s", "v1")
    await press(world, volunteer, opened.token, "k", str(people))
    for _ in range(days_back):
        await press(world, volunteer, opened.token, "d")
    return await press(world, volunteer, opened.token, "a")  # anonymous: a count only


async def log_one(world: World, volunteer: Actor) -> form.SavedScreen:
    opened = await world.reach.forms.open(volunteer, False, NOW)
    assert isinstance(opened, form.FormScreen)
    await press(world, volunteer, opened.token, "s", "v2")
    await press(world, volunteer, opened.token, "g", "16-30")
    saved = await press(world, volunteer, opened.token, "y")
    assert isinstance(saved, form.SavedScreen), saved
    return saved


# ---- the rules, on plain values ----------------------------------------------------------


def test_limits_on_plain_values() -> None:
    limits = Limits()
    assert assist_status(0, 200, limits) is Status.OK
    assert assist_status(150, 51, limits) is Status.PENDING
    # A class of residents without phones (no marks) stays under the floor...
    assert headcount_status(180, 0, limits) is Status.OK
    # ...a big headcount against few marks waits, one backed by marks does not.
    assert headcount_status(100_000, 0, limits) is Status.PENDING
    assert headcount_status(300, 100, limits) is Status.OK
    assert headcount_status(301, 100, limits) is Status.PENDING


def test_who_may_review() -> None:
    entry = Entry(Subject.ASSIST, "1", "/1/35/", entered_by_member=7)
    coordinator = Reviewer("m3", admin=False, scope_path="/1/", member_id=3)
    elsewhere = Reviewer("m4", admin=False, scope_path="/96/", member_id=4)
    himself = Reviewer("m7", admin=False, scope_path="/1/", member_id=7)
    admin_who_logged = Reviewer("admin:m7", admin=True, scope_path=None, member_id=7)
    assert may_review(coordinator, entry, other_admins=True) == ("", "")
    assert may_review(elsewhere, entry, other_admins=True) == ("not_allowed", "")
    assert may_review(himself, entry, other_admins=False) == ("own", "")
    assert may_review(admin_who_logged, entry, other_admins=True) == ("own", "")
    allowed = may_review(admin_who_logged, entry, other_admins=False)
    assert allowed == ("", "own entry, no other admin"), "the log says so"
    typed = Entry(Subject.HEADCOUNT, "2", "/1/", None, entered_by_key="key-a")
    assert may_review(Reviewer("m9", False, "/1/", 9, "key-a"), typed, True) == ("own", "")


# ---- one volunteer, 14,500 people a minute -----------------------------------------------


async def test_29_batches_of_500_wait_for_review_and_back_dating_shows(world: World) -> None:
    volunteer = await world.member(3, "00004")
    coordinator = await world.member(4, "01", Role.COORDINATOR)
    for number in range(29):
        saved = await log_batch(world, volunteer, 500, days_back=number % 8)
        assert isinstance(saved, form.SavedScreen) and saved.pending
    shown = await world.report()
    assert (shown.totals.people, shown.totals.assists) == (0, 0), "nothing counted unseen"
    assert shown.pending.assists == 29 and shown.pending.people == 14_500
    # Every record is kept, with its day, the time it was entered and back-dating marked.
    texts = Texts(Path(__file__).parent.parent / "templates")
    formatter = AssistFormatter(texts, "vi")
    first = TODAY - dt.timedelta(days=10)
    rows = [formatter.row(r) for r in stream_assists(world.path, None, custom(first, TODAY))]
    header = formatter.header()
    assert len(rows) == 29
    column = {name: header.index(name) for name in ("Ghi lùi ngày", "Trạng thái", "Ngày")}
    assert {r[column["Trạng thái"]] for r in rows} == {"chờ duyệt"}
    backdated = [r for r in rows if r[column["Ghi lùi ngày"]] == "có"]
    assert len(backdated) == 25 and all(
        r[column["Ngày"]] != TODAY.strftime("%d/%m/%Y") for r in backdated
    )
    # A coordinator above the unit approves one: it counts, on its own day.
    reviewer = reviewer_of(coordinator)
    assert reviewer is not None and coordinator.member is not None
    queue = await world.reach.reviews.queue(reviewer)
    assert queue.total == 29 and len(queue.entries) == 8
    first_entry = queue.entries[0].entry
    decided = await world.reach.reviews.decide(
        reviewer,
        first_entry.subject,
        first_entry.ref,
        True,
        NOW,
    )
    assert isinstance(decided, Decided)
    shown = await world.report()
    assert shown.totals.assists == 500 and shown.pending.assists == 28
    # Rejected is kept, never deleted, and never counts; the log says who decided.
    second = queue.entries[1].entry
    await world.reach.reviews.decide(CLI_REVIEWER, second.subject, second.ref, False, NOW)
    assert world.rows("SELECT count(*) FROM assists WHERE status = 'rejected'") == [(1,)]
    assert (await world.report()).totals.assists == 500
    log = world.rows("SELECT who, what, decision FROM review_log ORDER BY id")
    assert log == [(f"m{coordinator.member.id}", "assist", "approve"), ("cli", "assist", "reject")]
    # The totals equal a rebuild from the records.
    before = world.rows("SELECT * FROM rollup ORDER BY 1, 2, 3, 4")
    await world.reach.db.write(rollup.rebuild)
    assert world.rows("SELECT * FROM rollup ORDER BY 1, 2, 3, 4") == before


async def test_a_real_campaign_day_is_counted_and_the_limit_counts_by_entry_day(
    world: World,
) -> None:
    volunteer = await world.member(3, "00004")
    for _ in range(3):
        saved = await log_batch(world, volunteer, 60, days_back=0)
        assert isinstance(saved, form.SavedScreen) and not saved.pending
    # 180 entered today; 21 more, dated a week ago, still passes today's limit of 200.
    late = await log_batch(world, volunteer, 21, days_back=7)
    assert isinstance(late, form.SavedScreen) and late.pending
    assert (await world.report()).totals.assists == 180


async def test_the_volunteer_cannot_approve_their_own_records(world: World) -> None:
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    saved = await log_batch(world, coordinator, 300, days_back=0)
    assert isinstance(saved, form.SavedScreen) and saved.pending
    reviewer = reviewer_of(coordinator)
    assert reviewer is not None
    [waiting] = (await world.reach.reviews.queue(reviewer)).entries
    entry = waiting.entry
    own = await refused(world.reach.reviews.decide(reviewer, entry.subject, entry.ref, True, NOW))
    assert own.reason is Reason.REVIEW_OWN
    outsider = await world.member(5, "31825", Role.COORDINATOR)
    stranger = reviewer_of(outsider)
    assert stranger is not None
    assert (await world.reach.reviews.queue(stranger)).total == 0
    outside = await refused(
        world.reach.reviews.decide(stranger, entry.subject, entry.ref, True, NOW)
    )
    assert outside.reason is Reason.REVIEW_OUT_OF_SCOPE
    assert reviewer_of(await world.member(6, "00004")) is None, "volunteers do not review"
    admin = reviewer_of(await world.actor(ADMIN))
    assert admin is not None
    assert isinstance(
        await world.reach.reviews.decide(admin, entry.subject, entry.ref, True, NOW), Decided
    )
    again = await refused(world.reach.reviews.decide(admin, entry.subject, entry.ref, True, NOW))
    assert again.reason is Reason.REVIEW_GONE, "decided once"


# ---- one assist, ten confirmations ---------------------------------------------------------


async def test_one_assist_is_confirmed_once_and_undo_takes_it_back(world: World) -> None:
    volunteer = await world.member(3, "00004")
    saved = await log_one(world, volunteer)
    confirmations = world.reach.confirmations
    second_account = world.reach.access.user_key(99)
    first = await confirmations.make_link(volunteer, saved.assist_id, NOW)
    replaced = await confirmations.make_link(volunteer, saved.assist_id, NOW)
    assert isinstance(first, LinkMade) and isinstance(replaced, LinkMade)
    unused = await refused(confirmations.confirm(second_account, first.token, "5", NOW))
    assert unused.reason is Reason.CONFIRM_UNKNOWN, "a new link replaces the unused one"
    assert isinstance(
        await confirmations.confirm(second_account, replaced.token, "5", NOW), Confirmed
    )
    for _ in range(10):  # the attack: ask again, confirm again
        again = await refused(confirmations.make_link(volunteer, saved.assist_id, NOW))
        assert again.reason is Reason.CONFIRM_USED, "a confirmed assist offers no new link"
    shown = await world.report()
    assert shown.union.verified_assists == 1 == shown.totals.assists
    offer = await world.reach.mine.undo_offer(volunteer, NOW)
    assert offer is not None
    assert await world.reach.mine.undo(volunteer, offer.assist_id, NOW)
    shown = await world.report()
    assert (shown.totals.assists, shown.union.verified_assists) == (0, 0)
    assert shown.union.rating_average is None
    assert world.rows("SELECT count(*) FROM rollup WHERE dim = 'ver'") == [(0,)]


# ---- headcounts, attendance and check-in ---------------------------------------------------


async def test_a_headcount_of_100000_waits_for_approval(world: World) -> None:
    activities = world.reach.activities
    activity = await activities.add_activity(ADMIN_SCOPE, "t", "00004", "class", "Lớp", TODAY)
    closer = await world.member(4, "00004", Role.COORDINATOR)
    closed = await activities.close(closer.scope, activity.id, 100_000, 100_000, closer.user_key)
    assert closed.headcount_status == "pending"
    shown = await world.report("00004")
    assert shown.union.attendees == 0 and shown.pending.activities == 1
    reviewer = reviewer_of(closer)
    assert reviewer is not None
    [waiting] = (await world.reach.reviews.queue(reviewer)).entries
    assert (waiting.entry.subject, waiting.people) == (Subject.HEADCOUNT, 100_000)
    own = await refused(
        world.reach.reviews.decide(reviewer, Subject.HEADCOUNT, waiting.entry.ref, True, NOW)
    )
    assert own.reason is Reason.REVIEW_OWN, "who typed it does not approve it"
    other = reviewer_of(await world.member(5, "01", Role.COORDINATOR))
    assert other is not None
    assert isinstance(
        await world.reach.reviews.decide(other, Subject.HEADCOUNT, waiting.entry.ref, True, NOW),
        Decided,
    )
    shown = await world.report("00004")
    assert shown.union.attendees_headcount == 100_000 and shown.pending.activities == 0
    small = await activities.add_activity(ADMIN_SCOPE, "t", "00004", "class", "Lớp 2", TODAY)
    assert (await activities.close(ADMIN_SCOPE, small.id, 40, 25)).headcount_status == "ok"


async def test_attendance_past_the_cap_and_remote_check_ins_wait(world: World) -> None:
    activity = await world.reach.activities.add_activity(
        ADMIN_SCOPE, "t", "00004", "class", "Lớp", TODAY
    )
    attendance = world.reach.attendance
    assert activity.checkin_token != activity.token and is_token(activity.checkin_token)
    for person in range(3):  # the cap for a class is 2 here
        await attendance.attend(f"resident-{person}", activity.token, "60p", NOW)
    assert world.rows("SELECT status, count(*) FROM attendance GROUP BY 1 ORDER BY 1") == [
        ("ok", 2),
        ("pending", 1),
    ]
    near = await world.member(3, "00008")  # the same province (Hà Nội)
    far = await world.member(5, "31825")  # Cà Mau's ward, in another province
    # The public attendance token does not check a member in.
    wrong = await refused(attendance.check_in(near, activity.token, NOW))
    assert wrong.reason is Reason.LINK_UNKNOWN
    assert isinstance(await attendance.check_in(near, activity.checkin_token, NOW), CheckedIn)
    assert isinstance(await attendance.check_in(far, activity.checkin_token, NOW), CheckedIn)
    statuses = world.rows("SELECT status FROM checkins ORDER BY status")
    assert statuses == [("ok",), ("pending",)]
    shown = await world.report("00004")
    assert shown.union.member_participations == 1 and shown.union.attendees_marked == 2
    assert shown.pending.activities == 2


# ---- accountability survives erasure --------------------------------------------------------


async def test_forget_keeps_the_member_number_on_records_and_check_ins(world: World) -> None:
    volunteer = await world.member(3, "00004")
    assert volunteer.member is not None
    number = volunteer.member.id
    activity = await world.reach.activities.add_activity(
        ADMIN_SCOPE, "t", "00004", "campaign_day", "Ra quân", TODAY
    )
    await world.reach.attendance.check_in(volunteer, activity.checkin_token, NOW)
    await log_one(world, volunteer)
    before = await world.report()
    await world.reach.erasure.forget(volunteer.user_key, NOW)
    assert world.rows("SELECT volunteer_id FROM assists") == [(number,)]
    assert world.rows("SELECT member_id FROM checkins") == [(number,)]
    assert world.rows("SELECT display_name, active FROM members WHERE id = ?", (number,)) == [
        ("", 0)
    ]
    assert not world.rows("SELECT 1 FROM members WHERE user_key = ?", (volunteer.user_key,))
    after = await world.report()
    assert after.union.member_participations == before.union.member_participations == 1
    assert after.union.youth_reached == before.union.youth_reached
    assert after.volunteers == [(f"#{number}", 1)]


async def test_a_pause_survives_forget_and_joining_again(world: World) -> None:
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    volunteer = await world.member(3, "00004")
    assert volunteer.member is not None
    await world.reach.membership.set_active(coordinator, volunteer.member.id, False, 0)
    await world.reach.erasure.forget(volunteer.user_key, NOW)
    assert len(world.rows("SELECT tag FROM blocked")) == 1, "one keyed tag, nothing else"
    admin = await world.actor(ADMIN)
    made = await world.reach.membership.invite(admin, ["00008"], NOW)
    assert isinstance(made, ms.InviteMade)
    key = volunteer.user_key
    assert isinstance(await world.reach.joining.begin(key, made.invite.code, NOW), jn.AskName)
    paused = await refused(world.reach.joining.name(key, made.invite.code, "Lan", NOW))
    assert paused.reason is Reason.INVITE_PAUSED
    # An active member who erases themselves leaves no tag and may join again.
    other = await world.member(7, "00004")
    await world.reach.erasure.forget(other.user_key, NOW)
    assert len(world.rows("SELECT tag FROM blocked")) == 1
    assert isinstance(
        await world.reach.joining.name(other.user_key, made.invite.code, "B", NOW), jn.Joined
    )


# ---- an old database upgrades without losing anything ---------------------------------------


def test_migration_9_dedupes_confirmations_and_dates_targets(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(conn, 8)
    conn.executescript(
        """
        INSERT INTO members (id, user_key, display_name, role, unit_id, joined_at)
            VALUES (1, 'k', 'Lan', 'volunteer', 1, 0);
        INSERT INTO assists (id, token, volunteer_id, unit_id, services, people, consent,
            occurred_at, created_at, day) VALUES (1, 't1', 1, 1, 1, 1, 1, 1, 1, 20000);
        INSERT INTO confirmations (token, assist_id, expires_at, used_at, rating) VALUES
            ('c1', 1, 9, 5, 5), ('c2', 1, 9, 6, 4), ('c3', 1, 9, 7, 3);
        INSERT INTO rollup VALUES (0, 20000, 'ver', 'n', 3, 3);
        INSERT INTO activities (id, token, unit_id, kind, title, first_day, last_day,
            created_by, created_at) VALUES (1, 'abcdefghjkmn', 1, 'class', 'L', 1, 1, 'x', 0);
        INSERT INTO targets (unit_id, campaign_id, metric, value) VALUES (1, 0, 'people', 500);
        """
    )
    migrations.apply(conn)
    conn.close()
    with sqlite3.connect(path) as db:
        assert db.execute(
            "SELECT token FROM confirmations WHERE used_at IS NOT NULL"
        ).fetchall() == [("c1",)]
        assert db.execute(
            "SELECT assists, anon FROM rollup WHERE dim = 'ver' AND key = 'n' AND level = 0"
        ).fetchall() == [(1, 1)]
        [(checkin,)] = db.execute("SELECT checkin_token FROM activities").fetchall()
        assert is_token(checkin) and checkin != "abcdefghjkmn"
        [(first, last)] = db.execute("SELECT first_day, last_day FROM targets").fetchall()
        year = clock.vn_date(clock.now()).year
        assert (first, last) == (
            (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days,
            (dt.date(year, 12, 31) - dt.date(1970, 1, 1)).days,
        )
        assert db.execute("SELECT status, batch FROM assists").fetchall() == [("ok", 0)]


# ---- end to end: a volunteer past the limit, a coordinator's /review ----------------------


@pytest.fixture
async def tight(api: StandinBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_outreach_bot(api, tmp_path, review_daily_people=1)
    yield running
    await running.stop()


async def test_review_in_chat(api: StandinBotApi, tight: RunningBot) -> None:
    admin = SimUser(api, user_id=ADMIN_ID, first_name="Admin")
    volunteer = await join(api, admin, "00004", "Lan")
    for _ in range(2):
        await volunteer.send("/assist")
        await volunteer.press("VNeID mức 1")
        await volunteer.press("16–30")
        await volunteer.press("Người dân đồng ý – Lưu")
    assert "chờ duyệt" in volunteer.last()["text"], "the second is past today's limit of 1"
    assert "🔗 Người dân xác nhận" not in volunteer.button_texts()
    await admin.send("/report")
    assert any("Đang chờ duyệt: 1 mục" in m.get("text", "") for m in admin.bot_messages()[-3:])
    await admin.send("/review")
    listing = admin.last()["text"]
    assert "Chờ duyệt: 1 mục" in listing and "Phường Ba Đình (00004)" in listing
    assert "đoàn viên số" in listing
    # Forged data decides nothing.
    await admin.press_data("1|k|a999999|y|", admin.last())
    assert query_db(tight, "SELECT count(*) FROM assists WHERE status = 'pending'") == [(1,)]
    await admin.press("✅ Duyệt 1")
    assert "Không có gì chờ duyệt" in admin.last()["text"]
    assert query_db(tight, "SELECT status FROM assists ORDER BY id") == [("ok",), ("ok",)]
    assert query_db(tight, "SELECT who, what, decision FROM review_log") == [
        ("admin", "assist", "approve")
    ]
    await volunteer.send("/review")
    assert "chỉ dành cho điều phối viên" in volunteer.last()["text"]


async def test_in_chat_a_headcount_of_100000_waits_and_a_pause_survives_forget(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    from tests.test_campaigns_flow import make_activity

    activity = await make_activity(obot, kind="class")
    await admin.send("/activity")
    await admin.press(activity.title)
    await admin.press("🔒 Đóng hoạt động")
    await admin.send("100000 100000")
    card = admin.last()["text"]
    assert "thêm 100.000 người" in card and "đang chờ duyệt" in card
    assert "Người tham dự: 0" in card, "not counted until approved"
    await admin.send("/review")
    assert "Số người tham dự gõ khi đóng hoạt động: 100.000" in admin.last()["text"]
    # The only admin typed it: allowed, and the log says so.
    await admin.press("✅ Duyệt 1")
    assert query_db(obot, "SELECT who, what, note FROM review_log") == [
        ("admin", "headcount", "own entry, no other admin")
    ]

    lan = await join(api, admin, "00004", "Lan")
    await admin.send("/members")
    await admin.press("Tạm dừng: Lan")
    await lan.send("/forget")
    await lan.press("Xóa dữ liệu của tôi")
    await admin.send("/invite 00008")
    code = admin.bot_messages()[-2]["text"].split("Mã:")[1].split()[0]
    await lan.send(f"/join {code}")
    await lan.send("Lan mới")
    assert "tạm dừng" in lan.last()["text"], "a pause survives /forget and a new invite"
    assert query_db(obot, "SELECT count(*) FROM members WHERE display_name LIKE 'Lan%'") == [(0,)]
