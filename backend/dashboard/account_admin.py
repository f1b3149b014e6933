"""The admin CLI's counsellor commands besides `create`: disable and enable an account, and set
a new password (also the dashboard's "Wachtwoord wijzigen", backend.dashboard.own_account).
Disabling and a new password end every sign-in of the account at once."""
from __future__ import annotations

from typing import Any, Dict

from sqlalchemy.ext.asyncio import AsyncSession

from backend.dashboard import sessions
from backend.dashboard.passwords import check_new_password, hash_password
from backend.dossier import accounts
from backend.tables import utcnow


async def set_disabled(s: AsyncSession, email: str, disabled: bool) -> Dict[str, Any]:
    counsellor = await accounts.counsellor_by_email(s, email)
    counsellor.disabled_at = utcnow() if disabled else None
    await s.commit()
    ended = await sessions.end_all(s, counsellor.id) if disabled else 0
    return {"counsellor_id": counsellor.id, "disabled": disabled, "ended_sign_ins": ended}


async def reset_password(s: AsyncSession, email: str, password: str) -> Dict[str, Any]:
    counsellor = await accounts.counsellor_by_email(s, email)
    check_new_password(password, email)
    ended = await set_new_password(s, counsellor.id, hash_password(password))
    return {"counsellor_id": counsellor.id, "ended_sign_ins": ended}


async def set_new_password(s: AsyncSession, counsellor_id: int, password_hash: str) -> int:
    """Stores a checked password's hash and ends every sign-in of the account; how many."""
    await accounts.set_password_hash(s, counsellor_id, password_hash)
    return await sessions.end_all(s, counsellor_id)
