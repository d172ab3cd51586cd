"""Command line: `outreach-bot <command>` (the same as `python -m bot <command>`).

The commands and their options are parser.py's, what each does commands.py's; here, how
a command's failure is told to the person at the terminal, and its exit status."""

from __future__ import annotations

import os
import sys

from bot.cli.common import os_error
from bot.cli.parser import build_parser
from bot.config import Settings, SettingsError, load_settings

EXIT_SETTINGS = 2
EXIT_STORAGE = 2  # the database or the key cannot be used as they are


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_SETTINGS
    from bot.domain.privacy import KeyRefused
    from bot.storage.db import DatabaseUnusable, StorageError, unusable

    settings: Settings | None = None
    try:
        settings = load_settings()
        return int(args.handler(settings, args))
    except SettingsError as exc:
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    except (DatabaseUnusable, KeyRefused) as exc:
        # A damaged, foreign, empty or missing database, or a key that does not match it:
        # one line naming the file and the fix, in every command.
        print(f"outreach-bot: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except StorageError as exc:  # refused midway: a full, failing or read-only disk
        assert settings is not None
        print(f"outreach-bot: {unusable(settings.db_path, exc)}", file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `outreach-bot units list | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or folder given that cannot be read or written
        print(f"outreach-bot: {os_error(exc)}", file=sys.stderr)
        return 1
