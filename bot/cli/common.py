"""What the desktop commands share: the error a person at the terminal can fix, an OSError
said in one line, and `--out` files written whole or not at all.

Standard library only: `outreach-bot --help` imports this and should stay quick."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line, exit 1."""


def os_error(exc: OSError) -> str:
    """An OSError in one line for a person: what went wrong and with which file, without
    Python's `[Errno 21]`."""
    reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    return f"{' → '.join(names)}: {reason}" if names else reason


def out_file(out: str | Path, example: str) -> Path:
    """`--out` as a file; a folder is refused (by name, with an example) before any work."""
    path = Path(out)
    if path.is_dir():
        raise CliError(f"{path} is a folder: --out names a file, e.g. --out {path / example}")
    return path


@contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` (same extension), renamed to `path` only once it is
    complete: an error or Ctrl-C midway leaves neither a half-written file nor the
    temporary one. Made with the permissions a plain write would give."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temp
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
