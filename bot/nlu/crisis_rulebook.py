"""Loads the data of the crisis detector from YAML and compiles it.

The rules, the figurative guards, their regex building blocks, the rule sets and the word
lists of the checks and of normalisation are data, in bot/data/crisis/patterns/:

    blocks.yml         regex pieces that patterns insert by name ({W}, {PERSON} ...)
    rules.yml          the rules, in the order they are tried
    guards.yml         the figurative guards
    rule_sets.yml      tiers, the rules also tried on lemmas, topic words, groups for guards
    checks.yml         words and patterns of the negation, first-person, someone-else and
                       topic checks
    normalisation.yml  token map, glued "k" verbs, vocabulary, typo keys, infinitives

The engine that uses them is bot/nlu/crisis_patterns.py (with bot/nlu/crisis_normalise.py).
Each file is read once per process (`load_rulebook` and `load_normalisation` are cached) and
checked: an unknown key, block or rule name, a wrong type or a regex that does not compile
raises `RulebookError`, naming the file and the entry.

In the patterns, {NAME} (capitals) inserts a block; everything else is plain regex syntax, so
a quantifier is written {0,3}. (The rules used to be Python str.format templates, where it was
{{0,3}}; such doubled braces are refused, as they would silently mean literal braces.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

PATTERNS_DIR = Path(__file__).resolve().parents[1] / "data" / "crisis" / "patterns"

_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z_]*)\}")
_RULE_KEYS = {"name", "pattern", "negatable", "needs_self", "unless_after"}
_GUARD_KEYS = {"name", "pattern", "reach", "applies_to"}
_RULE_SETS = ("lemma_view", "possible_tier", "violence_kind", "topic_words")
_CHECK_PATTERNS = ("clause_break", "negation_after", "self_words", "third_person_subject",
                   "first_person", "topic_context")
_CHECK_WORDS = ("negation_words", "negation_bridge", "own_words", "client_words", "own_verbs")
_NORMALISATION_KEYS = ("token_map", "glued_k_verbs", "vocabulary", "fuzzy_keys", "infinitives")


class RulebookError(ValueError):
    """The crisis pattern data (bot/data/crisis/patterns/) is malformed."""


@dataclass(frozen=True)
class Rule:
    """One named crisis pattern over normalised text.

    negatable:    a negation just before it (or "nee"/"denk ik niet" after it) cancels it.
    needs_self:   the sentence must contain a first person (ik, me, mij, mijn, mezelf).
    unless_after: regex tried at the text right after the match; a hit cancels the match.
    """

    name: str
    regex: re.Pattern
    negatable: bool = True
    needs_self: bool = False
    unless_after: Optional[re.Pattern] = None


@dataclass(frozen=True)
class Guard:
    """A figurative use: a rule match that overlaps it is dropped."""

    name: str
    regex: re.Pattern
    reach: int = 0  # characters (same clause) between guard and match that it still covers
    rules: Optional[frozenset] = None  # rule names it applies to; None: all rules


@dataclass(frozen=True)
class Checks:
    """checks.yml: what the negation, first-person, someone-else and topic checks look for."""

    negation_words: frozenset
    negation_bridge: frozenset
    clause_break: re.Pattern
    negation_after: re.Pattern
    self_words: re.Pattern
    third_person_subject: re.Pattern
    first_person: re.Pattern
    topic_context: re.Pattern
    own_words: frozenset
    client_words: frozenset
    own_verbs: frozenset


@dataclass(frozen=True)
class Rulebook:
    rules: tuple  # every Rule, in the order they are tried
    lemma_rules: tuple  # the rules also tried on the lemmas, in the same order
    guards: tuple
    possible: frozenset  # rule names of the tier "possible"
    violence: frozenset  # rule names of the kind "violence"
    topic: frozenset  # rule names of the bare topic words
    checks: Checks


@dataclass(frozen=True)
class Normalisation:
    token_map: Mapping[str, str]
    glued_k: re.Pattern
    vocabulary: tuple
    fuzzy_keys: tuple
    infinitives: frozenset


def _read(directory: Path, file_name: str, key: str, kind: type = dict) -> Any:
    """The value of the top-level `key` of a data file: a mapping, or a list when kind=list."""
    path = directory / file_name
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get(key), kind):
        raise RulebookError(f"{path}: expected the top-level key '{key}' with a {kind.__name__}")
    return data[key]


def _keys(raw: Any, expected: tuple, file_name: str) -> dict:
    """`raw` when it is a mapping with exactly the keys `expected`."""
    if not isinstance(raw, dict) or set(raw) != set(expected):
        found = set(raw) if isinstance(raw, dict) else set()
        raise RulebookError(f"{file_name}: missing {sorted(set(expected) - found)}, "
                            f"unknown {sorted(found - set(expected))}")
    return raw


def _text(value: Any, where: str) -> str:
    """A regex written as one string or as a list of strings, joined without separator."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
        return "".join(value)
    raise RulebookError(f"{where}: a regex is a string or a list of strings, not {value!r}")


def _words(value: Any, where: str) -> list[str]:
    if not isinstance(value, str):
        raise RulebookError(f"{where}: expected words separated by spaces, not {value!r}")
    return value.split()


def _expand(pattern: str, blocks: Mapping[str, str], where: str) -> str:
    if "{{" in pattern or "}}" in pattern:
        raise RulebookError(f"{where}: doubled braces; a quantifier is written {{0,3}}")

    def insert(match: re.Match) -> str:
        try:
            return blocks[match.group(1)]
        except KeyError:
            raise RulebookError(f"{where}: unknown block {match.group(0)}") from None

    return _PLACEHOLDER.sub(insert, pattern)


def _compile(value: Any, blocks: Mapping[str, str], where: str) -> re.Pattern:
    pattern = _expand(_text(value, where), blocks, where)
    try:
        return re.compile(pattern)
    except re.error as error:
        raise RulebookError(f"{where}: {error}") from None


def _flag(entry: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise RulebookError(f"{where}: {key} is true or false, not {value!r}")
    return value


def _entries(value: list, keys: set, file_name: str) -> list[tuple[str, dict]]:
    """(where, entry) of a list of named entries; checks keys and unique names."""
    found, seen = [], set()
    for index, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or "pattern" not in entry:
            raise RulebookError(f"{file_name}: entry {index} needs a name and a pattern")
        where = f"{file_name}: {entry['name']}"
        if entry["name"] in seen:
            raise RulebookError(f"{where}: the name is used twice")
        if set(entry) - keys:
            raise RulebookError(f"{where}: unknown key(s) {sorted(set(entry) - keys)}")
        seen.add(entry["name"])
        found.append((where, entry))
    return found


def _blocks(directory: Path) -> dict[str, str]:
    """Every block, expanded: a block may use the blocks above it."""
    blocks: dict[str, str] = {}
    for name, value in _read(directory, "blocks.yml", "crisis_blocks").items():
        where = f"blocks.yml: {name}"
        if not isinstance(name, str) or not _PLACEHOLDER.fullmatch("{" + name + "}"):
            raise RulebookError(f"{where}: a block name is written in capitals")
        blocks[name] = _expand(_text(value, where), blocks, where)
    return blocks


def _rule(entry: Mapping[str, Any], blocks: Mapping[str, str], where: str) -> Rule:
    unless_after = entry.get("unless_after")
    return Rule(
        name=entry["name"],
        regex=_compile(entry["pattern"], blocks, where),
        negatable=_flag(entry, "negatable", True, where),
        needs_self=_flag(entry, "needs_self", False, where),
        unless_after=_compile(unless_after, blocks, f"{where}: unless_after") if unless_after else None,
    )


def _rule_sets(directory: Path, rule_names: set) -> dict[str, frozenset]:
    sets = {}
    for name, value in _read(directory, "rule_sets.yml", "crisis_rule_sets").items():
        where = f"rule_sets.yml: {name}"
        names = _words(value, where)
        if name in rule_names or not names:
            raise RulebookError(f"{where}: a set has rule names and is not named like a rule")
        unknown = sorted(set(names) - rule_names)
        if unknown:
            raise RulebookError(f"{where}: no such rule(s) {unknown}")
        sets[name] = frozenset(names)
    missing = [name for name in _RULE_SETS if name not in sets]
    if missing:
        raise RulebookError(f"rule_sets.yml: missing set(s) {missing}")
    return sets


def _guard(entry: Mapping[str, Any], blocks: Mapping[str, str], where: str,
           sets: Mapping[str, frozenset], rule_names: set) -> Guard:
    reach = entry.get("reach", 0)
    if not isinstance(reach, int) or isinstance(reach, bool) or reach < 0:
        raise RulebookError(f"{where}: reach is a number of characters, not {reach!r}")
    applies_to = entry.get("applies_to")
    rules: Optional[set] = None
    if applies_to is not None:
        if not isinstance(applies_to, list) or not applies_to:
            raise RulebookError(f"{where}: applies_to is a list of rule or set names")
        rules = set()
        for name in applies_to:
            if name in sets:
                rules |= sets[name]
            elif name in rule_names:
                rules.add(name)
            else:
                raise RulebookError(f"{where}: applies_to names no rule or set {name!r}")
    return Guard(entry["name"], _compile(entry["pattern"], blocks, where), reach,
                 frozenset(rules) if rules else None)


def _checks(directory: Path, blocks: Mapping[str, str]) -> Checks:
    raw = _keys(_read(directory, "checks.yml", "crisis_checks"), _CHECK_PATTERNS + _CHECK_WORDS, "checks.yml")
    values: dict[str, Any] = {}
    for key in _CHECK_PATTERNS:
        values[key] = _compile(raw[key], blocks, f"checks.yml: {key}")
    for key in _CHECK_WORDS:
        values[key] = frozenset(_words(raw[key], f"checks.yml: {key}"))
    return Checks(**values)


@lru_cache(maxsize=None)
def load_rulebook(directory: Path = PATTERNS_DIR) -> Rulebook:
    """The rules, guards, rule sets and checks, compiled (once per directory)."""
    blocks = _blocks(directory)
    rules = tuple(_rule(entry, blocks, where)
                  for where, entry in _entries(_read(directory, "rules.yml", "crisis_rules", list),
                                               _RULE_KEYS, "rules.yml"))
    rule_names = {rule.name for rule in rules}
    sets = _rule_sets(directory, rule_names)
    guards = tuple(_guard(entry, blocks, where, sets, rule_names)
                   for where, entry in _entries(_read(directory, "guards.yml", "crisis_guards", list),
                                                _GUARD_KEYS, "guards.yml"))
    return Rulebook(
        rules=rules,
        lemma_rules=tuple(rule for rule in rules if rule.name in sets["lemma_view"]),
        guards=guards,
        possible=sets["possible_tier"],
        violence=sets["violence_kind"],
        topic=sets["topic_words"],
        checks=_checks(directory, blocks),
    )


@lru_cache(maxsize=None)
def load_normalisation(directory: Path = PATTERNS_DIR) -> Normalisation:
    """The word tables of normalisation.yml (once per directory)."""
    raw = _keys(_read(directory, "normalisation.yml", "crisis_normalisation"), _NORMALISATION_KEYS,
                "normalisation.yml")
    if not isinstance(raw["token_map"], dict):
        raise RulebookError("normalisation.yml: token_map maps a word to the spellings that become it")
    token_map: dict[str, str] = {}
    for target, spellings in raw["token_map"].items():
        where = f"normalisation.yml: token_map: {target}"
        if not isinstance(target, str):
            raise RulebookError(f"{where}: quote the word (YAML reads it as {target!r})")
        for spelling in _words(spellings, where):
            if spelling in token_map:
                raise RulebookError(f"{where}: {spelling!r} is listed twice")
            token_map[spelling] = target
    verbs = _words(raw["glued_k_verbs"], "normalisation.yml: glued_k_verbs")
    return Normalisation(
        token_map=token_map,
        glued_k=re.compile(r"\bk(" + "|".join(re.escape(verb) for verb in verbs) + r")\b"),
        vocabulary=tuple(_words(raw["vocabulary"], "normalisation.yml: vocabulary")),
        fuzzy_keys=tuple(_words(raw["fuzzy_keys"], "normalisation.yml: fuzzy_keys")),
        infinitives=frozenset(_words(raw["infinitives"], "normalisation.yml: infinitives")),
    )
