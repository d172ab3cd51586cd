"""Telegram-free core: guide models, loading and validation, search, navigation rules."""
