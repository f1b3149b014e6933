"""Tests for the Dutch quality/motive lexicons, bot.dutch.lexicon and the Rasa LexiconEntityExtractor."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from bot.dutch import lexicon, normalise
from bot.dutch.lexicon import MOTIVE, QUALITY, extract

# Rasa pulls in matplotlib and packaging, whose imports call deprecated pyparsing names.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:matplotlib.*"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:packaging.*"),
]

ROOT = Path(__file__).resolve().parents[1]
LEXICON_DIR = ROOT / "bot" / "data" / "lexicon"
# Forms both lexicons use on purpose; extract() picks one from the context.
SHARED_FORMS = {"creativiteit", "verantwoordelijkheid", "zelfstandig werken", "zelfstandigheid", "onafhankelijkheid"}


def found(text, lemmas=None):
    return [(m.entity, m.value, m.negated) for m in extract(text, lemmas)]


def values(text, lemmas=None):
    return [m.value for m in extract(text, lemmas)]


def canon_section(title):
    doc = (ROOT / "docs" / "lexicon-canon.md").read_text(encoding="utf-8")
    section = doc.split(f"## {title}")[1].split("\n## ")[0]
    body = " ".join(line for line in section.splitlines()[1:] if line.strip())
    return [value.strip() for value in body.split(",") if value.strip()]


def surface_keys(path):
    """(normalised surface form, canonical value) for every value and variant in a file."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        for form in (entry["value"], *entry.get("variants", [])):
            yield " ".join(re.findall(r"[^\W_]+", normalise(str(form)))), entry["value"]


# --------------------------------------------------------------------------- lexicon data


def test_lexicon_sizes():
    assert len(lexicon.all_qualities()) >= 150
    assert len(lexicon.all_motives()) >= 40


@pytest.mark.parametrize("title, getter", [("Qualities", lexicon.all_qualities), ("Motives", lexicon.all_motives)])
def test_every_canonical_value_of_the_docs_is_in_the_lexicon(title, getter):
    expected = canon_section(title)
    assert len(expected) >= 25
    assert [value for value in expected if value not in getter()] == []


def test_every_quality_has_a_complete_core_quadrant():
    for value in lexicon.all_qualities():
        entry = lexicon.quality(value)
        assert value == value.lower()
        for field in ("pitfall", "challenge", "allergy"):
            assert isinstance(entry[field], str) and entry[field].strip(), (value, field)
        assert entry["variants"], value


def test_every_motive_has_variants_and_a_short_description():
    for value in lexicon.all_motives():
        entry = lexicon.motive(value)
        assert value == value.lower()
        assert entry["variants"], value
        description = entry["description"]
        assert description.endswith(".") and description.count(".") == 1, value
        assert len(description.split()) <= 20, value


@pytest.mark.parametrize("filename", ["qualities.yml", "motives.yml"])
def test_no_variant_is_shared_by_two_values_of_one_lexicon(filename):
    owners = {}
    for key, value in surface_keys(LEXICON_DIR / filename):
        assert owners.setdefault(key, value) == value, f"{key!r}: {owners[key]!r} and {value!r}"


def test_qualities_and_motives_share_only_the_documented_forms():
    quality_keys = {key for key, _ in surface_keys(LEXICON_DIR / "qualities.yml")}
    motive_keys = {key for key, _ in surface_keys(LEXICON_DIR / "motives.yml")}
    assert quality_keys & motive_keys == SHARED_FORMS


def test_generated_forms_do_not_collide():
    assert lexicon.get_lexicon().generated_collisions == []


def test_quality_and_motive_lookups():
    entry = lexicon.quality("geduldig")
    assert entry["pitfall"] == "besluiteloos"
    assert entry["challenge"] == "daadkracht"
    assert entry["allergy"] == "impulsiviteit"
    assert "geduld" in entry["variants"]
    assert lexicon.quality("Geduldig")["value"] == "geduldig"
    assert lexicon.motive("balans werk-prive")["value"] == "balans werk-privé"
    assert lexicon.motive("autonomie")["description"]
    entry["variants"].append("changed")  # a copy: the cached lexicon stays intact
    assert "changed" not in lexicon.quality("geduldig")["variants"]
    with pytest.raises(KeyError):
        lexicon.quality("geduld")  # a variant, not a canonical value
    with pytest.raises(KeyError):
        lexicon.motive("vliegen")
    assert lexicon.is_canonical(QUALITY, "oog voor detail")
    assert not lexicon.is_canonical(MOTIVE, "geduldig")
    assert not lexicon.is_canonical("person", "geduldig")


# --------------------------------------------------------------------------- extraction


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik ben een geduldige collega.", "geduldig"),
        ("Ik ben de creatiefste van het team.", "creatief"),
        ("Een creatieve oplossing bedenken lukt me altijd.", "creatief"),
        ("Ze noemen me een zorgzame moeder.", "zorgzaam"),
        ("Ik ben loyale werknemer geweest.", "loyaal"),
        ("Ik ben flexibeler dan vroeger.", "flexibel"),
        ("Ik ben een gulle gever.", "gul"),
        ("Ik doe graag iets creatiefs.", "creatief"),
        ("Ik heb veel geduld.", "geduldig"),
        ("Nauwkeurigheid is mijn sterkte.", "nauwkeurig"),
        ("Mijn collega's zeggen dat ik veel creativiteit heb.", "creatief"),
        ("Ik sta bekend om mijn betrouwbaarheid.", "betrouwbaar"),
        ("Ik ben een echte doorzetter.", "volhardend"),
        ("Wij zijn allemaal teamspelers.", "teamspeler"),
    ],
)
def test_inflections_and_nouns_meet_the_canonical_value(text, expected):
    assert found(text) == [(QUALITY, expected, False)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik kan goed luisteren.", "goed kunnen luisteren"),
        ("Ik heb oog voor detail.", "oog voor detail"),
        ("Ik heb een goed gevoel voor humor.", "gevoel voor humor"),
        ("Op het werk ben ik degene die de kar trekt.", "initiatiefrijk"),
        ("Ik wil altijd de kar trekken.", "initiatiefrijk"),
        ("Ik ben iemand die van aanpakken weet.", "doortastend"),
        ("Ik weet van aanpakken.", "doortastend"),
        ("Voor mijn vrienden ben ik een luisterend oor.", "goed kunnen luisteren"),
        ("Ik kan tegen een stootje.", "stressbestendig"),
        ("Ik kan echt wel tegen een stootje.", "stressbestendig"),
        ("Mijn sterkte: niet snel opgeven.", "volhardend"),
        ("Ik ben iemand die niet snel opgeeft.", "volhardend"),
        ("Ik geef niet snel op.", "volhardend"),
        ("Ik wil alles netjes plannen.", "georganiseerd"),
        ("Ik ben een people manager.", "leidinggevend"),
        ("I'm a real teamplayer.", "teamspeler"),
        ("Ik ben heel flexible.", "flexibel"),
        ("Ik ben een team player.", "teamspeler"),
    ],
)
def test_multi_word_expressions_and_english(text, expected):
    assert found(text) == [(QUALITY, expected, False)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik wil vrijheid en mijn eigen baas zijn.", ["autonomie", "autonomie"]),
        ("Ik wil niemand die over mijn schouder kijkt.", ["autonomie"]),
        ("Een vast contract en een vast inkomen, dat is belangrijk.", ["zekerheid", "zekerheid"]),
        ("Ik wil iets betekenen voor anderen.", ["anderen helpen"]),
        ("Tijd voor mijn kinderen en niet te veel overuren.", ["balans werk-privé", "balans werk-privé"]),
        ("Ik wil deeltijds werken.", ["balans werk-privé"]),
        ("Ik zoek vooral flexibele uren.", ["flexibele uren"]),
        ("Ik wil meer uitdagingen.", ["uitdaging"]),
        ("Zekerheid is voor mij het belangrijkste.", ["zekerheid"]),
    ],
)
def test_motives(text, expected):
    matches = extract(text)
    assert [m.entity for m in matches] == [MOTIVE] * len(expected)
    assert [m.value for m in matches] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik heb veel creativiteit.", [QUALITY]),  # cue: "heb"
        ("Creativiteit is belangrijk voor mij.", [MOTIVE]),  # cue: "belangrijk"
        ("Creativiteit, dat is wat ik heb.", [QUALITY]),
        ("Creativiteit en geduld.", [QUALITY, QUALITY]),  # no cue: the other match decides
        ("Creativiteit en zekerheid.", [MOTIVE, MOTIVE]),
        ("Creativiteit.", [MOTIVE]),  # nothing else: the lexicon whose canonical value it is
        ("Ik wil zelfstandig werken.", [MOTIVE]),
        ("Ik kan goed zelfstandig werken.", [QUALITY]),
        ("Ik zoek een job met verantwoordelijkheid.", [MOTIVE]),
        ("Ik neem graag verantwoordelijkheid.", [QUALITY]),  # "verantwoordelijkheid nemen"
    ],
)
def test_forms_shared_by_a_quality_and_a_motive_follow_the_context(text, expected):
    assert [m.entity for m in extract(text)] == expected


@pytest.mark.parametrize(
    "text, asked_for, expected",
    [
        ("Zelfstandigheid.", MOTIVE, [(MOTIVE, "autonomie")]),  # the top-three question
        ("Zelfstandigheid.", QUALITY, [(QUALITY, "zelfstandig")]),
        ("Zelfstandigheid.", None, [(QUALITY, "zelfstandig")]),
        ("Creativiteit.", QUALITY, [(QUALITY, "creatief")]),
        ("Ik heb veel creativiteit.", MOTIVE, [(QUALITY, "creatief")]),  # its sentence says "heb"
        ("Zelfstandigheid, zekerheid en mensen helpen.", MOTIVE, [(MOTIVE, "autonomie"), (MOTIVE, "zekerheid"), (MOTIVE, "anderen helpen")]),
    ],
)
def test_a_shared_form_goes_to_what_the_question_asked_for(text, asked_for, expected):
    assert [(m.entity, m.value) for m in extract(text, asked_for=asked_for)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik ben niet zo geduldig.", [("geduldig", True)]),
        ("Ik heb geen geduld.", [("geduldig", True)]),
        ("Ik ben nooit nauwkeurig.", [("nauwkeurig", True)]),
        ("Ik heb weinig geduld.", [("geduldig", True)]),
        ("Ik ben niet de meest geduldige persoon.", [("geduldig", True)]),
        ("Ik ben gewoon nie zo sociaal.", [("sociaal", True)]),
        ("Geduldig ben ik niet.", [("geduldig", True)]),
        ("Ik ben ongeduldig.", [("geduldig", True)]),
        ("Ik ben vaak onzorgvuldig.", [("zorgvuldig", True)]),
        ("Ik ben helemaal niet ongeduldig.", [("geduldig", False)]),
        ("Ik ben geduldig maar niet nauwkeurig.", [("geduldig", False), ("nauwkeurig", True)]),
        ("Ik ben niet alleen geduldig maar ook creatief.", [("geduldig", False), ("creatief", False)]),
        ("Ik heb geen probleem om flexibel te zijn.", [("flexibel", False)]),
        ("Het is niet zo dat ik het niet wil, maar ik ben creatief.", [("creatief", False)]),
        ("Ik heb geen vast contract nodig.", [("zekerheid", True)]),
    ],
)
def test_negation_marks_a_growth_point(text, expected):
    assert [(m.value, m.negated) for m in extract(text)] == expected


@pytest.mark.parametrize("intensifier", ["heel", "erg", "super", "echt", "zeer", "best wel", "echt heel erg"])
def test_intensifiers_do_not_disturb_matching(intensifier):
    assert found(f"Ik ben {intensifier} geduldig.") == [(QUALITY, "geduldig", False)]
    assert found(f"Ik heb {intensifier} oog voor detail.") == [(QUALITY, "oog voor detail", False)]


def test_intensifier_prefixes():
    assert values("Ik ben supergeduldig en keicreatief.") == ["geduldig", "creatief"]
    assert values("Ik ben super-geduldig.") == ["geduldig"]


@pytest.mark.parametrize(
    "text, negated",
    [
        ("ja hoor, ik ben super geduldig...", True),
        ("Ja ja, ik ben echt heel geduldig…", True),
        ("Jaja, ik ben zo geduldig 🙄", True),
        ("Ik ben super geduldig, not", True),
        ("ik ben zo geduldig. NOT!", True),
        ("Ja hoor, ik ben geduldig.", False),
        ("Ik ben geduldig...", False),
    ],
)
def test_sarcasm(text, negated):
    assert found(text) == [(QUALITY, "geduldig", negated)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik ben creatif.", "creatief"),
        ("Ik ben heel nauwkeurich.", "nauwkeurig"),
        ("Ik ben geduldich.", "geduldig"),
        ("Ik heb veel gedult.", "geduldig"),
        ("Ik ben betrouwbar.", "betrouwbaar"),
        ("Ik ben erelijk.", "eerlijk"),  # not a Dutch word: a typo for "eerlijk"
        ("Ik ben stressbestendiche.", "stressbestendig"),
    ],
)
def test_misspellings_within_one_edit(text, expected):
    assert found(text) == [(QUALITY, expected, False)]


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb een heerlijk weekend gehad.",  # one edit from "eerlijk", but a real word
        "Dat was een mooie creatie.",  # one edit from "creatief"
        "Ik ben geboren in Antwerpen.",  # a name, one edit from "ontwerpen"
    ],
)
def test_typo_matching_never_takes_another_real_word(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ik heb gisteren boodschappen gedaan",
        "Mijn dochter gaat naar school in Gent.",
        "Ik heb vijf jaar als kassierster gewerkt bij Colruyt.",
        "Het is hier erg rustig vandaag.",
        "Dat vind ik handig.",
        "Eerlijk gezegd weet ik het niet.",
        "Mijn leidinggevende heeft mij ontslagen.",
        "Mijn moeder woont alleen.",
        "Ik zoek werk via sociale media.",
        "Dat is wel degelijk waar.",
        "Het was een uitdaging om alles te regelen.",
        "Kan ik een nieuwe afspraak maken?",
        "Ik heb een gesprek met mijn coach.",
    ],
)
def test_no_invented_quality(text):
    assert found(text) == []


def test_longest_match_wins_and_matches_do_not_overlap():
    matches = extract("Ik wil flexibele uren, ik ben flexibel en ik kan goed luisteren en goed samenwerken.")
    assert [m.value for m in matches] == ["flexibele uren", "flexibel", "goed kunnen luisteren", "teamspeler"]
    for first, second in zip(matches, matches[1:]):
        assert first.end <= second.start


def test_offsets_and_surface_point_into_the_original_text():
    text = "Ik ben 😀 héél Geduldig, en mijn BALANS WERK-PRIVÉ is belangrijk!"
    matches = extract(text)
    assert [(m.value, m.surface) for m in matches] == [
        ("geduldig", "Geduldig"),
        ("balans werk-privé", "BALANS WERK-PRIVÉ"),
    ]
    for match in matches:
        assert text[match.start : match.end] == match.surface


# --------------------------------------------------------------------------- lemma path


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    from bot.nlu import offline_pipeline

    return spacy.load(offline_pipeline.ensure(ROOT / "var" / "spacy" / offline_pipeline.OFFLINE_NAME))


def test_lemma_path_with_real_lemmas(nlp):
    doc = nlp("Wij zijn echte optimisten en creatievelingen.")
    lemmas = [token.lemma_ for token in doc]
    assert "optimist" in lemmas and "creatieveling" in lemmas
    assert found(doc.text) == []  # the plural nouns are only found through their lemmas
    matches = extract(doc.text, lemmas)
    assert [(m.value, m.surface) for m in matches] == [
        ("optimistisch", "optimisten"),
        ("creatief", "creatievelingen"),
    ]


def test_creatieve_creativiteit_and_creatief_meet(nlp):
    assert nlp("creatieve")[0].lemma_ == "creatief"
    for text in ("Ik ben een creatieve vrouw.", "Ik heb veel creativiteit.", "Ik ben creatief."):
        lemmas = [token.lemma_ for token in nlp(text)]
        assert found(text, lemmas) == found(text) == [(QUALITY, "creatief", False)]


def test_lemmas_that_do_not_align_are_ignored(nlp):
    text = "Mijn collega's zeggen: niet zo'n geduldige vent, wel creatief."
    lemmas = [token.lemma_ for token in nlp(text)]
    assert found(text, lemmas) == found(text) == [
        (QUALITY, "geduldig", True),
        (QUALITY, "creatief", False),
    ]
    assert found(text, ["x"] * 3) == found(text)
    assert found(text, [None, 5, "zeggen"] * 40) == found(text)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None, "...", "🙂🙂🙂", "\x00\x01\x02\x7f", "12345"])
def test_empty_and_odd_input_gives_nothing(text):
    assert extract(text) == []


def test_emoji_and_control_characters_around_words():
    assert values("🙂 ik ben\x00 geduldig\x07 😀 en\u200b creatief 👍") == ["geduldig", "creatief"]


@pytest.mark.parametrize(
    "text",
    [
        "ik ben niet zo geduldig, maar wel creatief en ik wil een vast contract. " * 1370,
        "a" * 100_000,
        "geduldig" * 12_500,
        "creativiteit " * 7_700,
        ("ja hoor " + "!" * 99_990 + "..."),
        "xyzzyq " * 14_285,
    ],
    ids=["sentences", "one-letter", "one-long-word", "shared-form", "punctuation", "unknown-words"],
)
def test_100000_characters_finish_quickly(text):
    lexicon.warm_up()
    started = time.perf_counter()
    matches = extract(text[:100_000])
    assert time.perf_counter() - started < 3.0
    assert all(isinstance(match, lexicon.Match) for match in matches)


# --------------------------------------------------------------------------- Rasa component


@pytest.fixture(scope="module")
def component(tmp_path_factory):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.nlu.lexicon_extractor import LexiconEntityExtractor

    storage = LocalModelStorage(tmp_path_factory.mktemp("models"))
    context = ExecutionContext(GraphSchema({}), "test")
    return LexiconEntityExtractor.create({}, storage, Resource("lexicon"), context)


def diet(entity, value, start, end):
    return {"entity": entity, "value": value, "start": start, "end": end,
            "confidence_entity": 0.9, "extractor": "DIETClassifier"}


def process(component, text, entities=None, tokens=None):
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.training_data.message import Message

    data = {"text": text}
    if entities is not None:
        data["entities"] = entities
    if tokens is not None:
        data[TOKENS_NAMES["text"]] = tokens
    message = Message(data=data)
    component.process([message])
    return message


def test_component_merges_with_diet_entities(component):
    text = "Ik ben Jan en niet zo geduldig, wel creatief bij Colruyt."
    entities = [
        diet("person", "Jan", 7, 10),
        diet("quality", "geduld", 22, 30),  # overlaps the lexicon match: replaced
        diet("quality", "Eerlijk", 0, 2),  # the model alone: dropped, the lexicon decides
        diet("motive", "geld", 3, 6),  # the model alone: dropped
        diet("organisation", "Colruyt", 49, 56),
    ]
    message = process(component, text, entities)
    result = [(e["entity"], e["value"], e["extractor"], e.get("role")) for e in message.get("entities")]
    assert result == [
        ("person", "Jan", "DIETClassifier", None),
        ("quality", "geduldig", "LexiconEntityExtractor", "growth"),
        ("quality", "creatief", "LexiconEntityExtractor", None),
        ("organisation", "Colruyt", "DIETClassifier", None),
    ]
    added = message.get("entities")[1]
    assert (added["start"], added["end"], added["confidence_entity"]) == (22, 30, 1.0)
    assert "entities" in message.as_dict_nlu()


def test_a_typed_button_title_is_no_name(component):
    """DIET now and then reads the capital of "Nee, niet wissen" as a person: dropped; a real
    name in the same message stays."""
    message = process(component, "Nee, niet wissen", [diet("person", "Nee", 0, 3)])
    assert [e for e in message.get("entities") if e["entity"] == "person"] == []
    message = process(component, "Ja, Sarah van Randstad", [diet("person", "Ja", 0, 2), diet("person", "Sarah", 4, 9),
                                                            diet("organisation", "Oké", 0, 3)])
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [("person", "Sarah")]


def test_component_without_tokens_or_entities(component):
    message = process(component, "Ik wil een vast contract.")
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == [("motive", "zekerheid")]


def test_component_uses_token_lemmas(component):
    from rasa.nlu.tokenizers.tokenizer import Token

    text = "Wij zijn optimisten."
    tokens = [Token("Wij", 0, lemma="wij"), Token("zijn", 4, lemma="zijn"),
              Token("optimisten", 9, lemma="optimist"), Token(".", 19, lemma=".")]
    message = process(component, text, [], tokens)
    assert [(e["value"], e["start"], e["end"]) for e in message.get("entities")] == [("optimistisch", 9, 19)]


def test_component_is_idempotent_and_tolerates_odd_messages(component):
    from rasa.shared.nlu.training_data.message import Message

    message = process(component, "Ik ben geduldig.")
    component.process([message])
    assert [e["value"] for e in message.get("entities")] == ["geduldig"]
    empty = Message(data={"intent": "greet"})
    component.process([empty, Message(data={"text": ""})])
    assert empty.get("entities") is None
    message = process(component, "Ik heb boodschappen gedaan.", [diet("quality", "boodschappen", 7, 19)])
    assert message.get("entities") == []


def test_component_with_the_real_spacy_tokenizer(component, tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.spacy_pipeline import SpacyNLP

    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    provider = SpacyNLP.create({"model": "nl_core_news_sm"}, storage, Resource("spacy"), context)
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), storage, Resource("tok"), context)
    messages = [Message(data={"text": "Wij zijn echte optimisten, maar ik heb geen geduld."})]
    messages = tokenizer.process(provider.process(messages, provider.provide()))
    component.process(messages)
    entities = messages[0].get("entities")
    assert [(e["value"], e.get("role")) for e in entities] == [("optimistisch", None), ("geduldig", "growth")]


def test_process_training_data_returns_the_data_unchanged(component):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData()
    assert component.process_training_data(data) is data


def test_component_passes_rasa_graph_validation():
    from rasa.engine import validation
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.shared.data import TrainingType

    import bot.nlu.lexicon_extractor  # noqa: F401  (registers the component)

    config = {
        "recipe": "default.v1",
        "language": "nl",
        "assistant_id": "test",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "bot.nlu.lexicon_extractor.LexiconEntityExtractor"},
        ],
        "policies": [],
    }
    model_configuration = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(model_configuration)
