"""Where readers get stuck, and what they ask that no guide answers: counted without anyone
in it, for the editors (`guides funnel`, `guides gaps`, the three worst steps in /report).

Steps are counted in memory and written once a minute (and at shutdown), so a guide tap
makes no trip to the database; a crash loses at most a minute of anonymous counts. Each
person counts once per step, kind and day: the memory of who was counted holds keyed hashes
only, is never written, and `forget` drops a person from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot import clock
from bot.domain.periods import Period
from bot.domain.privacy import gap_question, private_kind
from bot.domain.small_talk import small_talk
from bot.storage.guide_stats import GuideStatsRepository

REACHED, STUCK, FINISHED = "reached", "stuck", "finished"
GAPS_DAYS = 90  # how long an unanswered question is kept (SEARCH_GAPS_DAYS)
# The rules `gap_question` applies; rows kept under older rules are cleaned once at start.
GAP_RULES = "1"
MAX_REMEMBERED = 200_000  # who was counted today; past this the memory starts again
WORST_MIN_REACHED = 5  # a step seen by fewer people says little about the step


@dataclass(frozen=True)
class FunnelStep:
    guide_id: str
    version: str
    step: int
    reached: int
    stuck: int
    left: int  # reached this step but not the next one (for the last step: did not finish)
    worst: bool = False  # the largest drop of its guide version

    @property
    def drop_share(self) -> float:
        return self.left / self.reached if self.reached else 0.0


@dataclass(frozen=True)
class GuideFunnel:
    guide_id: str
    version: str
    finished: int
    steps: tuple[FunnelStep, ...]


def _nothing_known(word: str) -> bool:
    return False


class GuideStats:
    def __init__(
        self,
        repo: GuideStatsRepository,
        *,
        known_word: Callable[[str], bool] | None = None,
        gaps_days: int = GAPS_DAYS,
    ) -> None:
        """`known_word`: whether the guides write this word with a capital (VNeID, Zalo), so
        a resident's capitalised word is not taken for a name; given by the composition
        root, which has the guide library. Without it every capitalised word after the first
        is hidden. `gaps_days`: unanswered questions older than this are dropped."""
        self._repo = repo
        self._known_word = known_word or _nothing_known
        self._gaps_days = gaps_days
        self._pruned_day: int | None = None
        self._pending: Counter[tuple[str, str, int, int, str]] = Counter()
        self._counted: set[tuple[str, str, str, int, str, int]] = set()

    def gap_text(self, question: str) -> str:
        """What the log keeps of a question (see `gap_question`): "" for none of it."""
        return gap_question(question, self._known_word)

    async def unanswered(self, question: str, now: int) -> None:
        """A question no guide answered with confidence, kept as `gap_text` makes it: never
        small talk, and never a message with a private value in it (the handlers do not
        search those; this holds even if one did)."""
        if small_talk(question) is not None or private_kind(question) is not None:
            return
        text = self.gap_text(question)
        if text:
            await self._repo.add_gap(clock.day_of(now), text)

    async def tidy(self, now: int) -> None:
        """At start: clean the rows kept under older rules once (a flag in `meta` records
        it), and drop rows older than `gaps_days`."""
        today = clock.day_of(now)
        await self._repo.tidy_gaps(GAP_RULES, self.gap_text, today - self._gaps_days)
        self._pruned_day = today

    async def _prune(self, now: int) -> None:
        today = clock.day_of(now)
        if self._pruned_day != today:
            await self._repo.drop_gaps_before(today - self._gaps_days)
            self._pruned_day = today

    def saw(
        self, user_key: str, guide_id: str, version: str, step: int, kind: str, now: int
    ) -> None:
        """A person reached a step, was stuck on it, or finished the guide (step 0)."""
        day = clock.day_of(now)
        who = (user_key, guide_id, version, step, kind, day)
        if who in self._counted:
            return
        if len(self._counted) >= MAX_REMEMBERED:
            self._counted.clear()
        self._counted.add(who)
        self._pending[(guide_id, version, step, day, kind)] += 1

    def forget(self, user_key: str) -> None:
        self._counted = {who for who in self._counted if who[0] != user_key}

    async def flush(self, now: int | None = None) -> None:
        """Write the step counts kept in memory (the JobQueue calls this once a minute);
        on the first call of each day, also drop the unanswered questions older than
        `gaps_days`."""
        pending, self._pending = self._pending, Counter()
        try:
            await self._repo.add_funnel(
                (g, v, step, day, kind, n) for (g, v, step, day, kind), n in pending.items()
            )
        except Exception:
            self._pending.update(pending)  # kept for the next try
            raise
        await self._prune(clock.now() if now is None else now)

    async def funnels(self, guide_id: str | None, period: Period) -> list[GuideFunnel]:
        """Each guide version's steps with reached, stuck and left, the largest drop marked."""
        await self.flush()
        rows = await self._repo.funnel(guide_id, period.first_day, period.last_day)
        counts: dict[tuple[str, str], dict[tuple[int, str], int]] = {}
        for g, v, step, kind, n in rows:
            counts.setdefault((g, v), {})[(step, kind)] = n
        funnels = []
        for (g, v), by in sorted(counts.items()):
            last = max((step for step, _ in by), default=0)
            finished = by.get((0, FINISHED), 0)
            steps = []
            for step in range(1, last + 1):
                reached = by.get((step, REACHED), 0)
                after = by.get((step + 1, REACHED), 0) if step < last else finished
                steps.append(
                    FunnelStep(
                        g, v, step, reached, by.get((step, STUCK), 0), max(reached - after, 0)
                    )
                )
            worst = max(steps, key=lambda s: (s.left, -s.step), default=None)
            marked = tuple(
                FunnelStep(s.guide_id, s.version, s.step, s.reached, s.stuck, s.left, s is worst)
                for s in steps
            )
            funnels.append(GuideFunnel(g, v, finished, marked))
        return funnels

    async def worst_steps(self, period: Period, count: int = 3) -> list[FunnelStep]:
        """The steps most readers leave at, by share, among steps enough people reached."""
        steps = [s for f in await self.funnels(None, period) for s in f.steps]
        seen = [s for s in steps if s.reached >= WORST_MIN_REACHED and s.left > 0]
        return sorted(seen, key=lambda s: (-s.drop_share, -s.reached, s.guide_id, s.step))[:count]

    async def gaps(self, period: Period, limit: int = 30) -> list[tuple[str, int]]:
        """The most-asked unanswered questions. Each row passes the cleaning again, so a
        database the bot has not cleaned yet (`tidy` runs at the bot's start) shows none
        of what the rules remove."""
        rows = await self._repo.gaps(period.first_day, period.last_day, limit)
        asked: Counter[str] = Counter()
        for question, n in rows:
            text = self.gap_text(question)
            if text:
                asked[text] += n
        return sorted(asked.items(), key=lambda row: (-row[1], row[0]))
