"""The admin CLI's counsellor commands besides `create`: disable and enable an account, and set
a new password. Disabling and a new password end every sign-in of the account at once."""
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
    await accounts.set_password_hash(s, counsellor.id, hash_password(password))
    ended = await sessions.end_all(s, counsellor.id)
    return {"counsellor_id": counsellor.id, "ended_sign_ins": ended}
