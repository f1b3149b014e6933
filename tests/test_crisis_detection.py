"""Crisis detection: the rules on the evaluation set, the rule data, and the Rasa component on
hand-built messages.

The evaluation set (tests/data/crisis_eval.yml) must keep recall at 1.0 and the false-positive
rate at or below 5 %; `tools/crisis_report.py` prints the same numbers with more detail (both
through tools/crisis_eval.py). The rules are data in bot/data/crisis/patterns/, loaded by
bot/nlu/crisis_rulebook.py.
"""
from __future__ import annotations

import copy
import re
import shutil
import time

import pytest

from bot.nlu.crisis_patterns import CrisisSignal, detect, normalise
from bot.nlu.crisis_rulebook import PATTERNS_DIR, RulebookError, load_rulebook
from tools import crisis_eval

MAX_FALSE_POSITIVE_RATE = 0.05


# --------------------------------------------------------------------------------------
# Fixtures (kept here: tests/conftest.py belongs to someone else)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def eval_set():
    positives, negatives = crisis_eval.load_eval_set()
    return positives, negatives


@pytest.fixture(scope="module")
def lemmatize():
    function = crisis_eval.offline_lemmatizer()
    if function is None:
        pytest.skip("spaCy with the Dutch lookup lemmatizer is not installed")
    return function


def _check(result: crisis_eval.EvalResult) -> None:
    print()
    print(result.report())
    assert result.recall == 1.0, f"missed crisis messages: {result.misses}"
    assert result.false_positive_rate <= MAX_FALSE_POSITIVE_RATE, (
        f"false positives: {[text for text, _ in result.false_positives]}"
    )


# --------------------------------------------------------------------------------------
# The evaluation set
# --------------------------------------------------------------------------------------


def test_eval_set_is_big_enough_and_disjoint(eval_set):
    positives, negatives = eval_set
    assert len(positives) >= 170
    assert len(negatives) >= 170
    assert not set(positives) & set(negatives)


def test_eval_set_on_text(eval_set):
    _check(crisis_eval.evaluate(*eval_set))


def test_eval_set_on_text_and_lemmas(eval_set, lemmatize):
    # As in the running bot: the component passes the spaCy lemmas along with the text.
    _check(crisis_eval.evaluate(*eval_set, lemmatize=lemmatize))


def test_training_examples_fire_and_differ_from_the_eval_set(eval_set):
    import yaml

    path = crisis_eval.ROOT / "bot" / "data" / "nlu" / "crisis.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (block,) = [item for item in data["nlu"] if item.get("intent") == "crisis"]
    examples = [line[2:].strip() for line in block["examples"].strip().splitlines()]
    assert len(examples) >= 40
    assert [e for e in examples if detect(e) is None] == []
    evaluation = {normalise(t).strip(" .!?") for t in eval_set[0] + eval_set[1]}
    assert [e for e in examples if normalise(e).strip(" .!?") in evaluation] == []


def test_no_other_intent_of_the_nlu_data_fires():
    """Nothing but `crisis` may get `crisis`: the other intents' training examples stay quiet."""
    import yaml

    nlu_dir = crisis_eval.ROOT / "bot" / "data" / "nlu"
    annotation = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
    wrong = []
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if "intent" not in item or item["intent"] == "crisis":
                continue
            for line in str(item.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = annotation.sub(r"\1", line[2:])
                    signal = detect(text)
                    if signal is not None:
                        wrong.append((path.name, item["intent"], text, signal.pattern))
    assert wrong == []


# --------------------------------------------------------------------------------------
# The rules, on a few cases that matter most
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ik wil niet meer leven",  # the negation is the crisis
        "kan ik niet beter dood zijn?",  # a rhetorical "niet"
        "'k zie het ni meer zitten",
        "zelfmord",
        "ik heb zelfmordgedachten",  # one typo inside a compound
        "ik kan niet slapen door de zelfmoordgedachten",  # "niet" does not negate them
        "Ik wil niet dood, maar ik wil ook niet meer leven.",
    ],
)
def test_crisis(text):
    assert detect(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "ik heb geen zelfmoordgedachten",
        "ik wil niet dood, ik wil een andere job",
        "Zelfmoord? Nee, daar denk ik niet aan.",
        "ik ga dood van de stress op het werk",
        "ik wil doorgaan met mijn opleiding",  # "doorgaan" is not "doodgaan"
        "ik hang me op aan details",
    ],
)
def test_not_crisis(text):
    assert detect(text) is None


def test_signal_names_the_pattern():
    signal = detect("ik wil er een einde aan maken")
    assert isinstance(signal, CrisisSignal)
    assert signal.pattern == "end_it"
    assert signal.source == "text"
    assert "einde" in signal.phrase


def test_lemmas_catch_inflections_the_text_rules_do_not_list():
    assert detect("ik kerfde mezelf") is None
    signal = detect("ik kerfde mezelf", ["ik", "kerven", "mezelf"])
    assert signal is not None and signal.source == "lemmas"


def test_normalise_flemish_and_chat_spelling():
    assert normalise("'k Zie 't ni méér zitten!!") == "ik zie het niet meer zitten!!"
    assert normalise("kwil nie mer leve") == "ik wil niet meer leven"
    assert normalise("ik wiiil doooood") == "ik wil dood"


# --------------------------------------------------------------------------------------
# The rule data (bot/data/crisis/patterns/)
# --------------------------------------------------------------------------------------


def test_rasa_reads_the_rule_files_as_no_training_data():
    """`rasa train --data bot/data` walks every .yml there: the rule files must not look like
    NLU data, stories or rules to it (no line may start with nlu:, responses:, stories:, rules:)."""
    pytest.importorskip("rasa")
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.data import is_nlu_file

    files = sorted(PATTERNS_DIR.glob("*.yml"))
    assert len(files) == 6
    assert [f.name for f in files if is_nlu_file(str(f)) or YAMLStoryReader.is_stories_file(f)] == []


def _patterns_copy(tmp_path, file_name, old, new):
    directory = tmp_path / "patterns"
    shutil.copytree(PATTERNS_DIR, directory)
    path = directory / file_name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    "file_name, old, new, error",
    [
        # a str.format-style quantifier would silently mean literal braces
        ("rules.yml", "{W}{0,3}(?:{DOODGAAN}", "{W}{{0,3}}(?:{DOODGAAN}", "doubled braces"),
        ("rules.yml", "{W}{0,3}(?:{DOODGAAN}", "{WORDS}{0,3}(?:{DOODGAAN}", "unknown block {WORDS}"),
        ("rules.yml", "    needs_self: true\n", "    needs_self: yes please\n",
         "needs_self is true or false"),
        ("rules.yml", "    negatable: false\n", "    negateable: false\n", "unknown key"),
        ("guards.yml", "applies_to: [self_harm_acts, jumping,", "applies_to: [self_harm, jumping,",
         "no rule or set 'self_harm'"),
        ("rule_sets.yml", "topic_words: suicide_word", "topic_words: suicide_words", "no such rule"),
    ],
)
def test_malformed_rule_data_is_refused_with_its_place(tmp_path, file_name, old, new, error):
    directory = _patterns_copy(tmp_path, file_name, old, new)
    with pytest.raises(RulebookError, match=re.escape(error)):
        load_rulebook(directory)


def test_the_rule_data_loads_in_order_with_its_sets():
    book = load_rulebook()
    names = [rule.name for rule in book.rules]
    assert len(names) == len(set(names)) >= 130
    assert names[0] == "suicide_word"
    lemma_names = {rule.name for rule in book.lemma_rules}
    assert "cut_burn_myself" in lemma_names
    assert [rule.name for rule in book.lemma_rules] == [name for name in names if name in lemma_names]
    assert book.possible.isdisjoint(book.violence)
    by_name = {rule.name: rule for rule in book.rules}
    assert by_name["not_live_anymore"].negatable is False
    # the YAML kept the backslashes: \b is a word boundary, not a backspace
    assert by_name["overdose"].regex.pattern == r"\boverdosis\b"


# --------------------------------------------------------------------------------------
# The Rasa component
# --------------------------------------------------------------------------------------

rasa = pytest.importorskip("rasa")

from rasa.nlu.constants import TOKENS_NAMES  # noqa: E402
from rasa.nlu.tokenizers.tokenizer import Token  # noqa: E402
from rasa.shared.nlu.constants import (  # noqa: E402
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from bot.nlu.crisis import CRISIS_SIGNAL_PROPERTY, CrisisDetector  # noqa: E402


@pytest.fixture
def detector() -> CrisisDetector:
    return CrisisDetector.create(CrisisDetector.get_default_config(), None, None, None)


def _ranking(*pairs):
    return [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: conf} for name, conf in pairs]


def _message(text, ranking=None, tokens=None) -> Message:
    message = Message(data={TEXT: text} if text is not None else {})
    if ranking is not None:
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, copy.deepcopy(ranking), add_to_output=True)
    if tokens is not None:
        message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def _tokens(words_and_lemmas):
    tokens, offset = [], 0
    for word, lemma in words_and_lemmas:
        tokens.append(Token(word, offset, lemma=lemma))
        offset += len(word) + 1
    return tokens


def test_crisis_without_tokens(detector):
    message = _message("ik wil er niet meer zijn", _ranking(("inform", 0.8), ("greet", 0.1)))
    detector.process([message])
    assert message.get(INTENT) == {INTENT_NAME_KEY: "crisis", PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == {INTENT_NAME_KEY: "crisis", PREDICTED_CONFIDENCE_KEY: 1.0}
    assert [e[INTENT_NAME_KEY] for e in ranking] == ["crisis", "inform", "greet"]
    assert message.get(CRISIS_SIGNAL_PROPERTY) == "not_be_there"
    output = message.as_dict(only_output_properties=True)
    assert output[CRISIS_SIGNAL_PROPERTY] == "not_be_there"
    assert output[INTENT][INTENT_NAME_KEY] == "crisis"


def test_crisis_from_lemmas_of_tokens(detector):
    tokens = _tokens([("ik", "ik"), ("kerfde", "kerven"), ("mezelf", "mezelf")])
    message = _message("ik kerfde mezelf", _ranking(("inform", 0.9)), tokens)
    detector.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "crisis"
    assert message.get(CRISIS_SIGNAL_PROPERTY) == "cut_burn_myself"


def test_crisis_replaces_fallback_and_keeps_one_crisis_entry(detector):
    ranking = _ranking(("nlu_fallback", 0.5), ("crisis", 0.4), ("inform", 0.3))
    message = _message("ik heb pillen gespaard", ranking)
    detector.process([message])
    names = [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)]
    assert names == ["crisis", "nlu_fallback", "inform"]
    assert message.get(INTENT_RANKING_KEY)[0][PREDICTED_CONFIDENCE_KEY] == 1.0


def test_classifier_crisis_without_signal_gets_next_best_intent(detector):
    ranking = _ranking(("crisis", 0.9), ("inform", 0.6), ("greet", 0.05))
    message = _message("ik ben doodop na die shift", ranking)
    detector.process([message])
    assert message.get(INTENT) == {INTENT_NAME_KEY: "inform", PREDICTED_CONFIDENCE_KEY: 0.6}
    assert [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)] == ["inform", "greet"]
    assert message.get(CRISIS_SIGNAL_PROPERTY) is None


def test_classifier_crisis_without_signal_and_weak_runner_up_gets_fallback(detector):
    message = _message("mijn project is dood", _ranking(("crisis", 0.95), ("greet", 0.03)))
    detector.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "nlu_fallback"
    names = [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)]
    assert names == ["nlu_fallback", "greet"]


def test_classifier_crisis_as_only_intent_gets_fallback(detector):
    message = _message("de printer is kapot", _ranking(("crisis", 0.99)))
    detector.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "nlu_fallback"
    assert "crisis" not in [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)]


def test_other_intent_is_left_alone_but_crisis_leaves_the_ranking(detector):
    ranking = _ranking(("inform", 0.7), ("crisis", 0.2), ("greet", 0.1))
    message = _message("ik wil stoppen met mijn job", ranking)
    detector.process([message])
    assert message.get(INTENT) == {INTENT_NAME_KEY: "inform", PREDICTED_CONFIDENCE_KEY: 0.7}
    assert [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)] == ["inform", "greet"]


def test_message_without_classifier_output(detector):
    quiet, loud = _message("hallo"), _message("ik wil dood")
    detector.process([quiet, loud])
    assert quiet.get(INTENT) is None
    assert loud.get(INTENT)[INTENT_NAME_KEY] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "😀🔥💀🙃" * 50,
        "\x00\x01\x02\x1b[31m\u200b\u202e\ufeff\r\n\t",
        "ik wil dood 💀",
        "‘k wil er ni meer zijn 😢",
    ],
)
def test_odd_input_does_not_crash(detector, text):
    message = _message(text, _ranking(("inform", 0.9)), tokens=[] if text == "" else None)
    detector.process([message])
    name = message.get(INTENT)[INTENT_NAME_KEY]
    assert name == ("crisis" if text and "k wil" in text else "inform")


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        " " * 100_000,
        ("ik wil gewoon echt niet meer " * 4000)[:100_000],
        ("ik wil " * 20_000)[:100_000],
        "." * 100_000,
        "😀\x00" * 50_000,
        "bla " * 24_990 + "ik wil dood",
    ],
)
def test_100k_characters_finish_fast(detector, text):
    tokens = _tokens([(w, w) for w in text.split()[:20_000]])
    message = _message(text, _ranking(("inform", 0.9)), tokens)
    started = time.perf_counter()
    detector.process([message])
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0, f"{elapsed:.2f}s"
    # "ik wil gewoon echt niet meer" is a signal on its own (rule want_no_more_end): repeated,
    # the learned classifier reads it as one too.
    expected = "crisis" if text.endswith("ik wil dood") or text.startswith("ik wil gewoon echt niet meer") else "inform"
    assert message.get(INTENT)[INTENT_NAME_KEY] == expected


def test_process_training_data_returns_data_unchanged(detector):
    data = TrainingData([Message(data={TEXT: "ik wil dood", INTENT: "crisis"})])
    assert detector.process_training_data(data) is data
    assert data.training_examples[0].get(INTENT) == "crisis"


# Building the graph imports the rest of Rasa; apscheduler then imports the deprecated
# pkg_resources (a Rasa dependency, not our code).
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_registered_as_intent_classifier_and_placed_last():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    registered = DefaultV1Recipe._registered_components["CrisisDetector"]
    assert registered.clazz is CrisisDetector
    assert registered.types == {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER}
    assert registered.is_trainable is False

    config = {
        "recipe": "default.v1",
        "language": "nl",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
            {"name": "FallbackClassifier", "threshold": 0.5},
            {"name": "bot.nlu.crisis.CrisisDetector"},
        ],
        "policies": [],
    }
    from rasa.engine import validation
    from rasa.shared.data import TrainingType

    graphs = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(graphs)
    nodes = graphs.predict_schema.nodes
    (name,) = [n for n, node in nodes.items() if node.uses is CrisisDetector]
    assert any("FallbackClassifier" in need for need in nodes[name].needs.values())


def test_component_with_the_real_spacy_tokenizer(detector, tmp_path):
    """The Dutch pipeline of this project (nl_core_news_sm, or the offline one) feeds real
    tokens and lemmas."""
    pytest.importorskip("spacy")
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer

    from bot.nlu.spacy_pipeline import SpacyNLP

    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    provider = SpacyNLP.create({"model": "nl_core_news_sm"}, storage, Resource("spacy"), context)
    tokenizer = SpacyTokenizer.create(
        SpacyTokenizer.get_default_config(), storage, Resource("tok"), context
    )
    texts = {
        "Ik sneed mezelf gisteren weer in mijn arm.": "crisis",
        "Mijn vriend sloeg me en ik durf niet naar huis.": "crisis",
        "'k Zie het ni meer zitten.": "crisis",
        "Ik ben doodop na die shift.": "inform",
        "Ik heb de telefoon opgehangen.": "inform",
        "": "inform",
    }
    messages = [Message(data={TEXT: text}) for text in texts]
    messages = tokenizer.process(provider.process(messages, provider.provide()))
    for message in messages:
        message.set(INTENT, {INTENT_NAME_KEY: "inform", PREDICTED_CONFIDENCE_KEY: 0.9})
    detector.process(messages)
    assert [m.get(INTENT)[INTENT_NAME_KEY] for m in messages] == list(texts.values())


# --------------------------------------------------------------------------------------
# Two tiers and danger from others (shared/CONTRACT.md: crisis_level)
# --------------------------------------------------------------------------------------

from bot.nlu.crisis import CRISIS_KIND_PROPERTY, CRISIS_LEVEL_PROPERTY  # noqa: E402


def _entities(message):
    return [entity["entity"] for entity in message.get("entities") or []]


@pytest.mark.parametrize(
    "text, level, kind, entities",
    [
        ("ik wil dood", "clear", "self", []),
        ("ik wil verdwijnen, voorgoed", "possible", "self", ["crisis_possible"]),
        ("iedereen is beter af zonder mij", "possible", "self", ["crisis_possible"]),
        ("mijn partner slaat me", "clear", "violence", ["crisis_violence"]),
    ],
)
def test_the_parse_carries_the_tier_and_the_entity_the_rules_read(detector, text, level, kind, entities):
    message = _message(text, _ranking(("inform", 0.9)))
    detector.process([message])
    output = message.as_dict(only_output_properties=True)
    assert output[INTENT][INTENT_NAME_KEY] == "crisis"
    assert (output[CRISIS_LEVEL_PROPERTY], output[CRISIS_KIND_PROPERTY]) == (level, kind)
    assert _entities(message) == entities


def test_no_tier_on_an_ordinary_message_and_its_entities_stay(detector):
    message = _message("ik ben geduldig", _ranking(("inform", 0.9)))
    message.set("entities", [{"entity": "quality", "value": "geduldig", "start": 3, "end": 15}], add_to_output=True)
    detector.process([message])
    assert message.get(CRISIS_LEVEL_PROPERTY) is None
    assert _entities(message) == ["quality"]


@pytest.mark.parametrize(
    "text",
    [
        "ik wil weg van deze wereld, gewoon er niet meer zijn",  # gone from this world
        "vanavond als iedereen slaapt neem ik al die pillen",  # a plan with a time
        "vorig jaar heb ik het al eens geprobeerd en nu denk ik er weer aan",  # attempt and thoughts now
    ],
)
def test_paraphrases_the_rules_were_not_written_for_are_found(text):
    from bot.nlu.crisis import assess

    assert assess(text) is not None, text


def test_a_self_harm_rule_about_someone_elses_hand_is_danger_from_others():
    from bot.nlu.crisis import assess

    finding = assess("mijn ex heeft gedreigd me iets aan te doen")
    assert (finding.level, finding.kind) == ("clear", "violence")
    assert assess("ik wil mezelf iets aandoen").kind == "self"
