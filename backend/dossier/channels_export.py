"""The export's part about how the client was reached and who read the dossier (GDPR art. 15:
the recipients too): reminders and their settings, the Telegram link, the chat's devices and
link codes, the counsellors' visits and the audit trail. Tokens and hashes are never exported."""
from __future__ import annotations

from typing import Any, Dict, Optional

from backend.dossier.serializers import iso
from backend.tables import ChatDevice, LinkCode, Reminder, ReminderSettings, TelegramLink


def _reminder(r: Reminder) -> Dict[str, Any]:
    return {
        "action_id": r.action_id, "due_at": iso(r.due_at), "status": r.status, "channel": r.channel,
        "sent_at": iso(r.sent_at), "held": r.held,
    }


def _settings(settings: Optional[ReminderSettings]) -> Optional[Dict[str, Any]]:
    if settings is None:
        return None
    return {"state": settings.state, "snoozed_until": iso(settings.snoozed_until), "updated_at": iso(settings.updated_at)}


def _telegram(link: Optional[TelegramLink]) -> Optional[Dict[str, Any]]:
    return None if link is None else {"telegram_chat_id": link.telegram_chat_id, "linked_at": iso(link.linked_at)}


def _device(d: ChatDevice) -> Dict[str, Any]:
    return {
        "added_at": iso(d.created_at), "last_seen_at": iso(d.last_seen_at), "revoked_at": iso(d.revoked_at),
        "opened_the_invite_link": d.invite_token is not None,
    }


def _code(c: LinkCode) -> Dict[str, Any]:
    return {"purpose": c.purpose, "created_at": iso(c.created_at), "expires_at": iso(c.expires_at), "used_at": iso(c.used_at)}


def channels_export(data: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "reminders": [_reminder(r) for r in data["reminders"]],
        "reminder_settings": _settings(data["reminder_settings"]),
        "telegram": _telegram(data["telegram"]),
        "devices": [_device(d) for d in data["devices"]],
        "link_codes": [_code(c) for c in data["link_codes"]],
        "dashboard_visits": [{"counsellor": name, "at": iso(v.viewed_at)} for v, name in data["dashboard_visits"]],
        "audit": [{"who": name, "action": a.action, "at": iso(a.at)} for a, name in data["audit"]],
    }
