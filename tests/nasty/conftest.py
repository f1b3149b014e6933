"""The backend test fixtures (fresh database and app per test), shared with these tests."""
from tests.backend.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    app,
    auth,
    chat,
    client,
    config,
    consented_chat,
    database_url,
    dossier,
    tracker_path,
)
