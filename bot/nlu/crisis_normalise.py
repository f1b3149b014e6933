"""Normalisation of Dutch (Flemish) client messages for the crisis rules.

`normalise()` lowercases, strips accents, collapses repeated letters, expands Flemish and
chat contractions ('k, ni, nie, da, ge, 't, m'n, kwil ...) and repairs one-character
misspellings of the key words (zelfmoord, zelfdoding, suicide, dood ...). The rules
(bot/nlu/crisis_patterns.py) and the learned classifier (bot/nlu/crisis_classifier.py) both
work on its output.

The word tables (token map, glued "k" verbs, vocabulary, typo keys, infinitives) are data:
bot/data/crisis/patterns/normalisation.yml, read once by bot/nlu/crisis_rulebook.py.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.dutch import strip_accents, within_one_edit
from bot.nlu.crisis_rulebook import load_normalisation

_TABLES = load_normalisation()

# Whole-token replacements: Flemish, chat spelling and common slips. Applied after the
# apostrophe forms ('k, 't, m'n ...) have been expanded and apostrophes removed.
TOKEN_MAP = _TABLES.token_map

# Chat spelling glues the "k" of "ik" to the verb: "kwil", "kzie", "kheb".
_GLUED_K = _TABLES.glued_k

# Words the patterns depend on; a token whose letters collapse to one of these (after
# collapsing every doubled letter) is repaired: "willl" -> "wil", "doodd" -> "dood".
_VOCAB = _TABLES.vocabulary


def _collapse_all(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_VOCAB_BY_SKELETON = {_collapse_all(w): w for w in _VOCAB}

# Key words that may carry one typo (Damerau-Levenshtein distance 1), matched against the
# start of a token so that compounds are repaired too: "zelfmordgedachten".
FUZZY_KEYS = _TABLES.fuzzy_keys

# Infinitives whose final "n" Flemish speech drops ("ophange", "sterve", "leve"): it comes back.
_INFINITIVES = _TABLES.infinitives


@lru_cache(maxsize=50_000)
def _repair_token(token: str) -> str:
    """Maps one normalised token to its repaired form (chat spelling, typos)."""
    if token in TOKEN_MAP:
        return TOKEN_MAP[token]
    if len(token) > 40:  # not a word; nothing to repair
        return token
    skeleton = _collapse_all(token)
    if token not in _VOCAB and skeleton in _VOCAB_BY_SKELETON:
        return _VOCAB_BY_SKELETON[skeleton]
    if token.endswith("e") and token + "n" in _INFINITIVES:
        return token + "n"
    if len(token) >= 6:
        for key in FUZZY_KEYS:
            if token.startswith(key):
                return token
        for key in FUZZY_KEYS:
            # cheap pre-filter: the typo leaves either the start or the middle intact
            if not (token[0] == key[0] or token[1:3] in (key[1:3], key[2:4])):
                continue
            for n in (len(key), len(key) - 1, len(key) + 1):
                if n > len(token):
                    continue
                if within_one_edit(token[:n], key):
                    return key + token[n:]
    return token


_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032"})
_KEEP_PUNCT = set(".,!?;:")


def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces; sentence punctuation is kept.

    "'k Zie 't ni méér zitten!!" becomes "ik zie het niet meer zitten!!".
    """
    if not text:
        return ""
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    # Every character that is not a letter, digit, apostrophe, hyphen or sentence mark
    # (emoji, control characters, quotes, brackets) becomes a space.
    chars = []
    for c in text:
        if ("a" <= c <= "z") or ("0" <= c <= "9") or c in "'-" or c in _KEEP_PUNCT:
            chars.append(c)
        else:
            chars.append(" ")
    text = "".join(chars)
    # hyphenated compounds: "zelf-moord", "burn-out"; other hyphens separate words
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
    text = text.replace("-", " ")
    # repeated letters: "i" never doubles in Dutch; others at most twice ("dooood")
    text = re.sub(r"i{2,}", "i", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    # apostrophe forms
    text = re.sub(r"(?<![a-z])'k(?![a-z])", " ik ", text)
    text = re.sub(r"(?<![a-z])'t(?![a-z])", " het ", text)
    text = re.sub(r"(?<=[a-z])'t(?![a-z])", " het ", text)  # "zie't"
    text = re.sub(r"\bm'n\b", "mijn", text)
    text = re.sub(r"\bz'n\b", "zijn", text)
    text = re.sub(r"\bd'r\b", "er", text)
    text = re.sub(r"\bzo'n\b", "zo een", text)
    text = text.replace("'", "")
    # sentence marks stick to the word before them and are followed by a space
    text = " ".join(text.split())
    text = re.sub(r" ?([.,!?;:]+) ?", r"\1 ", text)
    text = _GLUED_K.sub(r"ik \1", text)
    # split words that are commonly typed apart
    text = re.sub(r"\bzelf (moord|doding)", r"zelf\1", text)
    words = []
    for raw in text.split():
        match = re.fullmatch(r"([a-z0-9]+)([.,!?;:]*)", raw)
        if match:
            words.append(_repair_token(match.group(1)) + match.group(2))
        else:
            words.append(raw)
    return " ".join(words).strip()
