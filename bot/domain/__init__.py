"""Telegram-free core of the outreach log: units, roles, assists, tallies, privacy rules."""
