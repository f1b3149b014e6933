"""Checks the Dutch NLU training data and its held-out test split.

Run from anywhere:  .venv/bin/python tests/nlu/check_nlu_data.py
Exits 1 (and prints every problem) when a check fails, 0 otherwise.

Checked:
- every file loads with Rasa's own loader and starts with `version: "3.1"`; no lookup tables
- per intent: at least 40 examples (inform: 120) over training + test, 20% of them in the test split,
  every intent of the test split trained and vice versa, every intent declared in bot/domain.yml
- no example text (also after lower-casing and stripping punctuation) in two intents, no duplicates
  inside an intent, no test sentence in the training files
- entities: only quality/motive/person/organisation; quality and motive values are canonical
  (docs/lexicon-canon.md); annotations line up with spaCy's Dutch tokens; a person annotation never
  starts with the word before the name ("mijn zus", "oud-collega"); enough annotations in training
- synonyms: no surface form mapped to two values, no synonym block repeating a mapping that a
  training annotation makes already
"""
from __future__ import annotations

import collections
import logging
import os
import re
import sys
import unicodedata
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.disable(logging.WARNING)

ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = ROOT / "bot" / "data" / "nlu"
TEST_FILE = ROOT / "tests" / "nlu" / "test_split.yml"
CANON_FILE = ROOT / "docs" / "lexicon-canon.md"
DOMAIN_FILE = ROOT / "bot" / "domain.yml"

MIN_TOTAL = 40
MIN_TOTAL_BY_INTENT = {"inform": 120}
TEST_SHARE = 0.2
# Intents whose data other people write (no held-out split from these files).
OTHER_OWNERS = {"crisis"}
MIN_TRAIN_ENTITIES = {"quality": 60, "motive": 40, "person": 60, "organisation": 40}
ENTITY_TYPES = set(MIN_TRAIN_ENTITIES)
WORDS_BEFORE_A_NAME = {
    "mijn", "zijn", "haar", "onze", "ons", "de", "het", "een", "meneer", "mevrouw", "juf", "meester",
    "zus", "broer", "buurman", "buurvrouw", "collega", "oud-collega", "ex-collega", "vriend",
    "vriendin", "nicht", "neef", "tante", "nonkel", "oom", "peter", "meter", "schoonbroer",
    "schoonzus", "schoonmoeder", "mama", "papa", "baas", "ex-baas", "chef", "trainer",
}

problems: list[str] = []


def problem(text: str) -> None:
    problems.append(text)


def normalise(text: str) -> str:
    """Lower-cased text without punctuation or emoji; emoji-only texts stay as they are."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNZ" else " " for ch in text.lower())
    kept = re.sub(r"\s+", " ", kept).strip()
    return kept or text.strip()


def canonical_values() -> dict[str, set[str]]:
    sections: dict[str, set[str]] = {"quality": set(), "motive": set()}
    current = None
    for line in CANON_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = "quality" if "Qualities" in line else "motive" if "Motives" in line else None
        elif current and line.strip():
            sections[current].update(v.strip() for v in line.split(",") if v.strip())
    return sections


def domain_intents() -> set[str]:
    from rasa.shared.utils.io import read_yaml_file

    intents = read_yaml_file(DOMAIN_FILE).get("intents", [])
    return {i if isinstance(i, str) else next(iter(i)) for i in intents}


def main() -> int:
    import spacy
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.utils.io import read_yaml_file

    tokenizer = spacy.blank("nl").tokenizer
    canon = canonical_values()

    train_files = sorted(TRAIN_DIR.glob("*.yml"))
    if not train_files:
        problem(f"no training files in {TRAIN_DIR}")
    files = [(p, "train") for p in train_files] + [(TEST_FILE, "test")]

    # (split, intent) -> list of (file, text, entities)
    examples: dict[tuple[str, str], list] = collections.defaultdict(list)
    synonym_blocks: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for path, split in files:
        rel = path.relative_to(ROOT)
        if not path.exists():
            problem(f"{rel}: missing")
            continue
        first = next((ln for ln in path.read_text(encoding="utf-8").splitlines()
                      if ln.strip() and not ln.lstrip().startswith("#")), "")
        if first.strip() != 'version: "3.1"':
            problem(f"{rel}: first line must be version: \"3.1\", found {first!r}")
        raw = read_yaml_file(path) or {}
        for item in raw.get("nlu", []):
            if "lookup" in item or "regex" in item:
                problem(f"{rel}: lookup/regex blocks are not wanted here: {item}")
            if "synonym" in item:
                for line in str(item.get("examples", "")).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        synonym_blocks[str(item["synonym"])].append((str(rel), line[2:].strip()))
        try:
            data = load_data(str(path))
        except Exception as exc:  # noqa: BLE001 - report every loading failure
            problem(f"{rel}: does not load: {exc}")
            continue
        for message in data.training_examples:
            intent = message.get("intent")
            if not intent:
                continue
            examples[(split, intent)].append((str(rel), message.get("text"), message.get("entities") or []))

    train_intents = {i for s, i in examples if s == "train"}
    test_intents = {i for s, i in examples if s == "test"}

    # Intent coverage and the 80/20 split.
    known = domain_intents() if DOMAIN_FILE.exists() else None
    for intent in sorted(train_intents | test_intents):
        if known is not None and intent not in known:
            problem(f"intent {intent!r} is not declared in bot/domain.yml")
        if intent in OTHER_OWNERS:
            continue
        n_train = len(examples[("train", intent)])
        n_test = len(examples[("test", intent)])
        total = n_train + n_test
        minimum = MIN_TOTAL_BY_INTENT.get(intent, MIN_TOTAL)
        if total < minimum:
            problem(f"{intent}: {total} examples, at least {minimum} wanted")
        if not n_train:
            problem(f"{intent}: in the test split but not trained")
        if abs(n_test - TEST_SHARE * total) > 1:
            problem(f"{intent}: {n_test} of {total} examples in the test split, {TEST_SHARE * total:.0f} wanted")

    # Duplicates: across intents, inside an intent, test sentences in training.
    seen: dict[str, tuple[str, str, str]] = {}
    train_norm: set[str] = set()
    for (split, intent), items in sorted(examples.items()):
        for rel, text, _ in items:
            key = normalise(text)
            if split == "train":
                train_norm.add(key)
            if key in seen:
                o_split, o_intent, o_text = seen[key]
                if o_intent != intent:
                    problem(f"{text!r} ({intent}, {split}) and {o_text!r} ({o_intent}, {o_split}) are the same sentence")
                elif o_split == split:
                    problem(f"{text!r} appears twice in {intent} ({split})")
            else:
                seen[key] = (split, intent, text)
    for (split, intent), items in examples.items():
        if split != "test":
            continue
        for _, text, _ in items:
            if normalise(text) in train_norm:
                problem(f"test sentence {text!r} ({intent}) also occurs in the training files")

    # Entities.
    train_counts: collections.Counter = collections.Counter()
    test_counts: collections.Counter = collections.Counter()
    surface_values: dict[str, set[str]] = collections.defaultdict(set)
    train_surface_values: dict[str, set[str]] = collections.defaultdict(set)
    for (split, intent), items in examples.items():
        for rel, text, entities in items:
            doc = tokenizer(text)
            starts = {t.idx for t in doc}
            ends = {t.idx + len(t.text) for t in doc}
            for ent in entities:
                kind, value = ent["entity"], str(ent.get("value"))
                surface = text[ent["start"]:ent["end"]]
                (train_counts if split == "train" else test_counts)[kind] += 1
                if kind not in ENTITY_TYPES:
                    problem(f"{rel}: unknown entity {kind!r} in {text!r}")
                if kind in canon and value not in canon[kind]:
                    problem(f"{rel}: {kind} value {value!r} is not canonical (docs/lexicon-canon.md) in {text!r}")
                if ent["start"] not in starts or ent["end"] not in ends:
                    problem(f"{rel}: {kind} annotation {surface!r} does not line up with tokens in {text!r}")
                if surface != surface.strip():
                    problem(f"{rel}: {kind} annotation {surface!r} has surrounding spaces")
                if kind == "person" and surface.split()[0].lower() in WORDS_BEFORE_A_NAME:
                    problem(f"{rel}: person annotation {surface!r} includes the word before the name")
                if surface != value:
                    surface_values[surface.lower()].add(value)
                    if split == "train":
                        train_surface_values[surface.lower()].add(value)
    for kind, minimum in MIN_TRAIN_ENTITIES.items():
        if train_counts[kind] < minimum:
            problem(f"only {train_counts[kind]} {kind} annotations in training, at least {minimum} wanted")

    # Synonyms.
    for surface, values in surface_values.items():
        if len(values) > 1:
            problem(f"{surface!r} is annotated with different values: {sorted(values)}")
    for value, items in synonym_blocks.items():
        if canon and value not in canon["quality"] | canon["motive"]:
            problem(f"synonym target {value!r} is not a canonical value")
        for rel, surface in items:
            # A synonym block is only needed for forms no training annotation maps already
            # (forms annotated in the test split only may have one).
            if train_surface_values.get(surface.lower()) == {value}:
                problem(f"{rel}: synonym {surface!r} -> {value!r} repeats an annotated training mapping")
            others = surface_values.get(surface.lower(), set()) - {value}
            if others:
                problem(f"{rel}: synonym {surface!r} -> {value!r} conflicts with annotations {sorted(others)}")
    flat = [(s.lower(), v) for v, items in synonym_blocks.items() for _, s in items]
    for surface in {s for s, _ in flat}:
        targets = {v for s, v in flat if s == surface}
        if len(targets) > 1:
            problem(f"synonym {surface!r} points to several values: {sorted(targets)}")

    # Report.
    print(f"{'intent':<24}{'train':>7}{'test':>6}{'total':>7}")
    for intent in sorted(train_intents | test_intents):
        n_train, n_test = len(examples[("train", intent)]), len(examples[("test", intent)])
        print(f"{intent:<24}{n_train:>7}{n_test:>6}{n_train + n_test:>7}")
    n_train = sum(len(v) for (s, _), v in examples.items() if s == "train")
    n_test = sum(len(v) for (s, _), v in examples.items() if s == "test")
    print(f"{'all':<24}{n_train:>7}{n_test:>6}{n_train + n_test:>7}")
    print("entity annotations (train / test): " + ", ".join(
        f"{k} {train_counts[k]} / {test_counts[k]}" for k in sorted(set(train_counts) | set(test_counts))))
    print(f"synonym blocks: {len(synonym_blocks)} ({sum(len(v) for v in synonym_blocks.values())} forms)")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("\nNLU data OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
