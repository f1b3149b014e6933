"""The client's list of qualities or motives becomes review points: every thing they named,
once, and nothing they only said around it."""
import pytest

from bot.actions.proposals import values_from_answer


@pytest.mark.parametrize(
    "entity, answer, expected",
    [
        ("motive", "zekerheid, afwisseling en een leuke baas", ["zekerheid", "afwisseling", "een leuke baas"]),
        ("quality", "geduldig en een echte doorzetter", ["geduldig", "volhardend"]),
        ("quality", "zorgen dat alles klopt, mensen geruststellen", ["zorgen dat alles klopt", "mensen geruststellen"]),
        ("quality", "ja die kloppen wel, en behulpzaam", ["behulpzaam"]),
        ("quality", "geduldig en niet zo creatief", ["geduldig"]),
        ("quality", "organiseren en overzicht houden", ["georganiseerd"]),
        ("quality", "geduldig, geduldig en nog eens geduldig", ["geduldig"]),
    ],
)
def test_every_named_value_once(entity, answer, expected):
    assert values_from_answer(entity, answer) == expected
