"""JSON shapes shared by the API and the CLI export."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from backend.models import Client, Insight, utcnow


def iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def consent(client: Client) -> Dict[str, Any]:
    return {
        "given": client.consent_given,
        "at": iso(client.consent_at),
        "version": client.consent_version,
    }


def profile(client: Client) -> Dict[str, Any]:
    return {
        "client_id": client.id,
        "name": client.name,
        "consent": consent(client),
        "formal": client.formal_address,
        "last_activity_at": iso(client.last_activity_at),
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


def dossier_export(client: Client, insights: List[Insight]) -> Dict[str, Any]:
    """Everything stored about the client (GDPR portability), proposed and dropped items too."""
    return {
        "exported_at": iso(utcnow()),
        "client": {
            "id": client.id,
            "name": client.name,
            "created_at": iso(client.created_at),
            "last_activity_at": iso(client.last_activity_at),
            "formal": client.formal_address,
            "consent": consent(client),
        },
        "insights": [insight(item) for item in insights],
        # Filled by later parts of the product; the keys are part of the export contract now.
        "actions": [],
        "contacts": [],
        "flags": [],
        "transcript": [],
    }
