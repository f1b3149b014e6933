"""Custom actions; `rasa run actions --actions bot.actions` loads every module listed here."""
from bot.actions import (  # noqa: F401
    consent,
    conversation,
    exercise,
    labour_market,
    motives,
    network,
    pop,
    privacy,
    qualities,
    restart,
    review,
    safety,
)
