"""The `health` command: is the database usable, does the key match it, are the guides valid
(for monitors, and the service's pre-start check: it never creates or migrates a database)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.config import Settings
from bot.domain.privacy import KeyRefused, settle_key
from bot.guides.loader import load_guides
from bot.services.keys import key_file_of
from bot.storage import maintenance


@dataclass(frozen=True)
class Health:
    ok: bool
    lines: list[str]


def health(settings: Settings) -> Health:
    """Database there, sound, writable, schema not too new; key matching it; guides valid."""
    started = time.perf_counter()
    ok, line, state = maintenance.inspect(settings.db_path)
    lines = [line]
    if state is not None:
        key_ok, key_lines = _key(settings, *state)
        ok &= key_ok
        lines += key_lines
    library, problems = load_guides(settings.guides_dir)
    lines.append(
        f"guides: {'ok' if not problems else 'FAILED'} ({len(library)} valid, "
        f"{len(problems)} problems)"
    )
    ok &= not problems
    lines.append(f"checked in {time.perf_counter() - started:.2f} s")
    return Health(ok, lines)


def _key(settings: Settings, stored: str | None, pseudonyms: bool) -> tuple[bool, list[str]]:
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    try:
        key = settle_key(
            configured, key_file_of(settings.db_path), stored, pseudonyms, may_create=False
        )
    except KeyRefused as exc:
        return False, [f"key: FAILED ({exc})"]
    if key is None:
        return True, ["key: none yet (the first start makes it beside the database)"]
    sealed = "matches the database" if stored is not None else "checked in at the next start"
    return True, [f"key: ok ({key.where}, {sealed})", *(f"key: WARNING {w}" for w in key.warnings)]
