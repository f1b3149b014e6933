"""Fixtures offered to every test folder. pytest reads pytest_plugins only in the top-level
conftest: the backend's fixtures (fresh database, app, client, dossier) are declared here once,
and tests/nasty, tests/channels and tests/reminders use them as tests/backend does."""

pytest_plugins = ["tests.backend.fixtures"]
