"""Matches that are no claim of the client about themselves, and the choice between a quality
and a motive: impersonal statements, clauses about someone else, quality forms used as something
else, negation, sarcasm, and the context cues for forms both lexicons use."""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from bot.dutch.lexicon_index import MOTIVE, QUALITY, Lexicon, Sense, normalised_words
from bot.dutch.lexicon_match import RawMatch, Token
from bot.dutch.vocabulary import (
    ADJECTIVE_NOUNS,
    CLAUSE_WORDS,
    CLIENT_WORDS,
    COPULA_VERBS,
    COPULAS,
    DETERMINERS,
    FILLER_AFTER,
    FIND_VERBS,
    GROWTH_CUES,
    IMPERSONAL,
    INTENSIFIER_PREFIXES,
    INTENSIFIERS,
    JOB_VERBS,
    MOTIVE_CUES,
    NEGATION_CANCELLERS,
    NEGATORS,
    OWNERS,
    PAST_COPULAS,
    PERSONAL,
    QUALITY_CUES,
    QUALITY_NEGATORS,
    SELF_NOUNS,
    SELF_SUBJECT_WORDS,
    SETTING_NOUNS,
    THIRD_PERSON_VERBS,
)

_SARCASM_START = re.compile(r"\W*(ja\W*hoor|ja\W+ja|jaja)\b")
_SARCASM_ENDINGS = ("...", "…", "🙄", "😒")
_SARCASM_NOT = re.compile(r"\bnot\W*$")


def is_impersonal(tokens: List[Token], raw: RawMatch, entity: str) -> bool:
    """Not said of the client: 'het is hier rustig', 'dat vind ik handig', 'het was een uitdaging',
    'die job was een uitdaging'."""
    copulas = COPULAS if entity == QUALITY else PAST_COPULAS
    window = tokens[max(tokens[raw.first].clause_start, raw.first - 5) : raw.first]
    for position, token in enumerate(window[:-1]):
        following = window[position + 1].norm
        if token.norm in DETERMINERS and position + 2 < len(window) and window[position + 2].norm in copulas:
            if following not in PERSONAL and following not in SELF_SUBJECT_WORDS | SELF_NOUNS:
                return not any(t.norm in PERSONAL for t in window[position + 3 :])
        if token.norm not in IMPERSONAL:
            continue
        if following in copulas:
            return not any(t.norm in PERSONAL for t in window[position + 2 :])
        if entity == QUALITY and following in FIND_VERBS:
            return True
    return False


def is_about_someone_else(tokens: List[Token], raw: RawMatch) -> bool:
    """'mijn zus is heel creatief', 'mijn collega's zijn behulpzaam', 'mijn papa heeft een eigen zaak'
    (but 'mijn collega's vinden mij onvriendelijk', 'mijn sterkste punt is geduld')."""
    first = tokens[raw.first].clause_start
    if tokens[first].norm not in OWNERS or raw.first - first < 2:
        return False
    for verb in range(first + 1, min(first + 5, raw.first)):
        if tokens[verb].norm in THIRD_PERSON_VERBS:
            break
    else:
        return False
    subject = tokens[first + 1 : verb]
    if not subject or any(t.norm in PERSONAL or t.norm in CLIENT_WORDS for t in subject):
        return False
    cues = QUALITY_CUES | MOTIVE_CUES | SELF_SUBJECT_WORDS
    if any(set(t.forms()) & cues for t in subject):
        return False
    return not any(t.norm in CLIENT_WORDS for t in tokens[verb + 1 : raw.first])


def is_not_a_quality(text: str, tokens: List[Token], raw: RawMatch, lexicon: "Lexicon") -> bool:
    """A quality form used as something else: a job title ('ik werk als planner'), a noun after a
    copula ('hij is zelfstandige'), the tail of a compound ('HR-verantwoordelijke'), or an
    adjective describing a place or time ('een rustige straat')."""
    first = tokens[raw.first]
    previous = tokens[raw.first - 1] if raw.first > 0 and not first.punct_break else None
    if previous is not None and previous.norm == "als" and raw.first >= 2 and tokens[raw.first - 2].norm in JOB_VERBS:
        return True
    if raw.last - raw.first != 1:
        return False
    if (
        first.start > 0 and text[first.start - 1] in "-–" and previous is not None
        and previous.end == first.start - 1
        and previous.norm not in INTENSIFIERS and previous.norm not in INTENSIFIER_PREFIXES
    ):
        return True  # "HR-verantwoordelijke", "IT-verantwoordelijke"
    word = first.norm
    inflected = word.endswith("e") and not word.endswith("ste") and (word,) not in lexicon.explicit
    if not inflected:
        return False
    following = tokens[raw.last] if raw.last < len(tokens) and not tokens[raw.last].punct_break else None
    if word in ADJECTIVE_NOUNS and previous is not None and previous.norm in COPULA_VERBS and (following is None or following.norm in CLAUSE_WORDS or following.norm in NEGATORS or following.norm in FILLER_AFTER):
        return True  # a noun: "Dirk is zelfstandige", "ik ben verantwoordelijke"
    return following is not None and following.norm in SETTING_NOUNS


def _negator_at(tokens: List[Token], index: int, entity: str = MOTIVE) -> bool:
    if tokens[index].norm in QUALITY_NEGATORS and entity == QUALITY:
        return True
    if tokens[index].norm not in NEGATORS:
        return False
    following = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    return following not in NEGATION_CANCELLERS


def is_negated(tokens: List[Token], raw: RawMatch, previous_end: int, entity: str = MOTIVE) -> bool:
    """A negator up to 4 words before, in the same clause; or after a topicalised match; for a
    quality also 'ik mis wat geduld' and 'werken aan mijn zelfvertrouwen'."""
    clause_start = tokens[raw.first].clause_start
    window = range(max(clause_start, previous_end, raw.first - 4), raw.first)
    if any(_negator_at(tokens, index, entity) for index in window):
        return True
    if entity == QUALITY:
        before = [t.norm for t in tokens[max(clause_start, raw.first - 4) : raw.first]]
        for cue in GROWTH_CUES:
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


def is_sarcastic(text: str) -> bool:
    """'ja hoor, ik ben super geduldig...' or '... geduldig, not'."""
    tail = text.rstrip().lower()
    if _SARCASM_NOT.search(tail[-12:]):
        return True
    return bool(_SARCASM_START.match(tail[:40])) and tail.endswith(_SARCASM_ENDINGS)


class Context:
    """Chooses quality or motive for a form both lexicons use, such as 'creativiteit'.

    First the cue words of its sentence ('ik heb', 'kan' against 'wil', 'belangrijk'), then
    what the bot's question asked for, then the other matches in the text, then the lexicon
    whose canonical value it is.
    """

    def __init__(self, tokens: List[Token], found: List[RawMatch], asked_for: Optional[str] = None) -> None:
        self.tokens = tokens
        self.asked_for = {QUALITY: int(asked_for == QUALITY), MOTIVE: int(asked_for == MOTIVE)}
        self.others = {QUALITY: 0, MOTIVE: 0}
        for raw in found:
            if len({sense.entity for sense in raw.senses}) == 1:
                self.others[raw.senses[0].entity] += 1
        self._hints: List[Dict[str, int]] = []  # per token, computed on first need
        self._totals: Dict[int, Dict[str, int]] = {}  # per sentence

    def _sentence_cues(self, raw: RawMatch) -> Dict[str, int]:
        """Cue words in the match's sentence, outside the match itself."""
        if not self._hints:
            for token in self.tokens:
                forms = set(token.forms())
                hint = {QUALITY: int(bool(forms & QUALITY_CUES)), MOTIVE: int(bool(forms & MOTIVE_CUES))}
                self._hints.append(hint)
                totals = self._totals.setdefault(token.sentence, {QUALITY: 0, MOTIVE: 0})
                for entity in hint:
                    totals[entity] += hint[entity]
        totals = self._totals[self.tokens[raw.first].sentence]
        inside = self._hints[raw.first : raw.last]
        return {entity: totals[entity] - sum(hint[entity] for hint in inside) for entity in totals}

    def resolve(self, raw: RawMatch) -> Sense:
        if len({sense.entity for sense in raw.senses}) == 1:
            return raw.senses[0]
        for scores in (self._sentence_cues(raw), self.asked_for, self.others):
            if scores[QUALITY] != scores[MOTIVE]:
                winner = max(scores, key=scores.__getitem__)
                break
        else:
            key = " ".join(token.norm for token in self.tokens[raw.first : raw.last])
            own = [sense.entity for sense in raw.senses if " ".join(normalised_words(sense.value)) == key]
            winner = own[0] if own else (MOTIVE if raw.last - raw.first > 1 else QUALITY)
        return next(sense for sense in raw.senses if sense.entity == winner)
