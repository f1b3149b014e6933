"""The Dutch language helpers of the bot, in one package; both the Rasa server and the action
server import them. Here: the text helpers all of them share (the lexicon, the contacts, the
crisis rules in bot/nlu/crisis_patterns.py): accents off, one normal form, one typo away.
Generic work is done by libraries (unicodedata, rapidfuzz).

The modules (imported on their own, so that `from bot.dutch import strip_accents` stays light):

    lexicon          qualities and motives in a text: extract(), quality(), motive(), canonical()
      lexicon_index    the lexicons of bot/data/lexicon/ as a token trie with a typo index
      lexicon_match    tokens and the longest matches in that trie
      lexicon_filters  matches that are no claim of the client: impersonal, someone else, negated
      vocabulary       the word lists of bot/data/lexicon/word_lists.yml
      morphology       inflected, graded, plural and one-edit forms of a word
    wordforms        Dutch word forms (spacy-lookups-data): is this a real Dutch word?
    contacts         people, organisations and circles in the client's words: find_contacts()
      names            capitalised and lowercase names in a text
      circles          the circle of a person (family, friends, colleagues, ...)
    smart            the SMART check of an action: check()
      deadlines        deadlines in Dutch and Flemish words: parse_deadline(), find_deadline()
      dates            calendar arithmetic in Brussels time, Flemish school holidays
"""
from __future__ import annotations

import unicodedata

from rapidfuzz.distance import OSA


def strip_accents(text: str) -> str:
    """'Privé' -> 'Prive', 'ideeën' -> 'ideeen' (case is kept)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(text: str) -> str:
    """Lowercase without accents: 'Privé' -> 'prive', 'Ideeën' -> 'ideeen'. The one normal form
    of a word for the lexicon, its typo guard and the names in bot.dutch.contacts."""
    if text.isascii():
        return text.lower()  # the same, faster: nothing to strip, and casefold() is lower()
    return strip_accents(text.casefold())


def within_one_edit(a: str, b: str) -> bool:
    """One typo at most: a letter added, left out or changed, or two neighbours swapped
    (optimal string alignment distance <= 1)."""
    return OSA.distance(a, b, score_cutoff=1) <= 1
