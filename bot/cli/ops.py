"""The `health` command: is the database usable and are the guides valid (for monitors)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.config import Settings
from bot.guides.loader import load_guides
from bot.storage import maintenance


@dataclass(frozen=True)
class Health:
    ok: bool
    lines: list[str]


def health(settings: Settings) -> Health:
    """Database reachable, schema current and intact, writable; guides valid."""
    started = time.perf_counter()
    ok, line = maintenance.check(settings.db_path)
    lines = [line]
    library, problems = load_guides(settings.guides_dir)
    lines.append(
        f"guides: {'ok' if not problems else 'FAILED'} ({len(library)} valid, "
        f"{len(problems)} problems)"
    )
    ok &= not problems
    lines.append(f"checked in {time.perf_counter() - started:.2f} s")
    return Health(ok, lines)
