"""The client's whole dossier as one JSON object (GDPR art. 15 and 20).

One function for every way out: the admin CLI (`clients export`) and the client's own download
on the chat page ('Meer' > 'Mijn gegevens downloaden') give the same content.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from sqlalchemy.ext.asyncio import AsyncSession

from backend.dashboard import queries
from backend.dossier import reading, serializers
from backend.dossier.channels_export import channels_export
from backend.errors import DossierError
from backend.rasa.tracker_store import TranscriptUnavailable
from backend.rasa.transcripts import TranscriptReader


class ExportIncomplete(DossierError):
    """The chat history cannot be read: an export without it would look complete while it is not."""


async def dossier_export(
    s: AsyncSession, reader: TranscriptReader, client_id: int, *, audit_as: str, counsellor_id: Optional[int] = None
) -> Dict[str, Any]:
    """Everything stored about the client, transcript included; the export is audited as `audit_as`."""
    data = await reading.dossier(s, client_id)
    try:
        transcript = await reader.transcript(data["client"].chat_id)
    except TranscriptUnavailable:
        raise ExportIncomplete(
            "the chat history cannot be read from TRACKER_STORE_URL; is its database reachable?"
        ) from None
    export = {**serializers.dossier_export(data, transcript), **channels_export(data)}
    await queries.audit(s, counsellor_id, data["client"].id, audit_as)
    return export
