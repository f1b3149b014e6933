"""JSON shapes shared by the API and the CLI export."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from backend.jobs.withdrawal import days_left, erase_due_at
from backend.tables import Action, Client, Contact, Flag, Insight, MoodEntry, Note, utcnow


def iso(value: Optional[date]) -> Optional[str]:
    """ISO 8601 for datetimes (UTC with offset) and for dates (YYYY-MM-DD)."""
    return value.isoformat() if value is not None else None


def consent(client: Client) -> Dict[str, Any]:
    return {
        "given": client.consent_given,
        "at": iso(client.consent_at),
        "version": client.consent_version,
        "withdrawn_at": iso(client.consent_withdrawn_at),
    }


def withdrawal(client: Client, grace_days: int) -> Optional[Dict[str, Any]]:
    """When a withdrawn consent's data goes, and in how many days (what the bot tells the
    client); None when consent is not withdrawn."""
    withdrawn_at = client.consent_withdrawn_at
    if withdrawn_at is None:
        return None
    return {"erase_at": iso(erase_due_at(withdrawn_at, grace_days)), "erase_after_days": days_left(withdrawn_at, grace_days)}


def profile(client: Client, grace_days: int) -> Dict[str, Any]:
    return {
        "client_id": client.id,
        "name": client.name,
        "consent": consent(client),
        "withdrawal": withdrawal(client, grace_days),
        "formal": client.formal_address,
        "last_activity_at": iso(client.last_activity_at),
        # The day the counsellor ended the trajectory (start of the day, UTC); null: running.
        "trajectory_ended_at": iso(client.trajectory_ended_at),
    }


def insight(item: Insight) -> Dict[str, Any]:
    return {
        "id": item.id,
        "category": item.category,
        "value": item.value,
        "sentence": item.sentence,
        "status": item.status,
        "said_at": iso(item.said_at),
        "created_at": iso(item.created_at),
    }


def action(item: Action) -> Dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text,
        "due_date": iso(item.due_date),
        "status": item.status,
        "created_by": item.created_by,
        "measure": item.measure,
        "obstacle": item.obstacle,
        "is_homework": item.is_homework,
        # Homework may carry a reminder time; the bot schedules its reminder from it.
        "reminder_at": iso(item.reminder_at),
    }


def action_export(item: Action) -> Dict[str, Any]:
    return {
        **action(item),
        "source_insight": item.source_insight,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "client_edited_at": iso(item.client_edited_at),
    }


def _edited(data: Dict[str, Any], item: Any) -> Dict[str, Any]:
    """An exported item with when the client last corrected it on their 'Mijn dossier' page."""
    return {**data, "client_edited_at": iso(item.client_edited_at)}


def contact(item: Contact) -> Dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "circle": item.circle,
        "organisation": item.organisation,
        "help": item.help,
        "sentence": item.sentence,
        "contacted": item.contacted,
        "created_at": iso(item.created_at),
    }


def flag(item: Flag) -> Dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "message": item.message,
        "created_at": iso(item.created_at),
        "resolved_at": iso(item.resolved_at),
    }


def mood(item: MoodEntry) -> Dict[str, Any]:
    return {"id": item.id, "mood": item.mood, "sentence": item.sentence, "at": iso(item.at)}


def note(item: Note) -> Dict[str, Any]:
    return {"id": item.id, "text": item.text, "created_at": iso(item.created_at)}


def summary(data: Dict[str, Any]) -> Dict[str, Any]:
    client = data["client"]
    return {
        "last_topic": client.last_topic,
        "last_activity_at": iso(client.last_activity_at),
        "insights": data["insights"],
        "open_actions": [action(item) for item in data["open_actions"]],
        "formal": client.formal_address,
    }


def dossier_export(data: Dict[str, Any], transcript: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Everything stored about the client (GDPR portability), proposed and dropped items too."""
    client = data["client"]
    return {
        "exported_at": iso(utcnow()),
        "client": {
            "id": client.id,
            "name": client.name,
            "created_at": iso(client.created_at),
            "last_activity_at": iso(client.last_activity_at),
            "last_topic": client.last_topic,
            "formal": client.formal_address,
            "consent": consent(client),
            "retention_days": client.retention_days,
            # Whether the counsellor may read the whole conversation (the client's choice).
            "transcript_sharing": {"shared": client.transcript_shared, "chosen_at": iso(client.transcript_choice_at)},
            "trajectory_ended_at": iso(client.trajectory_ended_at),
        },
        "insights": [_edited(insight(item), item) for item in data["insights"]],
        "actions": [action_export(item) for item in data["actions"]],
        "contacts": [_edited(contact(item), item) for item in data["contacts"]],
        "flags": [flag(item) for item in data["flags"]],
        "mood": [mood(item) for item in data["mood"]],
        "notes": [note(item) for item in data["notes"]],
        "transcript": transcript,
    }
