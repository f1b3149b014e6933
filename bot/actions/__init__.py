"""Custom actions; `rasa run actions --actions bot.actions` loads every module listed here."""
from bot.actions import consent, exercise, qualities, review, safety  # noqa: F401
