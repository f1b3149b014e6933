"""Fixtures offered to every test folder. pytest reads pytest_plugins only in the top-level
conftest: the backend's fixtures (fresh database, app, client, dossier) are declared here once,
and tests/nasty, tests/channels and tests/reminders use them as tests/backend does."""

pytest_plugins = ["tests.backend.fixtures"]

import os

from contract import chat_token

# Rasa's chat channels need CHAT_TOKEN_SECRET (bot/channels/chat_auth.py). The in-process
# channels, the test stacks and the tokens the tests sign (tests/chat_auth.py) all use this one
# unless the environment sets another.
os.environ.setdefault(chat_token.SECRET_VARIABLE, "test-chat-token-secret-of-at-least-32-bytes")

# The modules that start real processes (Rasa loads its model for 20-40 s) go first, so that
# pytest-xdist spreads them over both workers and the many quick tests fill the gaps at the end,
# instead of one worker starting a stack while the other has nothing left to do.
STARTS_PROCESSES = (
    "tests/scaleout/",
    "tests/e2e/",
    "tests/reminders/test_restart.py",
    "tests/browser/test_chat_page.py",
    "tests/nasty/test_live_channels.py",
    "tests/channels/test_telegram.py",
)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(STARTS_PROCESSES))
