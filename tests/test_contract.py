"""contract/: written once, used by both sides, importing nothing."""
from __future__ import annotations

import ast
from pathlib import Path

import contract
from backend import tables
from backend.dashboard import listing
from backend.dossier import inputs
from bot.actions import crisis, dossier


def test_the_contract_imports_nothing():
    tree = ast.parse(Path(contract.__file__).read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_the_backends_tables_and_checks_use_the_contracts_names():
    assert tables.CATEGORIES is contract.CATEGORIES and tables.TOPICS is contract.TOPICS
    assert tables.VALUE_MAX is contract.VALUE_MAX and tables.SENTENCE_MAX is contract.SENTENCE_MAX
    assert inputs.BOT_FLAG_KINDS is contract.BOT_FLAG_KINDS
    assert listing.CRISIS_URGENCY is contract.CRISIS_URGENCY


def test_what_the_bot_writes_fits_what_the_backend_accepts():
    long = "x" * 10_000
    payload = dossier.insight_payload("chat-1", "quality", long, long)
    assert len(payload["value"]) == contract.VALUE_MAX and len(payload["sentence"]) == contract.SENTENCE_MAX
    _, action = dossier.point_write("chat-1", {"kind": "action", "value": long, "action": {}})
    assert len(action["text"]) == contract.TEXT_MAX


def test_every_crisis_flag_the_bot_can_raise_has_an_urgency():
    raised = {*crisis.FLAG_VALUES.values(), *crisis.NOT_SAFE_AFTER.values(), contract.CRISIS_NOT_SAFE}
    assert raised <= set(contract.CRISIS_URGENCY)


def test_a_number_setting_names_its_variable_when_it_is_wrong():
    from contract.settings import number

    assert number({}, "X_SECONDS", 3.0, 0.1, 60.0) == 3.0
    assert number({"X_SECONDS": " 2.5 "}, "X_SECONDS", 3.0, 0.1, 60.0) == 2.5
    for raw, message in [("drie", "X_SECONDS must be a number, not 'drie'"), ("90", "between 0.1 and 60.0")]:
        try:
            number({"X_SECONDS": raw}, "X_SECONDS", 3.0, 0.1, 60.0, error=LookupError)
        except LookupError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"{raw!r} was accepted")


def test_a_sliding_window_forgets_old_events_and_stays_bounded():
    from contract.sliding_window import SlidingWindow

    now = [0.0]
    window = SlidingWindow(60, clock=lambda: now[0], max_keys=3)
    window.add("a")
    window.add("a")
    assert window.count("a") == 2
    now[0] = 61
    assert window.count("a") == 0
    for key in "bcdef":
        window.add(key)
    assert len(window) <= 3 and window.count("f") == 1


def test_month_names_are_written_once():
    from backend.dashboard import labels
    from bot.actions import action_plan
    from bot.dutch import deadlines

    assert labels.MONTH_NAMES is contract.MONTH_NAMES and action_plan.MONTH_NAMES is contract.MONTH_NAMES
    assert deadlines.MONTH_OF["december"] == 12
