"""contract/: written once, used by both sides, importing nothing."""
from __future__ import annotations

import ast
from pathlib import Path

import contract
from backend import tables
from backend.dashboard import queries
from backend.dossier import validation
from bot.actions import dossier, safety


def test_the_contract_imports_nothing():
    tree = ast.parse(Path(contract.__file__).read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_the_backends_tables_and_checks_use_the_contracts_names():
    assert tables.CATEGORIES is contract.CATEGORIES and tables.TOPICS is contract.TOPICS
    assert tables.VALUE_MAX is contract.VALUE_MAX and tables.SENTENCE_MAX is contract.SENTENCE_MAX
    assert validation.BOT_FLAG_KINDS is contract.BOT_FLAG_KINDS
    assert queries.CRISIS_URGENCY is contract.CRISIS_URGENCY


def test_what_the_bot_writes_fits_what_the_backend_accepts():
    long = "x" * 10_000
    payload = dossier.insight_payload("chat-1", "quality", long, long)
    assert len(payload["value"]) == contract.VALUE_MAX and len(payload["sentence"]) == contract.SENTENCE_MAX
    _, action = dossier.point_write("chat-1", {"kind": "action", "value": long, "action": {}})
    assert len(action["text"]) == contract.TEXT_MAX


def test_every_crisis_flag_the_bot_can_raise_has_an_urgency():
    raised = {*safety.FLAG_VALUES.values(), *safety.NOT_SAFE_AFTER.values(), contract.CRISIS_NOT_SAFE}
    assert raised <= set(contract.CRISIS_URGENCY)
