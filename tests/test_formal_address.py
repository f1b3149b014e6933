"""Clients who ask for "u" get "u": every response that says je/jij/jouw has formal variants.

Rasa picks a response variant whose `condition` matches the slots (here formal_address=true)
and falls back to the unconditioned ("je") variants only when none matches. No model needed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

DOMAIN = Path(__file__).resolve().parents[1] / "bot" / "domain.yml"

INFORMAL = re.compile(r"\b(je|jij|jouw)\b", re.IGNORECASE)
FORBIDDEN_IN_FORMAL = re.compile(r"\b(je|jij|jouw|jou|jezelf)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{\w+\}")

# The confirmation of the switch to "je" is rendered while formal_address is still true
# (the action's SlotSet is applied after its messages), so it must have no formal variants.
EXEMPT = {"utter_address_informal"}

RESPONSES = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]


def is_formal(variant: dict) -> bool:
    return any(
        c.get("type") == "slot" and c.get("name") == "formal_address" and c.get("value") is True
        for c in variant.get("condition") or []
    )


def unconditioned(variants: list) -> list:
    return [v for v in variants if not v.get("condition")]


INFORMAL_RESPONSES = sorted(
    name
    for name, variants in RESPONSES.items()
    if name not in EXEMPT and any(INFORMAL.search(v.get("text", "")) for v in unconditioned(variants))
)
FORMAL_VARIANTS = [
    (name, variant["text"]) for name, variants in RESPONSES.items() for variant in variants if is_formal(variant)
]


def test_the_domain_has_responses_to_check():
    assert len(INFORMAL_RESPONSES) > 50 and FORMAL_VARIANTS


@pytest.mark.parametrize("name", INFORMAL_RESPONSES)
def test_a_response_with_je_has_two_formal_variants(name):
    formal = [v for v in RESPONSES[name] if is_formal(v)]
    assert len(formal) >= 2, f"{name} has {len(formal)} variant(s) for formal_address=true"


@pytest.mark.parametrize("name,text", FORMAL_VARIANTS)
def test_a_formal_variant_never_says_je(name, text):
    assert not FORBIDDEN_IN_FORMAL.search(text), f"{name}: {text!r}"


@pytest.mark.parametrize("name", sorted({name for name, _ in FORMAL_VARIANTS}))
def test_formal_variants_keep_the_placeholders_and_buttons(name):
    plain = unconditioned(RESPONSES[name])
    placeholder_sets = {frozenset(PLACEHOLDER.findall(v["text"])) for v in plain}
    button_sets = [v.get("buttons") for v in plain]
    for variant in RESPONSES[name]:
        if is_formal(variant):
            assert frozenset(PLACEHOLDER.findall(variant["text"])) in placeholder_sets, variant["text"]
            assert variant.get("buttons") in button_sets, variant["text"]


def test_the_exempt_response_has_no_formal_variant():
    for name in EXEMPT:
        assert not any(is_formal(v) for v in RESPONSES[name])
