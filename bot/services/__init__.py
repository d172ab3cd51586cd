"""The outreach log's services: every rule, decided once, on plain values.

Each service method takes plain values (a person's `Actor`, codes, numbers, the time) and
returns a plain result (a dataclass) that an adapter turns into a screen: the Telegram
handlers and the command line use the same rules. Services use the domain (`bot.domain`)
and storage (`bot.storage`); they never import `telegram` or `bot.telegram`.

`Reach` builds them all over one database; `bot/app.py` makes one in `post_init`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.review import Limits
from bot.domain.units_csv import UnitRow
from bot.services.access import Access, Directory, Languages, Questions
from bot.services.activities import Activities
from bot.services.assist_form import AssistForms
from bot.services.attendance import Attendance
from bot.services.campaigns import Campaigns
from bot.services.clusters import Clusters
from bot.services.confirmations import Confirmations
from bot.services.erasure import Erasure
from bot.services.guide_stats import GuideStats
from bot.services.joining import Joining
from bot.services.membership import Membership
from bot.services.mine import Mine
from bot.services.review import Reviews
from bot.services.self_serve import SelfServe
from bot.services.subscriptions import Subscriptions
from bot.services.targets import Targets
from bot.services.web_counter import WebCounter
from bot.storage.activities import ActivityRepository
from bot.storage.assists import AssistRepository
from bot.storage.attendance import AttendanceRepository
from bot.storage.campaigns import CampaignRepository
from bot.storage.clusters import ClusterRepository
from bot.storage.confirmations import ConfirmationRepository
from bot.storage.db import Database
from bot.storage.erasure import ErasureRepository
from bot.storage.guide_stats import GuideStatsRepository
from bot.storage.members import MemberRepository
from bot.storage.prefs import PrefsRepository
from bot.storage.questions import OpenQuestion, QuestionRepository
from bot.storage.review import ReviewRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.targets import TargetRepository
from bot.storage.units import ImportResult, UnitRepository
from bot.storage.web_clicks import WebClickRepository


@dataclass(frozen=True)
class Policy:
    """The settings the rules depend on, as plain values."""

    admin_ids: frozenset[int] = frozenset()
    default_language: str = "vi"
    undo_minutes: int = 10
    backdate_days: int = 7
    invite_days: int = 7
    invite_uses: int = 50
    review_daily_people: int = 200
    review_headcount_floor: int = 200
    review_headcount_multiple: int = 3
    review_attendance_cap: tuple[tuple[str, int], ...] = (("class", 150), ("campaign_day", 500))

    web_unit_daily_cap: int = 300
    search_gaps_days: int = 90


@dataclass(frozen=True)
class CampaignServices:
    """The union's units of work, one service per subject: campaigns, activities (with the
    chat form and closing), check-ins and attendance, targets, clusters and teams."""

    campaigns: Campaigns
    activities: Activities
    attendance: Attendance
    targets: Targets
    clusters: Clusters


def campaign_services(
    db: Database,
    directory: Directory,
    questions: Questions,
    units: UnitRepository,
    limits: Limits | None = None,
) -> CampaignServices:
    """Built once here, for `Reach` and for the command line (which has no `Reach`)."""
    campaigns = Campaigns(CampaignRepository(db), directory, questions)
    activities = Activities(ActivityRepository(db), campaigns, directory, questions, limits)
    return CampaignServices(
        campaigns,
        activities,
        Attendance(AttendanceRepository(db), activities, directory, limits),
        Targets(TargetRepository(db), campaigns, directory),
        Clusters(ClusterRepository(db), campaigns, directory, units),
    )


class Reach:
    def __init__(
        self,
        db: Database,
        key: bytes,
        policy: Policy,
        *,
        known_word: Callable[[str], bool] | None = None,
    ) -> None:
        """`known_word`: whether the guides write a word with a capital (the composition
        root builds it from the guide library), for the unanswered-questions log."""
        self.db = db
        self.policy = policy
        units = UnitRepository(db)
        members = MemberRepository(db)
        assists = AssistRepository(db)
        self._units = units
        self.questions = Questions(QuestionRepository(db))
        self.directory = Directory(db, units, members)
        self.access = Access(self.directory, key, policy.admin_ids)
        self.languages = Languages(PrefsRepository(db), policy.default_language)
        self.limits = Limits(
            policy.review_daily_people,
            policy.review_headcount_floor,
            policy.review_headcount_multiple,
            policy.review_attendance_cap,
        )
        self.forms = AssistForms(
            assists, self.access, self.questions, key, policy.backdate_days, self.limits
        )
        self.mine = Mine(assists, policy.undo_minutes)
        self.joining = Joining(members, self.questions, self.directory, key)
        self.membership = Membership(
            members, self.directory, policy.invite_days, policy.invite_uses
        )
        self.erasure = Erasure(
            ErasureRepository(db), self.questions, self.directory, self.languages, key
        )
        self.self_serve = SelfServe(assists, self.directory, key)
        self.web_counter = WebCounter(
            WebClickRepository(db), self.directory, key, policy.web_unit_daily_cap
        )
        self.confirmations = Confirmations(ConfirmationRepository(db))
        self.subscriptions = Subscriptions(SubscriptionRepository(db), self.access)
        plans = campaign_services(db, self.directory, self.questions, units, self.limits)
        self.campaigns = plans.campaigns
        self.activities = plans.activities
        self.attendance = plans.attendance
        self.targets = plans.targets
        self.clusters = plans.clusters
        self.guide_stats = GuideStats(
            GuideStatsRepository(db),
            known_word=known_word,
            gaps_days=policy.search_gaps_days,
        )
        self.reviews = Reviews(ReviewRepository(db), len(policy.admin_ids))

    async def start(self, now: int) -> None:
        """Load the units, members and open questions once, before the first update."""
        await self.directory.fresh()
        await self.languages.load()
        await self.questions.load(now)
        await self.guide_stats.tidy(now)

    async def question_for(self, user_key: str, now: int) -> OpenQuestion | None:
        """What the bot asked this person to type, if the question is still open."""
        return await self.questions.question(user_key, now)

    async def drop_question(self, user_key: str) -> None:
        """The person moved on (sent a command): whatever the bot asked them to type is no
        longer awaited, so their next words are not taken as a name or a number."""
        await self.questions.close(user_key)

    async def import_units(self, rows: list[UnitRow], problems: list[str]) -> ImportResult:
        result = await self._units.import_rows(rows, problems)
        self.directory.mark_stale()
        return result
