"""`python -m bot` behaves exactly like the `outreach-bot` console script."""

from bot.cli.main import main

raise SystemExit(main())
