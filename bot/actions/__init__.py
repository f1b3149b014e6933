"""Custom actions; `rasa run actions --actions bot.actions` loads every module listed here.

One module per topic, named as the topic's NLU file (bot/data/nlu/<topic>.yml), its rules
(bot/data/rules/<topic>.yml) and its heading in bot/domain.yml, in the domain's order. The
other modules are shared by all topics: dossier.py (with dossier_client.py, outbox.py and
settings.py), form_validation.py, free_text.py, proposals.py and wording.py.
"""
from bot.actions import (  # noqa: F401
    basics,
    consent,
    address,
    mood,
    privacy,
    boundaries,
    crisis,
    exercise,
    qualities,
    motives,
    network,
    labour_market,
    action_plan,
    reminders,
    counsellor,
    review,
    restart,
)
