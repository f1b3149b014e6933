"""Tests of bot.dutch.contacts: names, organisations and the circle from the words around a name."""
from __future__ import annotations

import pytest

from bot.dutch import circles
from bot.dutch.contacts import circle_of, find_contacts, find_organisations


def people(text, entities=()):
    return [(c.name, c.circle) for c in find_contacts(text, entities)]


def entity(text, kind, name):
    start = text.index(name)
    return {"entity": kind, "value": name, "start": start, "end": start + len(name)}


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ("mijn zus ", "", "family"),
        ("mijn schoonbroer ", " is aankoper", "family"),
        ("mijn petekind ", "", "family"),
        ("mijn meter ", "", "family"),
        ("mijn nonkel ", "", "family"),
        ("mijn beste vriendin ", "", "friends"),
        ("mijn buurman ", "", "friends"),
        ("", ", een kennis van de fitness", "friends"),
        ("mijn oud-collega ", "", "colleagues"),
        ("", ", mijn vroegere baas, werkt nu bij Randstad", "colleagues"),
        ("", ", mijn teamleider", "colleagues"),
        ("mijn begeleider ", "", "professional"),
        ("mijn consulent ", " van het OCMW", "professional"),
        ("", " van de VDAB", "professional"),
        ("", ", mijn maatschappelijk werker bij het CAW", "professional"),
        ("", " van de scouts", "associations"),
        ("", " is trainer bij de voetbal", "associations"),
        ("", " van mijn voetbalploeg", "associations"),
        ("", " van mijn fietsclub", "associations"),
        ("", " ken ik van de volleybalclub", "associations"),
        # a job said of the person is no relation to the client
        ("", " is zaakvoerder van een bakkerij", None),
        ("", " is directeur van een school", None),
        ("", " doet HR bij Delhaize", None),
        ("", " werkt bij Colruyt", None),
        ("", "", None),
    ],
)
def test_circle_words(before, after, expected):
    assert circle_of(before, after, first=True) == expected


def test_earlier_words_count_for_the_first_name_only():
    assert circle_of("een vriendin, ", ", werkt bij Proximus", first=True) == "friends"
    assert circle_of("een vriendin, ", "", first=False) is None


def test_every_circle_word_belongs_to_one_circle():
    seen = {}
    for circle, words in circles.CIRCLE_WORDS.items():
        for word in words.split():
            assert seen.setdefault(word, circle) == circle, word


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mijn zus Ilse De Smet werkt bij de VDAB", [("Ilse De Smet", "family")]),
        ("Anaïs is een oud-collega van bij Colruyt", [("Anaïs", "colleagues")]),
        ("mijn schoonbroer Jan-Willem van den Berg is aankoper", [("Jan-Willem van den Berg", "family")]),
        ("Marie-Louise D'hondt van de turnkring", [("Marie-Louise D'hondt", "associations")]),
        ("mijn broer Pieter en zijn vrouw Katrien", [("Pieter", "family"), ("Katrien", "family")]),
        # lowercase names after a relation, and at the start with a relation after them
        ("mijn zus an werkt in een ziekenhuis", [("an", "family")]),
        ("mijn vriend jonas werkt in de haven", [("jonas", "friends")]),
        ("tom, een vriend van vroeger, werkt nu bij Proximus", [("tom", "friends")]),
        ("lien van de volleybal", [("lien", "associations")]),
        # capitalised words that are no people
        ("Geduldig, nauwkeurig en behulpzaam.", []),
        ("Wat me energie geeft: klanten helpen", []),
        ("Dank je wel!", []),
        ("Tegen 3 december de documenten invullen", []),
        ("twee keer per week Frans oefenen met een app", []),
        ("ik heb een cursus Excel gevolgd", []),
        ("morgen pas ik mijn LinkedIn-profiel aan", []),
        ("vrijdag mail ik de HR-verantwoordelijke van Barco", []),
        ("ik ben 45 jaar en woon in Gent", []),
        ("ik ben gisteren naar de VDAB geweest", []),
        ("mijn mama kent de directeur van het rusthuis", []),
        ("ik wil dat mijn baas mij vertrouwt", []),
        # ... unless a relation word says so
        ("mijn nonkel Frans", [("Frans", "family")]),
    ],
)
def test_fallback_names(text, expected):
    assert people(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik ben gisteren naar de VDAB geweest", ["VDAB"]),
        ("Kim van de VDAB", ["VDAB"]),
        ("Stijn rijdt met de bus voor De Lijn", ["Lijn"]),
        ("Hanne van de crèche werkt bij Kind en Gezin", ["Kind en Gezin"]),
        ("volgende week woensdag bel ik met de HR van Barco", ["Barco"]),
        ("dinsdag ga ik langs bij het interimkantoor in Gent", []),
    ],
)
def test_fallback_organisations(text, expected):
    assert find_organisations(text) == expected


def test_kim_of_the_vdab_is_a_professional_contact_there():
    (kim,) = find_contacts("Kim van de VDAB")
    assert (kim.name, kim.organisation, kim.circle) == ("Kim", "VDAB", "professional")


def test_nlu_entities_come_first():
    text = "mijn zus Ilse De Smet werkt bij de VDAB"
    entities = [entity(text, "person", "Ilse De Smet"), entity(text, "organisation", "VDAB")]
    (ilse,) = find_contacts(text, entities)
    assert (ilse.name, ilse.organisation, ilse.circle) == ("Ilse De Smet", "VDAB", "family")
    assert find_organisations(text, entities) == ["VDAB"]
    # the model found a lowercase name the fallback would not
    text = "wout van het koor werkt bij de gemeente"
    assert people(text, [entity(text, "person", "wout")]) == [("wout", "associations")]


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "A" * 3000, "Mijn Mijn Mijn", "van de van de", "'-'", "D'", "X-"])
def test_odd_input_does_not_crash(text):
    find_contacts(text)
    find_organisations(text)
