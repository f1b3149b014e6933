"""`python -m backend clients invite`: a new chat link from the counsellor, as a real process."""
from __future__ import annotations

from tests.backend.test_cli import failed, ok_json, run_cli


def test_a_new_invite_link_replaces_the_old_one(database_url):
    ok_json(run_cli(database_url, "counsellors", "create", "--email", "an@example.org", "--name", "An", "--password-stdin", stdin="lang-genoeg-wachtwoord\n"))
    client = ok_json(run_cli(database_url, "clients", "create", "--counsellor", "an@example.org", "--name", "Jan"))
    renewed = ok_json(run_cli(database_url, "clients", "invite", "--client", str(client["client_id"])))
    assert renewed["client_id"] == client["client_id"]
    assert renewed["invite_url"] != client["invite_url"]
    assert renewed["invite_url"].startswith("http") and "/chat/" in renewed["invite_url"]
    assert renewed["signed_out_browsers"] == 0
    assert "client" in failed(run_cli(database_url, "clients", "invite", "--client", "999")).lower()
