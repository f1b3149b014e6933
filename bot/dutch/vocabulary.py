"""The word lists of the quality and motive extraction, from bot/data/lexicon/word_lists.yml
(what each list is for is written there). Read once, when the module is imported."""
from __future__ import annotations

from pathlib import Path
from typing import FrozenSet, Tuple

import yaml

WORD_LISTS_FILE = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "word_lists.yml"

with WORD_LISTS_FILE.open(encoding="utf-8") as _handle:
    _LISTS = yaml.safe_load(_handle)


def _words(key: str) -> FrozenSet[str]:
    return frozenset(_LISTS[key].split())


def _ordered(key: str) -> Tuple[str, ...]:
    return tuple(_LISTS[key].split())


INTENSIFIERS = _words("intensifiers")
PHRASE_FILLERS = INTENSIFIERS | _words("phrase_fillers")
INTENSIFIER_PREFIXES = _ordered("intensifier_prefixes")
NEGATORS = _words("negators")
NEGATION_CANCELLERS = _words("negation_cancellers")
QUALITY_NEGATORS = _words("quality_negators")
GROWTH_CUES = tuple(tuple(phrase.split()) for phrase in _LISTS["growth_cues"])
CLAUSE_WORDS = _words("clause_words")
IMPERSONAL = _words("impersonal")
DETERMINERS = _words("determiners")
COPULAS = _words("copulas")
PAST_COPULAS = _words("past_copulas")
FIND_VERBS = _words("find_verbs")
PERSONAL = _words("personal")
OWNERS = _words("owners")
THIRD_PERSON_VERBS = _words("third_person_verbs")
SELF_SUBJECT_WORDS = _words("self_subject_words")
SELF_NOUNS = _words("self_nouns")
CLIENT_WORDS = _words("client_words")
JOB_VERBS = _words("job_verbs")
SETTING_NOUNS = _words("setting_nouns")
COPULA_VERBS = _words("copula_verbs")
ADJECTIVE_NOUNS = _words("adjective_nouns")
FILLER_AFTER = _words("filler_after")
MOTIVE_CUES = _words("motive_cues")
QUALITY_CUES = _words("quality_cues")
STOP_PHRASES = tuple(_LISTS["stop_phrases"]) + tuple(
    f"{owner} {role}" for owner in _ordered("stop_phrase_owners") for role in _ordered("stop_phrase_roles")
)
BLOCKED_FORMS = _words("blocked_forms")
ADJECTIVE_ENDINGS = _ordered("adjective_endings")
NOUN_ENDINGS = _ordered("noun_endings")
VOWEL_DIGRAPHS = _ordered("vowel_digraphs")
UNSTRESSED_ENDINGS = _ordered("unstressed_endings")
