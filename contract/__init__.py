"""What the bot and the backend agree on: the dossier's categories and topics, the length
limits of what the bot writes, and the words of a crisis flag with their urgency.

Both sides import these names from here (the backend's tables and validation, the bot's
actions), so a limit or a category is written once. This module imports nothing, so that the
action server and the backend can both use it without pulling in each other's dependencies.
The names that outside checks rely on are in shared/CONTRACT.md.
"""

# Insight categories the dossier stores.
CATEGORIES = (
    "quality",
    "motive",
    "network",
    "labour_market",
    "action",
    "question_for_counsellor",
    "mood",
    "crisis",
)
INSIGHT_STATUSES = ("proposed", "confirmed", "dropped")
CIRCLES = ("family", "friends", "colleagues", "professional", "associations")
# How one contact's circle is named, to the client and to the counsellor alike.
CIRCLE_LABELS = {
    "family": "familie",
    "friends": "vrienden en buren",
    "colleagues": "collega of oud-collega",
    "professional": "professioneel contact",
    "associations": "vereniging of club",
}
ACTION_STATUSES = ("open", "done", "blocked")
MOODS = ("good", "bad")
# Flags the bot may raise; "no_activity" flags are the backend's own.
BOT_FLAG_KINDS = ("crisis", "stuck")
FLAG_KINDS = (*BOT_FLAG_KINDS, "no_activity")

# The exercises, as the dossier remembers the last one ("Vorige keer werkten we aan ...").
TOPICS = ("qualities", "motives", "network", "labour_market", "actions")
# The exercise in which an insight of a category is confirmed.
CATEGORY_TOPICS = {
    "quality": "qualities",
    "motive": "motives",
    "network": "network",
    "labour_market": "labour_market",
    "action": "actions",
}

# Lengths (characters) the backend accepts; the bot cuts what it sends to them.
NAME_MAX = 200
EMAIL_MAX = 254
VALUE_MAX = 200
SENTENCE_MAX = 5000
KEY_MAX = 120
CONSENT_VERSION_MAX = 50
TOKEN_MAX = 64
TEXT_MAX = 1000
NOTE_MAX = 5000

# The value of a crisis insight (the words on the counsellor's flag) and how urgent it is: the
# dashboard lists the most urgent open flag first. The bot writes them (bot/actions/crisis.py).
CRISIS_POSSIBLE = "mogelijk crisissignaal"
CRISIS_CLEAR = "crisissignaal"
CRISIS_VIOLENCE = "geweld of gevaar door anderen"
CRISIS_NOT_SAFE = "niet veilig"
CRISIS_NOT_SAFE_VIOLENCE = "niet veilig: gevaar door anderen"
CRISIS_NOT_SAFE_ALONE = "niet veilig en alleen"
# One rank per value: the client list names the most urgent flag by its rank.
CRISIS_URGENCY = {
    CRISIS_NOT_SAFE_ALONE: 6,
    CRISIS_NOT_SAFE_VIOLENCE: 5,
    CRISIS_NOT_SAFE: 4,
    CRISIS_VIOLENCE: 3,
    CRISIS_CLEAR: 2,
    CRISIS_POSSIBLE: 1,
}

# How dates are written to the client and to the counsellor ("4 december").
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
