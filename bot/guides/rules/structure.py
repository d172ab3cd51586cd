"""Prerequisites (`requires:`) that exist and do not go round."""

from __future__ import annotations

from bot.guides.models import Guide
from bot.guides.rules.fields import RuleProblem


def requires_problems(guides: dict[str, Guide]) -> list[RuleProblem]:
    problems = []
    for guide in guides.values():
        for i, target in enumerate(guide.requires):
            if target == guide.id:
                problems.append(
                    RuleProblem(guide.id, ("requires", i), "a guide cannot need itself")
                )
            elif target not in guides:
                problems.append(RuleProblem(guide.id, ("requires", i), f"no guide '{target}'"))
    for cycle in _cycles(guides):
        path = " → ".join(cycle)
        problems.append(RuleProblem(cycle[0], ("requires",), f"prerequisites go round: {path}"))
    return problems


def _cycles(guides: dict[str, Guide]) -> list[list[str]]:
    """Each loop of prerequisites once, starting at its smallest id."""
    found: set[tuple[str, ...]] = set()

    def walk(node: str, trail: list[str]) -> None:
        for nxt in guides[node].requires:
            if nxt not in guides or nxt == node:
                continue
            if nxt in trail:
                loop = trail[trail.index(nxt) :]
                start = loop.index(min(loop))
                found.add(tuple(loop[start:] + loop[:start]))
            elif len(trail) < len(guides):
                walk(nxt, [*trail, nxt])

    for guide_id in sorted(guides):
        walk(guide_id, [guide_id])
    return [[*loop, loop[0]] for loop in sorted(found)]
