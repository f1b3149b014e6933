from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa_sdk import Tracker

from bot.actions import dossier
from bot.actions.outbox import Outbox
from tests.actions.fakes import FakeDossierClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fake_dossier(tmp_path: Path) -> FakeDossierClient:
    fake = FakeDossierClient()
    dossier.use(fake, Outbox(str(tmp_path / "outbox.sqlite3")))
    yield fake
    dossier.use(None, None)


@pytest.fixture
def make_tracker():
    """Builds a Tracker from tests/fixtures/tracker.json with slots and the latest message replaced."""

    def build(slots: Dict[str, Any] | None = None, text: str = "", intent: str = "inform", entities=None) -> Tracker:
        state = json.loads((FIXTURES / "tracker.json").read_text())
        state["slots"].update(slots or {})
        state["latest_message"] = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
        }
        state["events"].append({"event": "user", "timestamp": 1764331200.0, "text": text, "parse_data": state["latest_message"]})
        return Tracker.from_dict(state)

    return build


DOMAIN: Dict[str, Any] = {}
