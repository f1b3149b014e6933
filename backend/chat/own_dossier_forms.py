"""The forms of the client's 'Mijn dossier' page: a correction of one item and the choice of
sharing the conversation, as checked values or a plain Dutch message per field."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from backend.dashboard.forms import Errors, field_value, required_text
from backend.dossier.client_edits import FIELDS

# How a field is named in "Vul ... in."
FIELD_WORDS = {
    "value": "de tekst",
    "name": "de naam",
    "organisation": "de organisatie",
    "help": "waarmee deze persoon kan helpen",
    "text": "wat je wil doen",
}
# What a browser makes of bytes it could not read (a wrong encoding): never the client's words.
UNREADABLE = "\ufffd"
UNREADABLE_MESSAGE = "Er staan tekens in die we niet kunnen lezen. Typ de tekst opnieuw."
SHARE_CHOICES = {"ja": True, "nee": False}


def correction(kind: str, form: Mapping[str, Any]) -> Tuple[Optional[Dict[str, Optional[str]]], Errors, Dict[str, str]]:
    """(the checked values or None, errors per field, what the client typed, to show again)."""
    errors: Errors = {}
    typed = {name: field_value(form, name) for name in FIELDS[kind]}
    values: Dict[str, Optional[str]] = {}
    for name, (max_len, required) in FIELDS[kind].items():
        if required or typed[name]:
            values[name] = required_text(form, name, max_len, errors, FIELD_WORDS[name])
        else:
            values[name] = None  # an optional field left empty clears it
        if UNREADABLE in typed[name] and name not in errors:
            errors[name] = UNREADABLE_MESSAGE
    return (None if errors else values), errors, typed


def sharing(form: Mapping[str, Any]) -> Optional[bool]:
    """"ja" or "nee"; None for anything else."""
    return SHARE_CHOICES.get(field_value(form, "delen"))
