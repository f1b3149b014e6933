"""Rule-based detection of crisis signals in Dutch (Flemish) client messages: the engine.

Pure Python (no Rasa import) so that it can be tested and measured on its own. The Rasa
component `bot.nlu.crisis.CrisisDetector` calls `detect()` for every message and, when it
fires, overrides the NLU intent with `crisis` (confidence 1.0).

A crisis signal is anything that signals suicidal thoughts, self-harm or acute danger
(violence or threats from others). Recall comes first: a miss can cost a life, a misfire
costs a sentence. Figurative uses ("ik ben doodop", "ik ga dood van de stress", "ik kap
ermee", "de printer is kapot") must not fire.

The rules are data, in bot/data/crisis/patterns/ (rules.yml, guards.yml, blocks.yml,
rule_sets.yml, checks.yml, normalisation.yml), loaded and compiled once, at import, by
`bot.nlu.crisis_rulebook`. This module applies them:

1. `normalise()` (bot/nlu/crisis_normalise.py) lowercases, strips accents, collapses
   repeated letters, expands Flemish and chat contractions ('k, ni, nie, da, ge, 't, m'n,
   kwil ...) and repairs one-character misspellings of the key words (zelfmoord,
   zelfdoding, suicide, dood ...).
2. Every `Rule` (a named regex over the normalised text) is tried on the text, in the order
   of rules.yml; the first match that survives the checks below is reported. When lemmas are
   given (spaCy token lemmas), the verb-centred rules (`LEMMA_RULES`, rule_sets.yml:
   lemma_view) are also tried on the normalised lemma string, which catches inflections the
   text rules do not list ("kerfde" -> "kerven").
3. A match is dropped when it overlaps a figurative guard (`FIGURATIVE_GUARDS`, guards.yml),
   when its rule-specific `unless_after` applies to the words right after it, when the rule
   `needs_self` and the sentence has no first person, when someone else is the subject of
   its clause (not for danger from others), when it is a bare topic word in a message about
   work or others, or when the rule is `negatable` and a negation governs it ("ik heb geen
   zelfmoordgedachten", "zelfmoord? nee"). Rules whose crisis meaning contains a negation
   ("ik wil niet meer leven", "ik zie het niet meer zitten") are not negatable. The words
   these checks look for are in checks.yml.

All regexes are bounded (no nested unbounded quantifiers), so 100,000 characters take a
fraction of a second. Recall and false positives on the evaluation set
(tests/data/crisis_eval.yml) are measured by tools/crisis_eval.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from bot.nlu.crisis_normalise import normalise
from bot.nlu.crisis_rulebook import Guard, Rule, load_rulebook

__all__ = ["CrisisSignal", "Guard", "Rule", "detect", "normalise", "tier_of"]


@dataclass(frozen=True)
class CrisisSignal:
    """Why a message was flagged: the matched (normalised) phrase and the rule's name."""

    phrase: str
    pattern: str
    source: str = "text"  # "text" or "lemmas": which view of the message matched


_BOOK = load_rulebook()
RULES: Sequence[Rule] = _BOOK.rules
LEMMA_RULES: Sequence[Rule] = _BOOK.lemma_rules
FIGURATIVE_GUARDS: Sequence[Guard] = _BOOK.guards
# The tier of each rule (shared/CONTRACT.md: crisis_level): see rule_sets.yml.
POSSIBLE_RULES = _BOOK.possible
VIOLENCE_RULES = _BOOK.violence
TOPIC_RULES = _BOOK.topic

_NEGATION_WORDS = _BOOK.checks.negation_words
_NEGATION_BRIDGE = _BOOK.checks.negation_bridge
_CLAUSE_BREAK = _BOOK.checks.clause_break
_NEGATION_AFTER = _BOOK.checks.negation_after
_SELF_WORDS = _BOOK.checks.self_words
_THIRD_PERSON_SUBJECT = _BOOK.checks.third_person_subject
_FIRST_PERSON = _BOOK.checks.first_person
_TOPIC_CONTEXT = _BOOK.checks.topic_context
_OWN_WORDS = _BOOK.checks.own_words
_CLIENT_WORDS = _BOOK.checks.client_words
_OWN_VERBS = _BOOK.checks.own_verbs
_SENTENCE_END = re.compile(r"[.!?]")


def tier_of(rule_name: str) -> tuple[str, str]:
    """(level, kind) of a rule's signal: level "clear" or "possible", kind "self" or "violence"."""
    if rule_name in VIOLENCE_RULES:
        return "clear", "violence"
    return ("possible" if rule_name in POSSIBLE_RULES else "clear"), "self"


# --------------------------------------------------------------------------------------
# The checks on every match (their words: checks.yml)
# --------------------------------------------------------------------------------------


def _after_last(pattern: re.Pattern, text: str) -> str:
    """What follows the last match of `pattern` in `text` (all of it when there is none): the
    current clause or sentence up to a match."""
    last = None
    for last in pattern.finditer(text):
        pass
    return text[last.end():] if last is not None else text


def _negated(text: str, start: int, end: int) -> bool:
    """A negation word shortly before the match in its clause, with only bridge words between
    ("ik denk niet aan zelfmoord"), or a negation right after it ("zelfmoord? nee")."""
    before = _after_last(_CLAUSE_BREAK, text[max(0, start - 120):start])
    words = before.split()
    for i in range(len(words) - 1, max(-1, len(words) - 7), -1):
        if words[i] in _NEGATION_WORDS:
            if all(w in _NEGATION_BRIDGE for w in words[i + 1:]):
                return True
            break
    return bool(_NEGATION_AFTER.match(text[end:end + 80]))


def _has_self(text: str, start: int, end: int) -> bool:
    """The sentence of the match has a first person (for rules that need it)."""
    left = _after_last(_SENTENCE_END, text[max(0, start - 200):start])
    right = text[end:end + 200]
    stop = _SENTENCE_END.search(right)
    if stop:
        right = right[:stop.start()]
    return bool(_SELF_WORDS.search(left + " " + text[start:end] + " " + right))


def _someone_else(text: str, start: int, end: int) -> bool:
    """True when the clause of the match has another person as subject and no first person
    comes after that subject, up to the end of the match ("mijn zus heeft een overdosis
    genomen"): their risk is not the client's own; the learned classifier decides."""
    before = _after_last(_CLAUSE_BREAK, text[max(0, start - 160):start])
    subject = _THIRD_PERSON_SUBJECT.search(before)
    if subject is None:
        return False
    return not _FIRST_PERSON.search(before[subject.end():] + " " + text[start:end])


def _tied_to_client(before: Sequence[str], after: Sequence[str]) -> bool:
    """"mijn zelfmoordgedachten", "ik denk aan zelfmoord", "dat ik aan zelfdoding denk", "ik ben
    slachtoffer van huiselijk geweld": the few words around the topic word."""
    if any(word in _OWN_WORDS for word in before):
        return True
    window = set(before) | set(after)
    return bool(window & _CLIENT_WORDS) and bool(window & _OWN_VERBS)


def _topic_talk(text: str, rule_: Rule, start: int, end: int) -> bool:
    """A bare topic word ("zelfdoding") in a message about work, study or others, not tied to
    the client: the rule stands back and the learned classifier decides. Tied: see
    _tied_to_client, or a first person in the clause (at most ten words back) with one of its
    verbs right before the topic word ("mijn cv lukt niet, ik zit de hele dag te denken aan
    zelfdoding")."""
    if rule_.name not in TOPIC_RULES or not _TOPIC_CONTEXT.search(text):
        return False
    if _tied_to_client(text[max(0, start - 80):start].split()[-6:], text[end:end + 40].split()[:3]):
        return False
    clause = _after_last(_CLAUSE_BREAK, text[max(0, start - 120):start]).split()[-10:]
    return not (set(clause) & _CLIENT_WORDS and set(clause[-3:]) & _OWN_VERBS)


def _guard_spans(text: str) -> list[tuple[Guard, int, int]]:
    return [(g, *m.span()) for g in FIGURATIVE_GUARDS for m in g.regex.finditer(text)]


def _guarded(text: str, rule_: Rule, start: int, end: int,
             guards: list[tuple[Guard, int, int]]) -> bool:
    """True when a guard for this rule overlaps the match or, within its reach, touches it
    in the same clause."""
    for g, g_start, g_end in guards:
        if g.rules is not None and rule_.name not in g.rules:
            continue
        if g_start < end and start < g_end:
            return True
        if g.reach:
            gap = text[g_end:start] if g_end <= start else text[end:g_start]
            if len(gap) <= g.reach and not any(c in gap for c in ".,!?;:"):
                return True
    return False


def _match_view(text: str, source: str, rules: Sequence[Rule]) -> Optional[CrisisSignal]:
    if not text:
        return None
    guards: Optional[list[tuple[Guard, int, int]]] = None
    for rule_ in rules:
        for match in rule_.regex.finditer(text):
            start, end = match.span()
            if guards is None:
                guards = _guard_spans(text)
            if _guarded(text, rule_, start, end, guards):
                continue
            if rule_.unless_after is not None and rule_.unless_after.match(text[end:end + 120]):
                continue
            if rule_.needs_self and not _has_self(text, start, end):
                continue
            if rule_.name not in VIOLENCE_RULES and _someone_else(text, start, end):
                continue
            if _topic_talk(text, rule_, start, end):
                continue
            if rule_.negatable and _negated(text, start, end):
                continue
            return CrisisSignal(phrase=match.group(0).strip(), pattern=rule_.name, source=source)
    return None


def detect(text: str, lemmas: Optional[Sequence[str]] = None) -> Optional[CrisisSignal]:
    """Returns the first crisis signal in `text` (or in its lemmas), or None."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    signal = _match_view(normalise(text), "text", RULES)
    if signal is None and lemmas:
        lemma_text = normalise(" ".join(str(lemma) for lemma in lemmas if lemma))
        signal = _match_view(lemma_text, "lemmas", LEMMA_RULES)
    return signal
