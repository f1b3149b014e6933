"""The lexicons of bot/data/lexicon/ (qualities.yml, motives.yml) as one token trie, with the
forms the lexicon generates and an index for matching with one typo. Use `get_lexicon()`."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import yaml

from bot.dutch import normalise, within_one_edit
from bot.dutch.morphology import adjective_forms, deletions, is_adjective, neighbours, plural_forms
from bot.dutch.vocabulary import ADJECTIVE_ENDINGS, BLOCKED_FORMS, STOP_PHRASES
from bot.dutch.wordforms import dutch_word_forms

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon"
QUALITY = "quality"
MOTIVE = "motive"

MIN_FUZZY_LENGTH = 6  # variants shorter than this never match with a typo

WORD = re.compile(r"[^\W_]+")


def normalised_words(text: str) -> Tuple[str, ...]:
    """The words of a text in their normal form (bot.dutch.normalise): the keys of the trie."""
    return tuple(WORD.findall(normalise(text)))


@dataclass(frozen=True)
class Sense:
    entity: str
    value: str
    opposite: bool = False  # an "on-" form such as "ongeduldig"


class Node:
    __slots__ = ("children", "senses", "stop")

    def __init__(self) -> None:
        self.children: Dict[str, Node] = {}
        self.senses: Tuple[Sense, ...] = ()
        self.stop = False


class LexiconError(ValueError):
    """The lexicon files are inconsistent (e.g. one variant under two values)."""


def _load_entries(path: Path, required: Sequence[str]) -> List[dict]:
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or []
    for entry in entries:
        missing = [field for field in ("value", *required) if not entry.get(field)]
        if missing:
            raise LexiconError(f"{path.name}: entry {entry!r} misses {missing}")
        entry["value"] = str(entry["value"]).strip().lower()
        entry["variants"] = [str(variant).strip() for variant in entry.get("variants") or []]
        entry["opposites"] = [str(form).strip() for form in entry.get("opposites") or []]
    return entries


def _claim(owner: Dict[Tuple[str, ...], str], entity: str, value: str, form: str, kind: str) -> Tuple[str, ...]:
    """The key of `form` (a variant or an opposite of `value`), claimed for `value` in `owner`."""
    key = normalised_words(form)
    if not key:
        raise LexiconError(f"{entity} {value!r}: empty {kind} {form!r}")
    if owner.get(key, value) != value:
        raise LexiconError(f"{entity} {kind} {form!r} belongs to both {owner[key]!r} and {value!r}")
    owner[key] = value
    return key


class Lexicon:
    """Both lexicons, the token trie and the fuzzy index. Use `get_lexicon()`."""

    def __init__(self, qualities: List[dict], motives: List[dict]) -> None:
        self.qualities = {entry["value"]: entry for entry in qualities}
        self.motives = {entry["value"]: entry for entry in motives}
        self.root = Node()
        self.explicit: Dict[Tuple[str, ...], Set[Sense]] = {}
        self.adjectives: Set[str] = set()  # single-token quality forms that inflect
        self.generated_collisions: List[Tuple[str, str, str]] = []
        for entity, entries in ((QUALITY, qualities), (MOTIVE, motives)):
            self._add_explicit(entity, entries)
        for key, senses in self.explicit.items():
            self._insert(key, tuple(sorted(senses, key=lambda s: (s.entity != QUALITY, s.value))))
        self._add_generated()
        for phrase in STOP_PHRASES:
            self._node(normalised_words(phrase)).stop = True
        self.fuzzy_keys = {
            key[0]: tuple(senses)
            for key, senses in self.explicit.items()
            if len(key) == 1 and len(key[0]) >= MIN_FUZZY_LENGTH and key[0].isalpha()
        }
        self._deletions: Dict[str, Set[str]] = {}
        for key in self.fuzzy_keys:
            for variant in {key, *deletions(key)}:
                self._deletions.setdefault(variant, set()).add(key)
        self.max_fuzzy_length = max(map(len, self.fuzzy_keys), default=0) + 1
        self._real_words: Optional[FrozenSet[str]] = None
        self.index = {
            entity: {" ".join(normalised_words(value)): value for value in table}
            for entity, table in ((QUALITY, self.qualities), (MOTIVE, self.motives))
        }

    # -- building

    def _add_explicit(self, entity: str, entries: List[dict]) -> None:
        owner: Dict[Tuple[str, ...], str] = {}
        for entry in entries:
            value = entry["value"]
            for form in (value, *entry["variants"]):
                key = _claim(owner, entity, value, form, "variant")
                self.explicit.setdefault(key, set()).add(Sense(entity, value))
                if entity == QUALITY and len(key) == 1 and is_adjective(key[0], value):
                    self.adjectives.add(key[0])
            # Forms that say the opposite ("onzeker", "nooit op tijd"): found as negated.
            for form in entry.get("opposites") or []:
                key = _claim(owner, entity, value, form, "opposite")
                self.explicit.setdefault(key, set()).add(Sense(entity, value, opposite=True))
                if entity == QUALITY and len(key) == 1 and key[0].endswith(ADJECTIVE_ENDINGS + ("er",)):
                    self.adjectives.add(key[0])

    def _add_generated(self) -> None:
        generated: Dict[str, Sense] = {}

        def add(form: str, sense: Sense) -> None:
            if (form,) in self.explicit or not form.isalpha() or form in BLOCKED_FORMS:
                return
            previous = generated.setdefault(form, sense)
            if previous != sense:
                self.generated_collisions.append((form, previous.value, sense.value))

        for key, senses in self.explicit.items():
            if len(key) != 1:
                continue
            word = key[0]
            for sense in senses:
                if sense.entity == MOTIVE:
                    for form in plural_forms(word):
                        add(form, sense)
                    continue
                forms = adjective_forms(word) if word in self.adjectives else {word}
                for form in forms - {word}:
                    add(form, sense)
                if not sense.opposite and not word.startswith("on") and len(word) >= 4:
                    opposite = Sense(sense.entity, sense.value, opposite=True)
                    for form in forms:
                        add("on" + form, opposite)
        for form, sense in generated.items():
            self._insert((form,), (sense,))

    def _node(self, key: Tuple[str, ...]) -> Node:
        node = self.root
        for word in key:
            node = node.children.setdefault(word, Node())
        return node

    def _insert(self, key: Tuple[str, ...], senses: Tuple[Sense, ...]) -> None:
        self._node(key).senses = senses

    # -- lookups used by the matcher

    def single(self, word: str) -> Tuple[Sense, ...]:
        node = self.root.children.get(word)
        return node.senses if node is not None else ()

    def fuzzy(self, word: str) -> Tuple[Sense, ...]:
        """Senses of the one variant within one typo of `word`, or () when unsure."""
        if not (MIN_FUZZY_LENGTH - 1 <= len(word) <= self.max_fuzzy_length) or not word.isalpha():
            return ()
        candidates: Set[str] = set()
        for variant in (word, *deletions(word)):
            candidates |= self._deletions.get(variant, set())
        keys = [key for key in candidates if key[0] == word[0] and within_one_edit(word, key)]
        senses = {sense for key in keys for sense in self.fuzzy_keys[key]}
        if len({(s.entity, s.value) for s in senses}) != 1 or word in self.real_words():
            return ()
        return tuple(senses)

    def real_words(self) -> FrozenSet[str]:
        """Real Dutch words one typo away from a fuzzy key; these never match by typo."""
        if self._real_words is None:
            near = set().union(*map(neighbours, self.fuzzy_keys)) if self.fuzzy_keys else set()
            self._real_words = frozenset(form for form in map(normalise, dutch_word_forms()) if form in near)
        return self._real_words


@functools.lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Loads and indexes both lexicons once."""
    qualities = _load_entries(LEXICON_DIR / "qualities.yml", ("pitfall", "challenge", "allergy"))
    motives = _load_entries(LEXICON_DIR / "motives.yml", ("description",))
    return Lexicon(qualities, motives)
