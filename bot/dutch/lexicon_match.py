"""Finding lexicon forms in a text: tokens (with their clause, sentence and lemma), then the
longest trie match at each token, with fallbacks for one word (an intensifier prefix, an
inflection ending, spelling as heard, one typo)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from bot.dutch import normalise
from bot.dutch.lexicon_index import WORD, Lexicon, Node, Sense, normalised_words
from bot.dutch.vocabulary import CLAUSE_WORDS, INTENSIFIER_PREFIXES, INTENSIFIERS, NEGATORS, PHRASE_FILLERS

_CLAUSE_PUNCTUATION = set(",;:()[]\"“”")
_SENTENCE_PUNCTUATION = set(".!?\n…")
_DASHES = set("-–—")


class Token:
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


def tokenize(text: str) -> List[Token]:
    tokens: List[Token] = []
    sentence = clause_start = 0
    previous_end = 0
    for found in WORD.finditer(text):
        token = Token(normalise(found.group()), found.start(), found.end())
        gap = text[previous_end : found.start()] if tokens else ""
        if any(char in _SENTENCE_PUNCTUATION for char in gap):
            sentence += 1
            token.punct_break = True
        elif any(char in _CLAUSE_PUNCTUATION for char in gap) or (
            any(char in _DASHES for char in gap) and any(char.isspace() for char in gap)
        ):
            token.punct_break = True
        if token.punct_break or token.norm in CLAUSE_WORDS:
            clause_start = len(tokens)
        token.clause_start, token.sentence = clause_start, sentence
        token.name = bool(tokens) and tokens[-1].sentence == sentence and found.group()[0].isupper()
        tokens.append(token)
        previous_end = found.end()
    return tokens


def attach_lemmas(tokens: List[Token], lemmas: Iterable[object]) -> None:
    """Aligns lemma words to text tokens (the lemmas come from spaCy's own tokenizer)."""
    position = 0
    for lemma in lemmas:
        if not isinstance(lemma, str):
            continue
        for word in normalised_words(lemma):
            for index in range(position, min(position + 3, len(tokens))):
                if _fits(word, tokens[index].norm):
                    tokens[index].lemma = word
                    position = index + 1
                    break


def _fits(lemma: str, word: str) -> bool:
    size = min(4, len(lemma), len(word))
    return lemma[:size] == word[:size] and abs(len(lemma) - len(word)) <= max(3, len(word) // 2)


@dataclass
class RawMatch:
    first: int  # token indexes, `last` exclusive
    last: int
    senses: Tuple[Sense, ...]


def _longest_at(lexicon: Lexicon, tokens: List[Token], start: int) -> Tuple[int, Optional[Node]]:
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
        if index > start and skips < 2 and token.norm in PHRASE_FILLERS:
            stack.append((node, index + 1, skips + 1))
    return best_end, best_node


def _single_fallback(lexicon: Lexicon, word: str, name: bool = False) -> Tuple[Sense, ...]:
    """Intensifier prefix, inflection ending, "-ich" spelled for "-ig", then one typo."""
    for prefix in INTENSIFIER_PREFIXES:
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


def find_raw(lexicon: Lexicon, tokens: List[Token]) -> List[RawMatch]:
    found: List[RawMatch] = []
    index = 0
    while index < len(tokens):
        end, node = _longest_at(lexicon, tokens, index)
        if node is not None:
            if not node.stop:
                found.append(RawMatch(index, end, node.senses))
            index = end
            continue
        token = tokens[index]
        skip = token.norm in INTENSIFIERS or token.norm in NEGATORS
        senses = () if skip else _single_fallback(lexicon, token.norm, token.name)
        if senses:
            found.append(RawMatch(index, index + 1, senses))
        index += 1
    return found
