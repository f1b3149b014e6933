"""Dutch quality and motive extraction from the lexicons in bot/data/lexicon/.

Pure Python (PyYAML only), so both the Rasa server and the action server can import it.
The lexicons are loaded once and cached. Public API:

    extract(text, lemmas=None) -> list[Match]
    quality(value) -> dict, motive(value) -> dict
    all_qualities() -> list[str], all_motives() -> list[str]
    canonical(entity, value) -> str | None, is_canonical(entity, value) -> bool

How `extract` works, in order:
1. The text is split into word tokens (runs of letters/digits, so "werk-privé" and "zo'n"
   give two tokens each) and normalised (casefolded, accents removed). Lemmas, when given,
   are aligned to these tokens and matched as an alternative form of each token.
2. Longest match first, left to right, no overlaps, over a token trie of all values,
   variants and generated forms (adjective inflections, "on-" opposites, motive plurals).
   Intensifiers ("heel", "echt", ...) may sit inside a multi-word expression.
3. Fallbacks for a single token: intensifier prefixes ("supergeduldig"), inflection
   endings ("iets creatiefs"), and one typo in a variant of 6+ letters unless the token is
   another real Dutch word (word list from spacy-lookups-data, when installed).
4. Filters and flags: fixed phrases that are no quality ("eerlijk gezegd"), impersonal
   statements ("het is hier rustig"), negation ("niet zo geduldig", "geen geduld",
   "ongeduldig"), sarcasm ("ja hoor, ik ben super geduldig..."), and context cues for forms
   shared by a quality and a motive ("creativiteit").
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import itertools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from bot.dutch import strip_accents, within_one_edit

logger = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
QUALITY = "quality"
MOTIVE = "motive"

MIN_FUZZY_LENGTH = 6  # variants shorter than this never match with a typo

_WORD = re.compile(r"[^\W_]+")
_CLAUSE_PUNCTUATION = set(",;:()[]\"“”")
_SENTENCE_PUNCTUATION = set(".!?\n…")
_DASHES = set("-–—")

INTENSIFIERS = frozenset(
    "heel erg super echt zeer best wel zo enorm ontzettend vreselijk verschrikkelijk "
    "bijzonder uiterst behoorlijk redelijk vrij nogal tamelijk extreem mega hyper kei "
    "ook toch altijd nog zeker hartstikke".split()
)
# Words that may sit inside a multi-word expression: "neem graag verantwoordelijkheid".
_PHRASE_FILLERS = INTENSIFIERS | {"graag", "steeds", "goed", "kunnen"}
_INTENSIFIER_PREFIXES = ("super", "kei", "mega", "hyper", "ultra", "oer", "zeer")
NEGATORS = frozenset(
    "niet nie ni geen gene nooit weinig nauwelijks amper zelden allesbehalve noch zonder "
    "minder gebrek tekort onvoldoende nergens".split()
)
# A negator directly followed by one of these does not negate ("niet alleen", "geen probleem").
_NEGATION_CANCELLERS = frozenset("alleen enkel zomaar probleem moeite bezwaar twijfel punt".split())
_CLAUSE_WORDS = frozenset(
    "maar en of want omdat terwijl hoewel als wanneer dus zodat tenzij doch behalve".split()
)
_IMPERSONAL = frozenset("het dat dit da das t er".split())
# "die job was een uitdaging", "de klant was vriendelijk": a determiner, one noun, a copula.
_DETERMINERS = frozenset("die deze dat dit de het".split())
# Negators for qualities only: "ik mis soms wat geduld" (but "ik mis afwisseling" is a motive).
_QUALITY_NEGATORS = frozenset("mis mist miste misten ontbreekt ontbrak".split())
# A quality the client wants to work on is a point to grow on: "werken aan mijn zelfvertrouwen".
_GROWTH_CUES = (("werken", "aan"), ("werk", "aan"), ("werkt", "aan"), ("verbeteren",), ("verbeter",))
# A clause about someone else: "mijn zus is heel creatief", "de klant was vriendelijk",
# "mijn papa heeft een eigen zaak". An owner word, a subject of at most three words, a verb.
_OWNERS = frozenset("mijn m n mn zijn z haar hun onze ons de die deze een je jouw uw het".split())
_THIRD_PERSON_VERBS = frozenset(
    "is was zijn waren wordt werd blijft bleef lijkt leek heeft had hebben hadden vindt vinden vond "
    "noemt noemen zegt zeggen zei zeiden kan kunnen moet moeten wil willen doet doen werkt werken gaat".split()
)
# Words in that subject that make it about the client after all: "mijn sterkste kwaliteit is geduld".
_SELF_SUBJECT_WORDS = frozenset(
    "valkuil valkuilen werkpunt werkpunten zwakte zwaktes zwakke punt punten kant kanten leerpunt "
    "groeipunt grootste beste passie ideale ideaal droom droomjob motief motieven".split()
)
_SELF_NOUNS = frozenset(
    "kwaliteit kwaliteiten sterkte sterktes talent talenten troef troeven eigenschap eigenschappen "
    "drijfveer drijfveren motivatie waarde waarden".split()
)
_CLIENT_WORDS = frozenset("ik mij me mezelf mijzelf".split())
# A job title after "als": "ik werk als planner", "hij solliciteert als verantwoordelijke".
_JOB_VERBS = frozenset(
    "werk werkt werkte werkten werken gewerkt job baan functie solliciteer solliciteert solliciteren "
    "gesolliciteerd vacature aangenomen begonnen start tewerkgesteld".split()
)
# Places and times an inflected quality adjective may describe: "een rustige straat".
_SETTING_NOUNS = frozenset(
    "straat buurt wijk plek plaats plekje omgeving dorp stad gemeente huis woning appartement kantoor "
    "afdeling bureau ruimte kamer streek regio dag dagen week periode tijd moment avond ochtend weekend "
    "sfeer sector bedrijf firma winkel zaak school ziekenhuis markt wereld".split()
)
_COPULA_VERBS = frozenset("ben bent is was zijn waren word wordt werd".split())
# Inflected quality forms that are also nouns for a person or a job.
_ADJECTIVE_NOUNS = frozenset("zelfstandige verantwoordelijke leidinggevende betrokkene".split())
_FILLER_AFTER = frozenset("bij in van voor geweest geworden sinds".split())
_COPULAS = frozenset("is was wordt werd blijft bleef lijkt leek klinkt voelt zijn waren".split())
# "Het was een uitdaging" tells what something was like, not what the client values.
_PAST_COPULAS = frozenset("was werd waren leek bleef".split())
_FIND_VERBS = frozenset("vind vond vinden".split())
_PERSONAL = frozenset("ik je jij u hij zij ze we wij mij me mezelf mijzelf hem haar zichzelf".split())
_MOTIVE_CUES = frozenset(
    "wil wilt willen wou zou zoek zoekt zoeken belangrijk belangrijke belangrijkst nodig nood "
    "mis mist missen drijft drijfveer drijfveren motiveert motivatie waarde waarden waardeer "
    "verlang verlangen hoop wens wensen droom dromen graag liefst liever krijgen krijg geeft "
    "voldoening energie job baan functie werkgever werkplek".split()
)
_QUALITY_CUES = frozenset(
    "ben bent heb hebt heeft kan kun kunt goed sterk sterke sterkste sterkte sterktes "
    "kwaliteit kwaliteiten talent talenten eigenschap eigenschappen karakter typeert "
    "typisch troef troeven mezelf zeggen noemen neem neemt toon".split()
)
_SARCASM_START = re.compile(r"\W*(ja\W*hoor|ja\W+ja|jaja)\b")
_SARCASM_ENDINGS = ("...", "…", "🙄", "😒")
_SARCASM_NOT = re.compile(r"\bnot\W*$")

# Phrases that contain a lexicon form but say nothing about the client's qualities or motives.
_STOP_PHRASES = (
    "eerlijk gezegd", "eerlijk is eerlijk", "om eerlijk te zijn", "wel degelijk",
    "rustig aan", "even geduld", "in orde", "aan de orde", "in promotie", "onder invloed",
    "met zekerheid", "status van", "aardig wat", "aardig goed", "fair enough",
    "handig om te weten", "actief op zoek", "sociale media", "social media",
    "sociale zekerheid", "sociaal werk", "sociaal werker", "sociale dienst",
    "sociaal assistent", "sociale economie", "sociale woning", "sociaal secretariaat",
    "sociale zaken", "van nature", "in mijn vrije tijd", "in de vrije tijd", "in je vrije tijd",
    "creatief therapeut", "creatieve therapie", "creatieve therapeut",
) + tuple(
    f"{owner} {role}"
    for owner in "mijn de je jouw uw onze zijn haar hun nieuwe vorige directe".split()
    for role in ("leidinggevende", "verantwoordelijke")
)

# Generated forms that are other words: "levenswijze" (way of life), "lonen" (to pay off).
_BLOCKED_FORMS = frozenset({"levenswijze", "lonen", "rusten"})

# Endings of single-word quality forms that are adjectives (inflected and "on-" prefixed).
_ADJECTIVE_ENDINGS = (
    "ig", "lijk", "isch", "ief", "iel", "iek", "aal", "eel", "baar", "zaam", "end", "ent",
    "ant", "rijk", "vol", "loos", "gericht", "bewust", "vaardig", "gezind", "eus", "aat",
    "uur", "eerd", "ain", "air", "ibel", "abel",
)
_NOUN_ENDINGS = ("heid", "teit", "schap", "ing", "isme", "tie", "nis", "ment")
_VOWEL_DIGRAPHS = ("ie", "ee", "aa", "oo", "uu", "ei", "ij", "ui", "ou", "au", "eu", "oe")
_UNSTRESSED_ENDINGS = ("el", "en", "er", "em", "ig", "es", "ik", "ing")


def normalize(text: str) -> str:
    """Lowercase without accents: 'Privé' -> 'prive', 'Ideeën' -> 'ideeen'."""
    return strip_accents(text.casefold())


def _words(text: str) -> Tuple[str, ...]:
    return tuple(_WORD.findall(normalize(text)))


@dataclass(frozen=True)
class Match:
    """One quality or motive found in a text; `start`/`end` are offsets in that text."""

    entity: str  # QUALITY or MOTIVE
    value: str  # canonical value
    start: int
    end: int
    surface: str
    negated: bool = False


@dataclass(frozen=True)
class _Sense:
    entity: str
    value: str
    opposite: bool = False  # an "on-" form such as "ongeduldig"


class _Node:
    __slots__ = ("children", "senses", "stop")

    def __init__(self) -> None:
        self.children: Dict[str, _Node] = {}
        self.senses: Tuple[_Sense, ...] = ()
        self.stop = False


class _Token:
    __slots__ = ("norm", "start", "end", "lemma", "punct_break", "clause_start", "sentence", "name")

    def __init__(self, norm: str, start: int, end: int) -> None:
        self.norm = norm
        self.start = start
        self.end = end
        self.lemma: Optional[str] = None
        self.punct_break = False  # clause or sentence punctuation right before this token
        self.clause_start = 0  # index of the first token of this token's clause
        self.sentence = 0
        self.name = False  # capitalised inside a sentence: probably a name ("Antwerpen")

    def forms(self) -> Tuple[str, ...]:
        if self.lemma and self.lemma != self.norm:
            return (self.norm, self.lemma)
        return (self.norm,)


# --------------------------------------------------------------------------- lexicon data


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


def _e_stem(word: str) -> str:
    """The stem that takes -e/-er: loyaal -> loyal, creatief -> creatiev, wijs -> wijz."""
    long_vowel = word[-3:-1] in _VOWEL_DIGRAPHS
    if len(word) >= 4 and word[-3] == word[-2] and word[-2] in "aeou" and word[-1] not in "aeiou":
        word = word[:-2] + word[-1]
    if long_vowel and word.endswith("f"):
        word = word[:-1] + "v"
    elif long_vowel and word.endswith("s"):
        word = word[:-1] + "z"
    return word


def _doubles_consonant(word: str) -> bool:
    """gul -> gulle, gevat -> gevatte, but flexibel -> flexibele."""
    return (
        len(word) >= 3
        and word[-1] not in "aeiouwjhxy"
        and word[-2] in "aeiou"
        and word[-3] not in "aeiouy"
        and not word.endswith(_UNSTRESSED_ENDINGS)
    )


def _adjective_forms(word: str) -> Set[str]:
    """Inflected and graded forms of an adjective (superset; non-words are harmless)."""
    forms = {word, word + "st", word + "ste"}
    if word.endswith("en"):
        return forms | {word + "er", word + "ere"}
    stems = {_e_stem(word)}
    if _doubles_consonant(word):
        stems.add(word + word[-1])
    for stem in stems:
        forms |= {stem + "e", stem + "er", stem + "ere"}
    if word.endswith("r"):
        forms |= {word + "der", word + "dere"}
    return forms


def _is_adjective(word: str, value: str) -> bool:
    return word == value or (word.endswith(_ADJECTIVE_ENDINGS) and not word.endswith(_NOUN_ENDINGS))


def _plural_forms(word: str) -> Set[str]:
    if word.endswith("heid"):
        return {word[:-4] + "heden"}
    forms = {word + "s"}
    forms.add(word + "n" if word.endswith("e") else _e_stem(word) + "en")
    return forms


class Lexicon:
    """Both lexicons, the token trie and the fuzzy index. Use `get_lexicon()`."""

    def __init__(self, qualities: List[dict], motives: List[dict]) -> None:
        self.qualities = {entry["value"]: entry for entry in qualities}
        self.motives = {entry["value"]: entry for entry in motives}
        self.root = _Node()
        self.explicit: Dict[Tuple[str, ...], Set[_Sense]] = {}
        self.adjectives: Set[str] = set()  # single-token quality forms that inflect
        self.generated_collisions: List[Tuple[str, str, str]] = []
        for entity, entries in ((QUALITY, qualities), (MOTIVE, motives)):
            self._add_explicit(entity, entries)
        for key, senses in self.explicit.items():
            self._insert(key, tuple(sorted(senses, key=lambda s: (s.entity != QUALITY, s.value))))
        self._add_generated()
        for phrase in _STOP_PHRASES:
            self._node(_words(phrase)).stop = True
        self.fuzzy_keys = {
            key[0]: tuple(senses)
            for key, senses in self.explicit.items()
            if len(key) == 1 and len(key[0]) >= MIN_FUZZY_LENGTH and key[0].isalpha()
        }
        self._deletions: Dict[str, Set[str]] = {}
        for key in self.fuzzy_keys:
            for variant in {key, *_deletions(key)}:
                self._deletions.setdefault(variant, set()).add(key)
        self.max_fuzzy_length = max(map(len, self.fuzzy_keys), default=0) + 1
        self._real_words: Optional[FrozenSet[str]] = None
        self.index = {
            entity: {" ".join(_words(value)): value for value in table}
            for entity, table in ((QUALITY, self.qualities), (MOTIVE, self.motives))
        }

    # -- building

    def _add_explicit(self, entity: str, entries: List[dict]) -> None:
        owner: Dict[Tuple[str, ...], str] = {}
        for entry in entries:
            value = entry["value"]
            for form in (value, *entry["variants"]):
                key = _words(form)
                if not key:
                    raise LexiconError(f"{entity} {value!r}: empty variant {form!r}")
                if owner.get(key, value) != value:
                    raise LexiconError(
                        f"{entity} variant {form!r} belongs to both {owner[key]!r} and {value!r}"
                    )
                owner[key] = value
                self.explicit.setdefault(key, set()).add(_Sense(entity, value))
                if entity == QUALITY and len(key) == 1 and _is_adjective(key[0], value):
                    self.adjectives.add(key[0])
            # Forms that say the opposite ("onzeker", "nooit op tijd"): found as negated.
            for form in entry.get("opposites") or []:
                key = _words(form)
                if not key:
                    raise LexiconError(f"{entity} {value!r}: empty opposite {form!r}")
                if owner.get(key, value) != value:
                    raise LexiconError(
                        f"{entity} opposite {form!r} belongs to both {owner[key]!r} and {value!r}"
                    )
                owner[key] = value
                self.explicit.setdefault(key, set()).add(_Sense(entity, value, opposite=True))
                if entity == QUALITY and len(key) == 1 and key[0].endswith(_ADJECTIVE_ENDINGS + ("er",)):
                    self.adjectives.add(key[0])

    def _add_generated(self) -> None:
        generated: Dict[str, _Sense] = {}

        def add(form: str, sense: _Sense) -> None:
            if (form,) in self.explicit or not form.isalpha() or form in _BLOCKED_FORMS:
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
                    for form in _plural_forms(word):
                        add(form, sense)
                    continue
                forms = _adjective_forms(word) if word in self.adjectives else {word}
                for form in forms - {word}:
                    add(form, sense)
                if not sense.opposite and not word.startswith("on") and len(word) >= 4:
                    opposite = _Sense(sense.entity, sense.value, opposite=True)
                    for form in forms:
                        add("on" + form, opposite)
        for form, sense in generated.items():
            self._insert((form,), (sense,))

    def _node(self, key: Tuple[str, ...]) -> _Node:
        node = self.root
        for word in key:
            node = node.children.setdefault(word, _Node())
        return node

    def _insert(self, key: Tuple[str, ...], senses: Tuple[_Sense, ...]) -> None:
        self._node(key).senses = senses

    # -- lookups used by the matcher

    def single(self, word: str) -> Tuple[_Sense, ...]:
        node = self.root.children.get(word)
        return node.senses if node is not None else ()

    def fuzzy(self, word: str) -> Tuple[_Sense, ...]:
        """Senses of the one variant within one typo of `word`, or () when unsure."""
        if not (MIN_FUZZY_LENGTH - 1 <= len(word) <= self.max_fuzzy_length) or not word.isalpha():
            return ()
        candidates: Set[str] = set()
        for variant in (word, *_deletions(word)):
            candidates |= self._deletions.get(variant, set())
        keys = [key for key in candidates if key[0] == word[0] and within_one_edit(word, key)]
        senses = {sense for key in keys for sense in self.fuzzy_keys[key]}
        if len({(s.entity, s.value) for s in senses}) != 1 or word in self.real_words():
            return ()
        return tuple(senses)

    def real_words(self) -> FrozenSet[str]:
        """Real Dutch words one typo away from a fuzzy key; these never match by typo."""
        if self._real_words is None:
            near = set().union(*map(_neighbours, self.fuzzy_keys)) if self.fuzzy_keys else set()
            self._real_words = frozenset(
                form
                for word in _dutch_words()
                if (form := word.lower() if word.isascii() else normalize(word)) in near
            )
        return self._real_words


def _deletions(word: str) -> Set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _dutch_words() -> Iterable[str]:
    """Dutch word forms from spacy-lookups-data (nothing if it is not installed)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.origin:
        logger.info("spacy-lookups-data is not installed: typo matching has no real-word guard")
        return ()
    data = Path(spec.origin).parent / "data"
    try:
        with gzip.open(data / "nl_lemma_lookup.json.gz", "rt", encoding="utf-8") as handle:
            lookup = json.load(handle)
        with gzip.open(data / "nl_lemma_index.json.gz", "rt", encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, ValueError) as error:
        logger.warning("Dutch word list unreadable (%s): typo matching has no real-word guard", error)
        return ()
    return itertools.chain(lookup, lookup.values(), *index.values())


def _neighbours(word: str) -> Set[str]:
    """All strings one edit (a-z) away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in letters}
    found |= {a + c + b for a, b in splits for c in letters}
    found.discard(word)
    return found


@functools.lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Loads and indexes both lexicons once."""
    qualities = _load_entries(LEXICON_DIR / "qualities.yml", ("pitfall", "challenge", "allergy"))
    motives = _load_entries(LEXICON_DIR / "motives.yml", ("description",))
    return Lexicon(qualities, motives)


def warm_up() -> None:
    """Loads the lexicons and the typo guard now instead of on the first message."""
    get_lexicon().real_words()


# --------------------------------------------------------------------------- public lookups


def canonical(entity: str, value: object) -> Optional[str]:
    """The canonical value that `value` spells (case and accents aside), or None."""
    if entity not in (QUALITY, MOTIVE) or not isinstance(value, str):
        return None
    return get_lexicon().index[entity].get(" ".join(_words(value)))


def _entry(entity: str, value: str) -> dict:
    found = canonical(entity, value)
    if found is None:
        raise KeyError(f"unknown {entity}: {value!r}")
    lexicon = get_lexicon()
    entry = (lexicon.qualities if entity == QUALITY else lexicon.motives)[found]
    return dict(entry, variants=list(entry["variants"]))


def quality(value: str) -> dict:
    """The quality entry: value, variants, pitfall, challenge, allergy. KeyError if unknown."""
    return _entry(QUALITY, value)


def motive(value: str) -> dict:
    """The motive entry: value, variants, description. KeyError if unknown."""
    return _entry(MOTIVE, value)


def all_qualities() -> List[str]:
    """Canonical quality values, in file order."""
    return list(get_lexicon().qualities)


def all_motives() -> List[str]:
    """Canonical motive values, in file order."""
    return list(get_lexicon().motives)


def is_canonical(entity: str, value: object) -> bool:
    """True when `value` is (a case/accent variant of) a canonical value of `entity`."""
    return canonical(entity, value) is not None


# --------------------------------------------------------------------------- extraction


def _tokenize(text: str) -> List[_Token]:
    tokens: List[_Token] = []
    sentence = clause_start = 0
    previous_end = 0
    for found in _WORD.finditer(text):
        token = _Token(normalize(found.group()), found.start(), found.end())
        gap = text[previous_end : found.start()] if tokens else ""
        if any(char in _SENTENCE_PUNCTUATION for char in gap):
            sentence += 1
            token.punct_break = True
        elif any(char in _CLAUSE_PUNCTUATION for char in gap) or (
            any(char in _DASHES for char in gap) and any(char.isspace() for char in gap)
        ):
            token.punct_break = True
        if token.punct_break or token.norm in _CLAUSE_WORDS:
            clause_start = len(tokens)
        token.clause_start, token.sentence = clause_start, sentence
        token.name = bool(tokens) and tokens[-1].sentence == sentence and found.group()[0].isupper()
        tokens.append(token)
        previous_end = found.end()
    return tokens


def _attach_lemmas(tokens: List[_Token], lemmas: Iterable[object]) -> None:
    """Aligns lemma words to text tokens (the lemmas come from spaCy's own tokenizer)."""
    position = 0
    for lemma in lemmas:
        if not isinstance(lemma, str):
            continue
        for word in _words(lemma):
            for index in range(position, min(position + 3, len(tokens))):
                if _fits(word, tokens[index].norm):
                    tokens[index].lemma = word
                    position = index + 1
                    break


def _fits(lemma: str, word: str) -> bool:
    size = min(4, len(lemma), len(word))
    return lemma[:size] == word[:size] and abs(len(lemma) - len(word)) <= max(3, len(word) // 2)


@dataclass
class _Raw:
    first: int  # token indexes, `last` exclusive
    last: int
    senses: Tuple[_Sense, ...]


def _longest_at(lexicon: Lexicon, tokens: List[_Token], start: int) -> Tuple[int, Optional[_Node]]:
    """End (exclusive) and node of the longest trie match starting at token `start`."""
    best_end, best_node = 0, None
    stack = [(lexicon.root, start, 0)]
    while stack:
        node, index, skips = stack.pop()
        if index >= len(tokens) or (index > start and tokens[index].punct_break):
            continue
        token = tokens[index]
        for form in token.forms():
            child = node.children.get(form)
            if child is None:
                continue
            if (child.senses or child.stop) and index + 1 > best_end:
                best_end, best_node = index + 1, child
            if child.children:
                stack.append((child, index + 1, skips))
        if index > start and skips < 2 and token.norm in _PHRASE_FILLERS:
            stack.append((node, index + 1, skips + 1))
    return best_end, best_node


def _single_fallback(lexicon: Lexicon, word: str, name: bool = False) -> Tuple[_Sense, ...]:
    """Intensifier prefix, inflection ending, "-ich" spelled for "-ig", then one typo."""
    for prefix in _INTENSIFIER_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            senses = lexicon.single(word[len(prefix) :])
            if senses:
                return senses
    for suffix in ("ste", "st", "ere", "er", "e", "s"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 4 and (suffix == "s" or base in lexicon.adjectives):
            senses = lexicon.single(base)
            if senses:
                return senses
    position = word.rfind("ich")
    if position > 0:  # "geduldich", "nauwkeurige" spelled as heard: one edit for the ear
        senses = lexicon.single(word[:position] + "ig" + word[position + 3 :])
        if senses:
            return senses
    for heard, written in (("ies", "isch"), ("iese", "ische"), ("is", "isch")):
        if word.endswith(heard) and len(word) > len(heard) + 4:  # "optimisties", "praktis"
            senses = lexicon.single(word[: -len(heard)] + written)
            if senses:
                return senses
    return () if name else lexicon.fuzzy(word)


def _find_raw(lexicon: Lexicon, tokens: List[_Token]) -> List[_Raw]:
    found: List[_Raw] = []
    index = 0
    while index < len(tokens):
        end, node = _longest_at(lexicon, tokens, index)
        if node is not None:
            if not node.stop:
                found.append(_Raw(index, end, node.senses))
            index = end
            continue
        token = tokens[index]
        skip = token.norm in INTENSIFIERS or token.norm in NEGATORS
        senses = () if skip else _single_fallback(lexicon, token.norm, token.name)
        if senses:
            found.append(_Raw(index, index + 1, senses))
        index += 1
    return found


def _is_impersonal(tokens: List[_Token], raw: _Raw, entity: str) -> bool:
    """Not said of the client: 'het is hier rustig', 'dat vind ik handig', 'het was een uitdaging',
    'die job was een uitdaging'."""
    copulas = _COPULAS if entity == QUALITY else _PAST_COPULAS
    window = tokens[max(tokens[raw.first].clause_start, raw.first - 5) : raw.first]
    for position, token in enumerate(window[:-1]):
        following = window[position + 1].norm
        if token.norm in _DETERMINERS and position + 2 < len(window) and window[position + 2].norm in copulas:
            if following not in _PERSONAL and following not in _SELF_SUBJECT_WORDS | _SELF_NOUNS:
                return not any(t.norm in _PERSONAL for t in window[position + 3 :])
        if token.norm not in _IMPERSONAL:
            continue
        if following in copulas:
            return not any(t.norm in _PERSONAL for t in window[position + 2 :])
        if entity == QUALITY and following in _FIND_VERBS:
            return True
    return False


def _is_about_someone_else(tokens: List[_Token], raw: _Raw) -> bool:
    """'mijn zus is heel creatief', 'mijn collega's zijn behulpzaam', 'mijn papa heeft een eigen zaak'
    (but 'mijn collega's vinden mij onvriendelijk', 'mijn sterkste punt is geduld')."""
    first = tokens[raw.first].clause_start
    if tokens[first].norm not in _OWNERS or raw.first - first < 2:
        return False
    for verb in range(first + 1, min(first + 5, raw.first)):
        if tokens[verb].norm in _THIRD_PERSON_VERBS:
            break
    else:
        return False
    subject = tokens[first + 1 : verb]
    if not subject or any(t.norm in _PERSONAL or t.norm in _CLIENT_WORDS for t in subject):
        return False
    cues = _QUALITY_CUES | _MOTIVE_CUES | _SELF_SUBJECT_WORDS
    if any(set(t.forms()) & cues for t in subject):
        return False
    return not any(t.norm in _CLIENT_WORDS for t in tokens[verb + 1 : raw.first])


def _is_not_a_quality(text: str, tokens: List[_Token], raw: _Raw, lexicon: "Lexicon") -> bool:
    """A quality form used as something else: a job title ('ik werk als planner'), a noun after a
    copula ('hij is zelfstandige'), the tail of a compound ('HR-verantwoordelijke'), or an
    adjective describing a place or time ('een rustige straat')."""
    first = tokens[raw.first]
    previous = tokens[raw.first - 1] if raw.first > 0 and not first.punct_break else None
    if previous is not None and previous.norm == "als" and raw.first >= 2 and tokens[raw.first - 2].norm in _JOB_VERBS:
        return True
    if raw.last - raw.first != 1:
        return False
    if (
        first.start > 0 and text[first.start - 1] in "-–" and previous is not None
        and previous.end == first.start - 1
        and previous.norm not in INTENSIFIERS and previous.norm not in _INTENSIFIER_PREFIXES
    ):
        return True  # "HR-verantwoordelijke", "IT-verantwoordelijke"
    word = first.norm
    inflected = word.endswith("e") and not word.endswith("ste") and (word,) not in lexicon.explicit
    if not inflected:
        return False
    following = tokens[raw.last] if raw.last < len(tokens) and not tokens[raw.last].punct_break else None
    if word in _ADJECTIVE_NOUNS and previous is not None and previous.norm in _COPULA_VERBS and (following is None or following.norm in _CLAUSE_WORDS or following.norm in NEGATORS or following.norm in _FILLER_AFTER):
        return True  # a noun: "Dirk is zelfstandige", "ik ben verantwoordelijke"
    return following is not None and following.norm in _SETTING_NOUNS


def _negator_at(tokens: List[_Token], index: int, entity: str = MOTIVE) -> bool:
    if tokens[index].norm in _QUALITY_NEGATORS and entity == QUALITY:
        return True
    if tokens[index].norm not in NEGATORS:
        return False
    following = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    return following not in _NEGATION_CANCELLERS


def _is_negated(tokens: List[_Token], raw: _Raw, previous_end: int, entity: str = MOTIVE) -> bool:
    """A negator up to 4 words before, in the same clause; or after a topicalised match; for a
    quality also 'ik mis wat geduld' and 'werken aan mijn zelfvertrouwen'."""
    clause_start = tokens[raw.first].clause_start
    window = range(max(clause_start, previous_end, raw.first - 4), raw.first)
    if any(_negator_at(tokens, index, entity) for index in window):
        return True
    if entity == QUALITY:
        before = [t.norm for t in tokens[max(clause_start, raw.first - 4) : raw.first]]
        for cue in _GROWTH_CUES:
            if any(tuple(before[i : i + len(cue)]) == cue for i in range(len(before))):
                return True
    if all(tokens[index].norm in INTENSIFIERS for index in range(clause_start, raw.first)):
        # "Geduldig ben ik niet.", "Creativiteit vind ik niet belangrijk."
        for index in range(raw.last, min(len(tokens), raw.last + 6)):
            if tokens[index].clause_start != clause_start:
                break
            if _negator_at(tokens, index):
                return True
    return False


def _is_sarcastic(text: str) -> bool:
    """'ja hoor, ik ben super geduldig...' or '... geduldig, not'."""
    tail = text.rstrip().lower()
    if _SARCASM_NOT.search(tail[-12:]):
        return True
    return bool(_SARCASM_START.match(tail[:40])) and tail.endswith(_SARCASM_ENDINGS)


class _Context:
    """Chooses quality or motive for a form both lexicons use, such as 'creativiteit'.

    First the cue words of its sentence ('ik heb', 'kan' against 'wil', 'belangrijk'), then
    what the bot's question asked for, then the other matches in the text, then the lexicon
    whose canonical value it is.
    """

    def __init__(self, tokens: List[_Token], found: List[_Raw], asked_for: Optional[str] = None) -> None:
        self.tokens = tokens
        self.asked_for = {QUALITY: int(asked_for == QUALITY), MOTIVE: int(asked_for == MOTIVE)}
        self.others = {QUALITY: 0, MOTIVE: 0}
        for raw in found:
            if len({sense.entity for sense in raw.senses}) == 1:
                self.others[raw.senses[0].entity] += 1
        self._hints: List[Dict[str, int]] = []  # per token, computed on first need
        self._totals: Dict[int, Dict[str, int]] = {}  # per sentence

    def _sentence_cues(self, raw: _Raw) -> Dict[str, int]:
        """Cue words in the match's sentence, outside the match itself."""
        if not self._hints:
            for token in self.tokens:
                forms = set(token.forms())
                hint = {QUALITY: int(bool(forms & _QUALITY_CUES)), MOTIVE: int(bool(forms & _MOTIVE_CUES))}
                self._hints.append(hint)
                totals = self._totals.setdefault(token.sentence, {QUALITY: 0, MOTIVE: 0})
                for entity in hint:
                    totals[entity] += hint[entity]
        totals = self._totals[self.tokens[raw.first].sentence]
        inside = self._hints[raw.first : raw.last]
        return {entity: totals[entity] - sum(hint[entity] for hint in inside) for entity in totals}

    def resolve(self, raw: _Raw) -> _Sense:
        if len({sense.entity for sense in raw.senses}) == 1:
            return raw.senses[0]
        for scores in (self._sentence_cues(raw), self.asked_for, self.others):
            if scores[QUALITY] != scores[MOTIVE]:
                winner = max(scores, key=scores.__getitem__)
                break
        else:
            key = " ".join(token.norm for token in self.tokens[raw.first : raw.last])
            own = [sense.entity for sense in raw.senses if " ".join(_words(sense.value)) == key]
            winner = own[0] if own else (MOTIVE if raw.last - raw.first > 1 else QUALITY)
        return next(sense for sense in raw.senses if sense.entity == winner)


def extract(text: str, lemmas: list[str] | None = None, asked_for: Optional[str] = None) -> List[Match]:
    """Qualities and motives in `text`, in text order, without overlaps.

    `lemmas` are the lemmas of the text's tokens from spaCy, in order; they are aligned to
    this module's own tokens and matched next to the surface forms. `asked_for` (QUALITY or
    MOTIVE) is what the question the text answers asked about: a form both lexicons use
    ("zelfstandigheid") goes to it unless its own sentence says otherwise.
    """
    if not text or not isinstance(text, str):
        return []
    lexicon = get_lexicon()
    tokens = _tokenize(text)
    if lemmas:
        _attach_lemmas(tokens, lemmas)
    found = _find_raw(lexicon, tokens)
    context = _Context(tokens, found, asked_for)
    sarcastic = _is_sarcastic(text)
    matches: List[Match] = []
    previous_end = 0
    for raw in found:
        sense = context.resolve(raw)
        skip = _is_impersonal(tokens, raw, sense.entity) or _is_about_someone_else(tokens, raw)
        if sense.entity == QUALITY and not skip:
            skip = _is_not_a_quality(text, tokens, raw, lexicon)
        if not skip:
            negated = sarcastic or (_is_negated(tokens, raw, previous_end, sense.entity) != sense.opposite)
            start, end = tokens[raw.first].start, tokens[raw.last - 1].end
            matches.append(Match(sense.entity, sense.value, start, end, text[start:end], negated))
        previous_end = raw.last
    return matches
