"""Digital-skills outreach bot: step-by-step guides for residents, reach logging for volunteers."""

__version__ = "0.1.0"
