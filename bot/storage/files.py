"""The database file before and after SQLite opens it: what makes it unusable, said in one
line that names the file and the fix (a missing, empty, foreign or truncated file, a
read-only or full disk), and its mode (owner only)."""

from __future__ import annotations

import os
from pathlib import Path


class DatabaseUnusable(Exception):
    """The file at DB_PATH cannot be used as it is: one line naming it and the fix."""


SQLITE_MAGIC = b"SQLite format 3\x00"
_RESTORE = "restore the latest backup to that path (see `outreach-bot backup`)"


def check_file(path: Path, *, create: bool) -> bool:
    """Before SQLite opens `path`: True when there is no database yet and `create` allows
    one (made here, mode 0600, so that its -wal and -shm are 0600 too); DatabaseUnusable for
    a folder, a missing file (not `create`), an empty, unreadable, foreign or truncated one.
    SQLite itself would take an empty file, or a missing one, for a new, empty database."""
    try:
        folder, there = path.is_dir(), path.exists()
    except OSError as exc:
        raise DatabaseUnusable(
            f"cannot reach the database {path} ({exc.strerror or exc}): check the owner and "
            "mode of its folders"
        ) from None
    if folder:
        raise DatabaseUnusable(f"{path} is a folder, not a database: set DB_PATH to a file")
    if not there:
        if not create:
            raise DatabaseUnusable(
                f"no database at {path}: check DB_PATH, or {_RESTORE}; only `run` and the "
                "commands that add data create a new one"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # made meanwhile by another process: checked below
        except OSError as exc:
            raise DatabaseUnusable(
                f"cannot create the database {path} ({exc.strerror or exc}): check the folder, "
                "its owner and that the disk is writable"
            ) from None
        else:
            return True
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise DatabaseUnusable(
            f"cannot read the database {path} ({exc.strerror or exc}): check its owner and mode"
        ) from None
    if size == 0:
        raise DatabaseUnusable(
            f"{path} is empty (0 bytes), not a database: {_RESTORE}, or remove the file to "
            "start anew with no data"
        )
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise DatabaseUnusable(f"{path} is not an SQLite database (damaged or foreign): {_RESTORE}")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    counted = head[24:28] == head[92:96]  # the header's page count is current
    if counted and pages and size < pages * page_size:
        raise DatabaseUnusable(
            f"{path} is truncated ({size} of {pages * page_size} bytes): {_RESTORE}"
        )
    return False


def private_files(path: Path) -> None:
    """The database, its -wal and -shm, readable by their owner only (0600)."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = name.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            continue  # not there (yet), or not ours: a warning would say nothing new


def unusable(path: Path, exc: BaseException) -> DatabaseUnusable:
    """What SQLite said, as one line naming the file and the fix."""
    text = str(exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseUnusable(
            f"the database {path} is read-only ({text}): the bot must be able to write it, "
            "its folder and its -wal and -shm files; check the disk, the mount and the owner"
        )
    if "unable to open" in lowered:
        return DatabaseUnusable(
            f"cannot open the database {path} ({text}): check its folder, owner and mode"
        )
    if "full" in lowered:
        return DatabaseUnusable(f"the disk holding {path} is full ({text}): free some space")
    return DatabaseUnusable(f"the database {path} is damaged ({text}): {_RESTORE}")


def damaged(path: Path, found: list[str]) -> DatabaseUnusable:
    """What `quick_check` found wrong, as one line."""
    said = " ".join("; ".join(found).split())[:200]
    return DatabaseUnusable(f"the database {path} is damaged (quick_check: {said}): {_RESTORE}")


_ABOUT_THE_FILE = (
    "readonly", "read-only", "unable to open", "full", "malformed", "not a database",
    "disk i/o", "corrupt", "locking protocol",
)  # fmt: skip


def about_the_file(exc: BaseException) -> bool:
    """SQLite refused the file or the disk (not, say, a migration's own mistake)."""
    return any(word in str(exc).lower() for word in _ABOUT_THE_FILE)
