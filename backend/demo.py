"""The demo counsellor and client that `make run` creates on its first start.

`python -m backend demo` prints a `DemoAccounts` as JSON and tools/announce.py reads it back with
`DemoAccounts.from_json`: one shape on both sides, so the announcement cannot ask for a field the
command does not print (it did: `make run` crashed on a KeyError for months).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any, Dict

from backend.config import ConfigError
from backend.dashboard.passwords import hash_password
from backend.dossier import accounts, validation
from backend.errors import CounsellorNotFound

DEMO_EMAIL = "demo@example.org"
DEMO_NAME = "Demo Begeleider"
DEMO_CLIENT = "Demo Cliënt"


class DemoPasswordMissing(ConfigError):
    pass


@dataclass(frozen=True)
class DemoAccounts:
    login_url: str
    email: str
    password: str
    counsellor_id: int
    client_id: int
    chat_id: str
    invite_url: str

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, text: str) -> "DemoAccounts":
        return cls(**json.loads(text))


def demo_password() -> str:
    """DEMO_PASSWORD from the environment: `make run` generates one per installation into
    var/secrets.env, so no two installations share a known password."""
    password = os.environ.get("DEMO_PASSWORD")
    if not password:
        raise DemoPasswordMissing("DEMO_PASSWORD is not set (make run generates it into var/secrets.env)")
    return validation.password(password)


async def ensure_demo_accounts(session, public_url: str, invite_url) -> DemoAccounts:
    """Creates the demo counsellor and client, or finds them; idempotent.

    A second run keeps the data and sets the password again, so the printed password is true.
    """
    password = demo_password()
    password_hash = hash_password(password)
    try:
        counsellor = await accounts.counsellor_by_email(session, DEMO_EMAIL)
        await accounts.set_password_hash(session, counsellor.id, password_hash)
    except CounsellorNotFound:
        counsellor = await accounts.create_counsellor(session, DEMO_EMAIL, DEMO_NAME, password_hash)
    client = await accounts.client_by_name(session, counsellor.id, DEMO_CLIENT)
    if client is None:
        client = await accounts.create_client(session, counsellor.id, DEMO_CLIENT)
    return DemoAccounts(
        login_url=f"{public_url}/login",
        email=DEMO_EMAIL,
        password=password,
        counsellor_id=counsellor.id,
        client_id=client.id,
        chat_id=client.chat_id,
        invite_url=invite_url(client.invite_token),
    )
