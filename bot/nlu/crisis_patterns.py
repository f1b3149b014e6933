"""Rule-based detection of crisis signals in Dutch (Flemish) client messages.

Pure Python (no Rasa import) so that it can be tested and measured on its own. The Rasa
component `bot.nlu.crisis.CrisisDetector` calls `detect()` for every message and, when it
fires, overrides the NLU intent with `crisis` (confidence 1.0).

A crisis signal is anything that signals suicidal thoughts, self-harm or acute danger
(violence or threats from others). Recall comes first: a miss can cost a life, a misfire
costs a sentence. Figurative uses ("ik ben doodop", "ik ga dood van de stress", "ik kap
ermee", "de printer is kapot") must not fire.

How it works:
1. `normalise()` lowercases, strips accents, collapses repeated letters, expands Flemish
   and chat contractions ('k, ni, nie, da, ge, 't, m'n, kwil ...) and repairs one-character
   misspellings of the key words (zelfmoord, zelfdoding, suicide, dood ...).
2. Every `Rule` (a named regex over the normalised text) is tried on the text. When lemmas
   are given (spaCy token lemmas), the verb-centred rules (`LEMMA_RULES`) are also tried on
   the normalised lemma string, which catches inflections the text rules do not list
   ("kerfde" -> "kerven").
3. A match is dropped when it overlaps a figurative guard (`FIGURATIVE_GUARDS`), when its
   rule-specific `unless_after` applies to the words right after it, when the rule
   `needs_self` and the sentence has no first person, or when the rule is `negatable` and a
   negation governs it ("ik heb geen zelfmoordgedachten", "zelfmoord? nee").
   Rules whose crisis meaning contains a negation ("ik wil niet meer leven", "ik zie het
   niet meer zitten") are not negatable.

All regexes are bounded (no nested unbounded quantifiers), so 100,000 characters take a
fraction of a second.

The evaluation helpers at the bottom (`load_eval_set`, `evaluate`) are shared by
`tests/test_crisis_detection.py` and `tools/crisis_report.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from bot.dutch import strip_accents, within_one_edit


@dataclass(frozen=True)
class CrisisSignal:
    """Why a message was flagged: the matched (normalised) phrase and the rule's name."""

    phrase: str
    pattern: str
    source: str = "text"  # "text" or "lemmas": which view of the message matched


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Whole-token replacements: Flemish, chat spelling and common slips. Applied after the
# apostrophe forms ('k, 't, m'n ...) have been expanded and apostrophes removed.
TOKEN_MAP = {
    "k": "ik", "ikke": "ik", "ic": "ik", "wl": "wil",
    "ni": "niet", "nie": "niet", "nt": "niet", "nit": "niet", "niiet": "niet",
    "nimeer": "niet meer", "niemeer": "niet meer", "nimer": "niet meer",
    "mer": "meer", "mr": "meer",
    "da": "dat", "wa": "wat", "ge": "je", "gij": "jij", "t": "het", "et": "het",
    "mn": "mijn", "mijne": "mijn", "zn": "zijn", "der": "er", "dr": "er",
    "gene": "geen", "gne": "geen", "nx": "niks",
    "leve": "leven", "lefen": "leven", "leeven": "leven", "levn": "leven", "lven": "leven",
    "lleven": "leven", "leben": "leven",
    "zitte": "zitten", "ziten": "zitten",
    "wilt": "wil", "wll": "wil",
    "mezelve": "mezelf", "mijzelve": "mezelf", "mzelf": "mezelf", "mezlf": "mezelf",
    "mzlf": "mezelf", "mijzelf": "mezelf", "meself": "mezelf", "mijself": "mezelf",
    "mezef": "mezelf", "mezlef": "mezelf", "mzelve": "mezelf",
    "gwn": "gewoon", "gewn": "gewoon", "iet": "iets", "ier": "hier",
    "pillekes": "pillen", "pilleke": "pil", "goesting": "zin",
}

# Chat spelling glues the "k" of "ik" to the verb: "kwil", "kzie", "kheb".
_GLUED_K = re.compile(
    r"\bk(wil|wou|wilde|ben|ga|heb|zou|weet|denk|zie|voel|kan|moet|snij|snijd|doe|hoop|had|"
    r"was|spring|wens|hang|zit|sta|kras|brand|verwond|maak|zal|krijg|word|overweeg|verlang)\b"
)

# Words the patterns depend on; a token whose letters collapse to one of these (after
# collapsing every doubled letter) is repaired: "willl" -> "wil", "doodd" -> "dood".
_VOCAB = (
    "ik wil niet meer leven dood zelfmoord zelfdoding mezelf snij zie zitten er zijn wakker "
    "worden pillen sterven aandoen einde eind maken gaan kan ga spring brug trein verdwijnen "
    "bestaan suicide"
).split()


def _collapse_all(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


_VOCAB_BY_SKELETON = {_collapse_all(w): w for w in _VOCAB}

# Key words that may carry one typo (Damerau-Levenshtein distance 1). Matched against the
# start of a token so that compounds are repaired too: "zelfmordgedachten".
# Short words ("dood") are not fuzzed: distance 1 from "dood" includes "door" and "doos".
FUZZY_KEYS = (
    "zelfmoord", "zelfdoding", "suicide", "suicidaal", "suicidale", "zelfverwonding",
    "automutilatie", "afscheidsbrief", "levensmoe", "overdosis", "doodswens",
)

# Flemish speech drops the final "n" of infinitives ("ophange", "sterve", "leve"): the
# infinitives the rules rely on get it back.
_INFINITIVES = set(
    "ophangen verhangen opknopen verdrinken sterven leven zitten worden maken doden "
    "vermoorden springen snijden aandoen doodgaan verdwijnen slapen stoppen bestaan "
    "ombrengen beeindigen krassen branden verwonden".split()
)


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


# --------------------------------------------------------------------------------------
# Building blocks for the rules (inserted into the patterns with str.format)
# --------------------------------------------------------------------------------------

BLOCKS = {
    # one filler word that is neither a negation nor the start of a new clause
    "W": r"(?:(?!(?:niet|geen|nooit|niemand|dat|als|of|maar|want|omdat|die|wie|wat|dan|"
         r"en)\b)[a-z0-9]+ )",
    # any one word (bounded use only)
    "A": r"(?:[a-z0-9]+ )",
    # "dood" and its one-letter slips (dod, doot, dodd); "door"/"doos" stay out
    "DOOD": r"(?:d[o0]{1,2}[dt]{1,2})",
    "DOODGAAN": r"(?:d[o0]{1,2}[dt]{1,2} ?(?:te )?gaa?n|sterven|sterve|overlijden|heengaan|"
                r"heen te gaan)",
    # strictly reflexive first person (and third person: a client may speak of a friend)
    # "jezelf" is how Dutch asks in general ("hoe hang je jezelf op")
    "SELF": r"(?:mezelf|mijn eigen|zichzelf|jezelf)",
    "REFL": r"(?:mezelf|mijn eigen|me|mij|zichzelf|zich|jezelf)",
    "ME": r"(?:me|mij)",
    "MY": r"(?:mijn|m)",
    "BODY": r"(?:arm|armen|pols|polsen|been|benen|dij|dijen|bovenbeen|bovenbenen|huid|buik|"
            r"lijf|lichaam|onderarm|onderarmen|enkels?|nek|borst|heupen|heup|vel|kuiten|kuit|"
            r"schouders?|handen|hand|gezicht|keel|hoofd)",
    "PILLS": r"(?:pillen|pilletjes|pil|tabletten|tabletjes|slaappillen|slaapmiddelen|"
             r"slaapmedicatie|medicijnen|medicatie|medicamenten|paracetamol|dafalgan|"
             r"xanax|temesta|lorazepam|antidepressiva|insuline|morfine|oxycodon|tramadol|"
             r"rilatine|valium|sipralexa|perdolan|ibuprofen)",
    # people who can be a danger at home (and anywhere)
    "HOME": r"(?:partner|man|vrouw|echtgenoot|echtgenote|vriend|vriendin|lief|ex|expartner|"
            r"vader|pa|papa|moeder|ma|mama|stiefvader|stiefmoeder|stiefpa|stiefma|"
            r"plusvader|plusmoeder|broer|zus|zuster|zoon|dochter|ouders|schoonvader|"
            r"schoonmoeder|schoonbroer|schoonzus|oom|tante|neef|nicht|opa|oma|grootvader|"
            r"grootmoeder|buurman|buurvrouw|buren|huisbaas|huisgenoot|huisgenote|"
            r"kotgenoot|vriendje|ventje|pooier|stalker)",
    # body parts that self-harm targets (not hands or head: "ik krab mijn hoofd")
    "SHBODY": r"(?:arm|armen|pols|polsen|been|benen|dij|dijen|bovenbeen|bovenbenen|huid|buik|"
              r"onderarm|onderarmen|kuit|kuiten|heup|heupen|borsten|enkels|vel)",
    "WORKP": r"(?:baas|collega|collegas|chef|leidinggevende|teamleider|manager|klant|"
             r"directeur|werkgever|diensthoofd|ploegbaas|meestergast)",
    # words for the workplace: context that makes burden/hopelessness phrases figurative
    "WORK": r"(?:job|jobs|werk|werkvloer|kantoor|bedrijf|firma|zaak|afdeling|team|functie|"
            r"sector|contract|opleiding|studies|studie|stage|school|project|vergadering|"
            r"vergaderingen|loopbaan|carriere|baas|collega|collegas|werkgever|"
            r"leidinggevende|chef|klas|interimkantoor|interim|situatie op het werk|"
            r"consultancy|callcenter|winkel|fabriek|ziekenhuis)",
    "HIGH": r"(?:[a-z]{0,15}(?:brug|toren|flat|flatgebouw|gebouw|viaduct)|dak|balkon|raam|venster|"
            r"rots|rotsen|klif|kliffen|hoogte|verdieping|parkeergarage|appartementsgebouw)",
    # things that are only carried to hurt someone
    "ARMS": r"(?:mes|messen|pistool|geweer|revolver|wapen|vuurwapen|bijl|kapmes|machete|"
            r"knuppel|honkbalknuppel|stanleymes)",
    # anything one can be hit or threatened with
    "WEAPON": r"(?:mes|messen|pistool|geweer|revolver|wapen|vuurwapen|bijl|hamer|schaar|"
              r"knuppel|honkbalknuppel|zweep|riem|kapmes|machete|stanleymes)",
}
BLOCKS["PERSON"] = (
    r"(?:hij|zij|ze|iemand|men|die (?:man|vrouw|gast|kerel|vent|jongen|persoon)|"
    r"een (?:man|vrouw|onbekende|gast|kerel|vent|inbreker)|(?:mijn|m|de|die|onze) "
    r"(?:{HOME}|{WORKP}))"
).format(**BLOCKS)


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern.format(**BLOCKS))


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


def rule(name: str, pattern: str, *, negatable: bool = True, needs_self: bool = False,
         unless_after: Optional[str] = None) -> Rule:
    return Rule(
        name=name,
        regex=_compile(pattern),
        negatable=negatable,
        needs_self=needs_self,
        unless_after=_compile(unless_after) if unless_after else None,
    )


# "... met ontslag" is not a weapon: threats with anything but violence are work conflicts.
_NOT_VIOLENT_WITH = (
    r"^ met (?!(?:een |zijn |haar |het |de )?(?:{WEAPON}|dood|geweld|de dood)\b)"
)

# --------------------------------------------------------------------------------------
# The rules. Order matters only for which name is reported; any hit flags the message.
# --------------------------------------------------------------------------------------
RULES: list[Rule] = [
    # ---- explicit suicide vocabulary: any mention that is not negated ("geen
    # zelfmoordgedachten"), figurative ("carrierezelfmoord"), professional ("werken in de
    # zelfmoordpreventie") or someone else's completed suicide (see FIGURATIVE_GUARDS) ----
    rule("suicide_word",
         r"\b(?:zelfmoord[a-z]*|zelfdoding[a-z]*|suicid[a-z]*|levensmoe(?:heid)?|doodswens[a-z]*|"
         r"doodsgedachte[a-z]*|doodsverlangen|zelfdodingsgedachte[a-z]*|"
         r"euthanasie ?(?:aanvragen|vragen|aanvraag))\b"),
    rule("english",
         r"\b(?:i (?:want|wanna|wish) to die|kill(?:ing)? myself|end my life|"
         r"self ?harm[a-z]*|selfharm[a-z]*|cutting myself|unalive|suicidal)\b"),

    # ---- wishing to be dead ----
    # "ik wil dood", "ik wil gewoon echt dood", "ik zou willen sterven"
    rule("want_dead",
         r"\b(?:ik (?:wil|wilde|wou|zou willen|wens|verlang(?: ernaar)?)|(?:wil|wilde|wou) ik|"
         r"(?:en|maar|dus|want|gewoon|soms|echt) (?:wil|wou)) {W}{{0,3}}(?:{DOODGAAN}|{DOOD}\b)|"
         r"\b{DOOD} (?:wil|wou) ik\b",
         needs_self=True,
         # "dood graag", "dood gewoon thuisblijven": split spellings of doodgraag, doodgewoon
         unless_after=r"^ (?:graag|gelukkig|content|blij|(?:gewoon|normaal|simpel|eenvoudig) "
                      r"[a-z])|^ (?:van|aan) (?:de |het )?(?:schaamte|verveling|honger|dorst|"
                      r"lachen|zenuwen|stress|vermoeidheid|hitte|warmte|kou|ergernis|frustratie|"
                      r"plezier|nieuwsgierigheid|spanning)\b"),
    # "ik wou dat ik dood was", "ik hoop dat ik doodga"
    rule("wish_i_was_dead",
         r"\b(?:wou|wilde|wens|zou willen|hoop|hoopte|wenste) (?:{A})?dat ik {W}{{0,3}}"
         r"(?:{DOOD}(?:ga|ging)?\b|{DOODGAAN}|sterf|nooit geboren|niet (?:meer )?(?:leefde|besta|"
         r"bestond)|er niet (?:meer )?(?:was|ben|zou zijn|meer was))"),
    # "was ik maar dood", "lag ik maar onder de grond"
    rule("if_only_dead",
         r"\b(?:was|ware|lag) ik (?:maar|nu|nu maar) (?:{A})?(?:{DOOD}\b|nooit geboren|"
         r"onder de grond)"),
    # "ik ben liever dood", "ik zou beter dood zijn", "kan ik niet beter dood zijn"
    # (a rhetorical "niet" does not negate it). "liever dood dan in dat callcenter" is
    # hyperbole, unless what follows "dan" is about living.
    rule("better_dead",
         r"\b(?:beter|liever|liefst) (?:af )?(?:{W}){{0,2}}(?:{DOODGAAN}|{DOOD}\b)",
         negatable=False, needs_self=True,
         unless_after=r"^,? dan (?!(?:{A}){{0,3}}(?:leven|verder leven|bestaan)\b)"),
    # "het zou voor iedereen beter zijn als ik er niet was"
    rule("better_if_gone",
         r"\b(?:beter|makkelijker|eenvoudiger|rustiger) (?:{A}){{0,3}}(?:als|dat|mocht|indien) "
         r"ik (?:er )?(?:niet (?:meer )?(?:was|ben|zou zijn|besta|bestond|leefde)|{DOOD}\b|"
         r"weg (?:was|ben)|verdwijn|verdwenen)",
         negatable=False),
    # "ik ga dood" stays a signal, but "ik ga dood van de stress / aan verveling" is hyperbole
    rule("going_to_die",
         r"\bik ga (?:nu |gewoon |echt |straks |vandaag |vanavond |morgen |binnenkort )?"
         r"(?:{DOOD}(?: ?gaa?n)?|sterven)\b",
         unless_after=r"^ (?:van|aan|bij|door|als|met|hier|ervan|eraan|zo|in|op|om|tegen|"
                      r"wanneer|indien|zonder|voor)\b"),
    # "hoe kan ik zonder pijn sterven", "snelste manier om dood te gaan"
    rule("how_to_die",
         r"\b(?:hoe|manier|manieren|methode|methodes|snelste|makkelijkste|pijnloos|pijnloze|"
         r"zonder pijn) (?:{A}){{0,5}}(?:{DOODGAAN}|{DOOD} (?:te )?gaa?n|sterf|sterft|"
         r"zelfmoord[a-z]*|er (?:een )?eind[a-z]* aan)"),
    # "hoeveel slaappillen heb je nodig om niet meer wakker te worden", "dodelijke dosis"
    rule("lethal_dose",
         r"\b(?:dodelijke (?:dosis|hoeveelheid)|hoeveel (?:{A}){{0,3}}{PILLS} (?:{A}){{0,6}}"
         r"(?:dodelijk|{DOOD}\b|sterven|overdosis|wakker))"),
    # "ik wil niet meer leven", "ik kan zo niet meer verder leven", "'k wil ni meer leve".
    # "niet meer leven voor mijn werk / van interim naar interim" is about work.
    rule("not_live_anymore",
         r"\b(?:wil|wou|wilde|kan|ga|hoef|zou|zal) (?:{A}){{0,2}}(?:niet|nooit) (?:meer|langer) "
         r"(?:verder )?(?:te )?(?:leven|bestaan|ademen|wakker (?:worden|te worden|word))\b",
         negatable=False,
         unless_after=r"^ (?:voor|van|in functie van|naast|rond) (?:{A}){{0,2}}"
                      r"(?:{WORK}|interim[a-z]*|uitkering|loon|leefloon|werkloosheid[a-z]*|"
                      r"dop|contract[a-z]*)\b|^ om (?:{A}){{0,2}}te (?:werken|presteren|"
                      r"sparen|betalen|pendelen)\b|^ uit\b"),
    # "Ik wil niet meer." at the end of a message; with words after it ("ik wil niet meer naar
    # dat kantoor") it is about something else
    rule("want_no_more_end",
         r"\bik (?:kan en |kan niet meer en )?wil (?:{W}){{0,2}}niet (?:meer|langer)(?=[.!?,;]|$)",
         negatable=False,
         unless_after=r"^,[^.!?]{{0,80}}?\b(?:{WORK}|werken|solliciteren|ontslag)\b"),
    rule("not_this_life",
         r"\bwil (?:{A})?(?:dit|zo een|mijn|zon|het) leven (?:{A})?niet (?:meer|langer)\b",
         negatable=False),
    # "slapen en nooit meer wakker worden", "ik hoop dat ik niet meer wakker word"
    rule("not_wake_up",
         r"\b(?:wil|wou|hoop|wens|liefst|liever|zou|slapen en|inslapen en|in slaap vallen en|"
         r"in slaap val en|hoeveel) (?:{A}){{0,6}}(?:(?:niet|nooit) (?:meer )?wakker "
         r"(?:w[a-z]+|te worden)|nooit meer (?:opstaan|op te staan|ontwaken))\b",
         negatable=False),
    # "als ik morgen niet meer wakker word, vind ik het best"
    rule("fine_if_dead",
         r"\b(?:als|mocht|indien) ik (?:{A}){{0,2}}(?:(?:niet|nooit) (?:meer )?wakker (?:word|zou worden)|"
         r"{DOOD}(?:ga)?\b|sterf|er niet meer ben)[a-z ,]{{0,30}}?\b(?:best|goed|prima|niet erg|fijn|"
         r"oke|ok|mooi|beter|zij het zo)\b",
         negatable=False),
    rule("eternal_sleep",
         r"\b(?:(?:slapen|inslapen|rusten|slaap) (?:{A})?(?:voor altijd|voorgoed|eeuwig|"
         r"voor eeuwig)|(?:voor altijd|voorgoed|eeuwig) (?:{A})?(?:slapen|inslapen|rusten)|"
         r"eeuwige (?:rust|slaap))\b"),
    # "ik wil er niet meer zijn", "kwil er nie meer zijn"
    rule("not_be_there",
         r"\ber (?:{A}){{0,2}}niet meer (?:willen |wil |wou |kan |zou |mag |hoef )?(?:zijn|wezen)\b",
         negatable=False, needs_self=True,
         # "..., bij dat callcenter bedoel ik", "... op kantoor": a place of work
         unless_after=r"^,? (?:bij|op|in|van) (?:{A}){{0,2}}(?:{WORK}|{WORKP})\b|^(?: [a-z]+){{0,4}} "
                      r"bedoel ik\b"),
    # "voor als ik er niet meer ben", "niemand zou merken als ik er niet meer ben"
    rule("make_sure_gone",
         r"\bzorg[a-z]* (?:{A}){{0,2}}dat ik er (?:{A}){{0,2}}niet meer (?:ben|zal zijn|zijn)\b",
         negatable=False),
    rule("when_i_am_gone",
         r"\b(?:als|wanneer|zodra|tegen dat|eens|nadat) ik er (?:{A})?niet meer (?:ben|zal zijn|"
         r"zou zijn|was)\b",
         negatable=False),
    # "ik ben er binnenkort toch niet meer"
    rule("soon_gone",
         r"\bik (?:ben|zal) er (?:{A}){{0,2}}(?:binnenkort|straks|weldra|snel|gauw|toch)"
         r" (?:{A}){{0,2}}niet meer\b",
         negatable=False),
    # "ik zie het (leven) niet meer zitten" (the Flemish suicide line's own words).
    # "... om daar nog te werken" is about a job.
    rule("cannot_see_it_anymore",
         r"\bzie (?:{A}){{0,3}}niet (?:meer|langer) zitten\b",
         negatable=False,
         unless_after=r"^ (?:om|met|in|bij|op|als|voor) (?!(?:{A}){{0,3}}(?:te )?"
                      r"(?:leven|bestaan)\b)"),
    # "mijn leven heeft geen zin (meer)", "het leven is de moeite niet meer waard"
    rule("life_pointless",
         r"\b(?:(?:het|mijn|dit|dat|m|ons|zo een) )?(?:leven|bestaan) (?:{A}){{0,2}}(?:heeft|had|is|"
         r"lijkt|voelt|niet meer|niet) (?:{A}){{0,3}}(?:geen (?:zin|betekenis|nut|waarde)|zinloos|"
         r"waardeloos|niets waard|niks waard|de moeite niet|niet (?:meer )?de moeite|voorbij|"
         r"een hel|uitzichtloos|hopeloos|ondraaglijk|leeg en zinloos|te zwaar|niet te doen|"
         r"een lijdensweg|een marteling)",
         negatable=False),
    # "geen reden meer om te leven", "geen zin meer in het leven", "niets om voor te leven"
    rule("no_reason_to_live",
         r"\b(?:geen (?:zin|reden|redenen|nut|kracht|energie|moed|hoop|puf) (?:meer )?(?:{A}){{0,2}}"
         r"(?:om|in|voor|waarvoor) (?:{A}){{0,4}}(?:te )?(?:leven|bestaan|het leven|"
         r"verder te leven|mijn leven)|(?:niets|niks) (?:meer )?(?:om|waarvoor) (?:{A}){{0,2}}"
         r"te (?:leven|bestaan))\b",
         negatable=False),
    # "het heeft allemaal geen zin meer", "niets heeft nog zin"; "... om te solliciteren" is
    # about the job hunt
    rule("nothing_makes_sense",
         r"\b(?:(?:het|alles|dit) (?:heeft|had) (?:{A}){{0,2}}geen zin meer|"
         r"(?:niets|niks) (?:heeft|had) (?:nog|meer) (?:{A})?zin)\b",
         negatable=False,
         unless_after=r"^ (?:om|met|voor|bij|in|op|als|van|die|dat)\b"),
    rule("find_life_pointless",
         r"\b(?:vind|vond) (?:het|mijn|dit) (?:leven|bestaan) (?:{A}){{0,2}}(?:niet (?:meer |langer )?"
         r"de moeite|de moeite niet|zinloos|waardeloos|geen zin)",
         negatable=False),
    rule("nothing_keeps_me_here",
         r"\b(?:niets|niks|niemand) (?:meer )?(?:dat|wat|die) (?:{ME}) (?:nog )?(?:hier|op deze wereld"
         r"|hier nog) (?:nog )?(?:houdt|vasthoudt)\b",
         negatable=False, unless_after=r"^ (?:{A})?(?:in|bij|op) (?:{A})?{WORK}\b"),
    rule("why_live",
         r"\b(?:waarom (?:zou|moet|zal) ik (?:{A}){{0,2}}(?:leven|bestaan|doorgaan|verder leven|"
         r"verdergaan|nog leven)|waarom (?:leef|besta) ik (?:eigenlijk |toch )?nog)\b",
         negatable=False, unless_after=r"^ (?:met|bij|in|op|als)\b"),
    rule("tired_of_life",
         r"\b(?:(?:het|dit|mijn) leven (?:{A})?(?:moe|beu|zat|kotsbeu|spuugzat)|"
         r"klaar (?:mee,? )?met (?:het |mijn |dit )?leven|(?:beu|zat|moe|kotsbeu) om (?:{A})?te "
         r"(?:leven|bestaan))\b",
         needs_self=True),
    rule("never_born",
         r"\b(?:nooit|niet) (?:{A})?geboren (?:was|ben|zijn|te zijn|mogen worden|"
         r"had mogen worden|geweest|werd)\b",
         negatable=False, needs_self=True),

    # ---- ending it ----
    # "ik wil er een einde aan maken", "hoe ik er een eind aan ga maken"; "..., aan die
    # samenwerking" says what ends
    rule("end_it",
         r"\ber (?:{W}){{0,3}}(?:een |n |het )?(?:eind|einde|end) aan (?:{A}){{0,2}}(?:maken|maak|"
         r"maakt|breien|brei|te maken)\b",
         unless_after=r"^,? aan (?:die|dat|de|het|deze|dit|mijn|m) (?!leven|bestaan)"),
    # "ik maak er een eind aan" (verb first, nothing after "aan")
    rule("end_it_verb_first",
         r"\b(?:maak|maakt|maken|brei|breit|breien|ga|wil|zal) er (?:{W}){{0,2}}(?:een |n )?"
         r"(?:eind|einde) aan\b",
         unless_after=r"^(?: (?:maken|te maken|make|breien))?,? aan (?:die|dat|de|het|deze|dit|mijn|m) "
                      r"(?!leven|bestaan)|^ (?:mijn|m|die|dat|de|het|deze|dit) (?!leven|bestaan)"),
    # "een einde maken aan mijn leven", "een einde aan alles"
    rule("end_my_life",
         r"\b(?:eind|einde) (?:{A})?(?:maken |te maken )?aan (?:mijn |m |dit |het |ons )?"
         r"(?:leven|bestaan|alles|het allemaal|lijden)\b"),
    rule("end_my_life_verb",
         r"\b(?:(?:mijn|m|het|dit) leven (?:{W})?(?:beeindigen|beeindig|beeindigd|stoppen|"
         r"stopzetten|nemen|afsluiten)|beeindig[a-z]* (?:mijn|m) leven|alles (?:{W})?"
         r"beeindig[a-z]*|punt (?:{A}){{0,2}}(?:zetten,? |te zetten,? )?achter (?:mijn|m|het) leven)\b",
         needs_self=True),
    # "uit het leven stappen", "ik stap binnenkort uit het leven"
    rule("out_of_life",
         r"\b(?:uit het leven (?:{A})?(?:stappen|stap|stapt|gaan|te stappen|verdwijnen|weg)|"
         r"van het leven (?:te )?scheiden|(?:me|mij|mezelf|zich) het leven (?:te )?benemen|"
         r"(?:stap|stappen|stapt|ga|gaan) (?:{A}){{0,3}}uit het leven)\b"),
    # "mezelf van kant maken", "me van het leven beroven", "mezelf om het leven brengen"
    rule("take_own_life",
         r"\b{REFL} (?:{W}){{0,2}}(?:van het leven (?:beroven|te beroven)|om het leven "
         r"(?:brengen|te brengen)|van kant\b|om zeep (?:helpen|te helpen))"),
    # "mezelf doden / ophangen / verdrinken ..."
    rule("kill_myself",
         r"\b{SELF} (?:{W}){{0,2}}(?:doden|te doden|dood ?maken|dood te maken|ombrengen|ombreng|"
         r"om te brengen|vermoorden|te vermoorden|vermoord|ophangen|op te hangen|ophang|"
         r"verhangen|verhang|opknopen|op te knopen|verdrinken|te verdrinken|vergiftigen|"
         r"doodschieten|neerschieten|dood te schieten|doodrijden|uithongeren|afmaken|af te maken|"
         r"verwurgen|uit de weg (?:ruimen|te ruimen))\b",
         unless_after=r"^ aan (?!(?:een |de |het |mijn |die )?(?:boom|balk|dakbalk|haak|plafond|"
                      r"zolder|trap|trapleuning|leuning|deur|kapstok|brug|touw|riem)\b)"),
    # "ik ga me ophangen" (me/mij only with verbs that have no everyday reflexive sense)
    rule("hang_drown_me",
         r"\b{ME} (?:{W}){{0,2}}(?:ophangen|op te hangen|verhangen|opknopen|op te knopen|"
         r"verdrinken|te verdrinken|doodschieten|dood te schieten|vergiftigen|voor de trein "
         r"(?:gooien|werpen)|onder de trein (?:gooien|werpen))\b",
         unless_after=r"^ aan (?!(?:een |de |het |mijn |die )?(?:boom|balk|dakbalk|haak|plafond|"
                      r"zolder|trap|trapleuning|leuning|deur|kapstok|brug|touw|riem)\b)"),
    # "ik hang me op" -- but "ik hang me op aan details" is an idiom (to fixate on)
    rule("hang_me_up",
         r"\b(?:hang|hing|hangen) (?:je |ik )?{REFL} (?:{W}){{0,2}}op\b",
         unless_after=r"^ aan (?!(?:een |de |het |mijn |die )?(?:boom|balk|dakbalk|haak|plafond|"
                      r"zolder|trap|trapleuning|leuning|deur|kapstok|brug|touw|riem)\b)"),
    rule("bullet",
         r"\bkogel door (?:mijn|m|de|het|me|mijn eigen) (?:kop|hoofd|kanis|harses)\b"),

    # ---- self-harm ----
    # "mezelf iets aandoen", "ik denk eraan om mezelf iets aan te doen"
    rule("harm_myself",
         r"\b{SELF} (?:{W}){{0,3}}(?:(?:iets|wat|iets ergs|wat ergs) (?:{W}){{0,2}}(?:aandoen|"
         r"aan te doen|aandoe|aandoet|aandeed|aangedaan|aan)|(?:pijn|kwaad|letsel|schade) "
         r"(?:{W}){{0,2}}(?:doen|te doen|doe|deed|gedaan|toebrengen|toe te brengen|aandoen|"
         r"aan te doen))\b"),
    rule("harm_me",
         r"\b(?:{ME} (?:{W}){{0,3}}(?:iets|wat|iets ergs|wat ergs) (?:{W})?(?:aandoen|aan te doen|"
         r"aandoe|aandoet)|doe (?:{W})?{ME} (?:iets|wat) aan)\b"),
    rule("hurt_myself",
         r"\b(?:doe|deed|doen|te doen) (?:{W}){{0,2}}{SELF} (?:{W}){{0,2}}(?:pijn|kwaad|"
         r"(?:iets|wat) aan)\b",
         # "ik doe mezelf pijn door altijd ja te zeggen" is about boundaries
         unless_after=r"^ door (?!(?:{A}){{0,2}}(?:te )?(?:snijden|krassen|branden|slaan|bonken|"
                      r"krabben)\b)"),
    # "ik snij mezelf", "ik heb mezelf gisteren gesneden", "ik brand mezelf"
    rule("cut_burn_myself",
         r"\b(?:(?:snij|snijd|snijdt|sneed|sneden|snijden|gesneden|kras|krast|kraste|krassen|"
         r"gekrast|kerf|kerven|gekerfd|brand|verwond|verwondt|verwondde|verwonden|beschadig|"
         r"beschadigen|krab|krabde|krabben|pijnig|pijnigen|bijt|bijten) "
         r"(?:{W}){{0,2}}{SELF}|{SELF} (?:{W}){{0,3}}(?:snijden|snij|snijd|gesneden|krassen|"
         r"gekrast|kerven|gekerfd|branden|gebrand|verwonden|verwond|verwondde|beschadigen|"
         r"beschadigd|open ?krabben|open ?gekrabd|pijnigen|slaan tot|kapot ?snijden))\b",
         unless_after=r"^ (?:op|op te branden)\b"),
    # "ik snij in mijn armen", "krassen op mijn armen", "in mijn armen gesneden"
    rule("cut_body",
         r"\b(?:(?:snij|snijd|snijdt|sneed|sneden|snijden|gesneden|kras|krast|kraste|krassen|"
         r"krasjes|gekrast|kerf|kerven|gekerfd|brand|brandde) (?:{A}){{0,3}}(?:in|op|aan) "
         r"(?:mijn|m|de) {BODY}|(?:in|op) (?:mijn|m) {BODY} (?:{A}){{0,2}}(?:gesneden|snijden|"
         r"snij|snijd|sneed|gekrast|krassen|kras|gekerfd|kerven|gebrand|branden)|"
         r"(?:sigaret[a-z]*|peuk[a-z]*) (?:{A}){{0,3}}(?:uitdrukken|uitgedrukt|uitdruk|"
         r"gedrukt) (?:op|in) (?:mijn|m) {BODY})\b"),
    # "ik krab mijn armen open", "ik brand mijn armen met een aansteker"
    rule("harm_body_object",
         r"\b(?:snij|snijd|snijdt|sneed|kras|krast|kraste|krab|krabt|krabde|kerf|kerfde|brand|brandde|"
         r"bijt|beet|verwond|verwondde|pijnig) (?:{W}){{0,2}}(?:mijn|m) {SHBODY}\b"),
    rule("body_cut_open",
         r"\b(?:mijn|m) {SHBODY} (?:{A}){{0,2}}(?:open ?gekrast|open ?gekrabd|open ?gesneden|"
         r"kapot ?gesneden|kapot ?gekrast|gekrast|gesneden|gekerfd|bewerkt met)\b",
         unless_after=r"^ (?:door|van|aan) (?:de|een|het|mijn|m) (?:kat|hond|struik|"
                      r"prikkeldraad|doornen|rozen|ongeval|val)"),
    rule("hit_myself",
         r"\b(?:sla|slaat|sloeg|slaan|stomp|stompte|knijp|kneep) (?:{W}){{0,2}}{SELF}\b",
         unless_after=r"^ (?:{A})?(?:er|erdoor|erdoorheen|door|erbovenop|op de borst|voor (?:de|het|"
                      r"mijn|m) (?:kop|hoofd))\b"),
    # "ik snij me om de pijn te voelen", "ik heb me (weer) gesneden" -- accidents ("aan een
    # blad papier", "bij het koken", "in mijn vinger") are caught by the accident guard
    rule("cut_me_present",
         r"\bik (?:snij|snijd|kras|brand|verwond|kerf) {ME}\b|\bik (?:snij|snijd|kras|kerf)"
         r"(?=[.!?]|$)",
         unless_after=r"^ (?:{A}){{0,2}}aan\b"),
    rule("punish_myself",
         r"\b{SELF} (?:{W}){{0,2}}(?:straffen|te straffen|straf) (?:{A}){{0,2}}(?:met|door) "
         r"(?:pijn|te snijden|snijden|te krassen|te slaan|slagen|wonden|mezelf pijn)"),
    rule("cut_me",
         r"\b{ME} (?:{W}){{0,2}}(?:gesneden|gekrast|gekerfd|verwond|opengesneden)\b"),
    rule("wounds",
         r"\b(?:snijwonden|sneetjes|sneden|krassen|kerven|verse wonden|wonden) (?:{A})?(?:op|in|"
         r"aan) (?:mijn|m) {BODY}\b(?! (?:door|van) (?:een|de|het) (?:ongeval|val|kat|hond))",
         needs_self=True),
    rule("body_full_of_wounds",
         r"\b{SHBODY} (?:{A}){{0,2}}vol (?:{A})?(?:snijwonden|sneden|sneetjes|krassen|wonden|"
         r"brandwonden|littekens)\b",
         needs_self=True),
    rule("from_cutting",
         r"\bvan het (?:snijden|krassen|kerven)\b", needs_self=True),
    # "mijn polsen doorsnijden", "polsen opengesneden"
    rule("wrists",
         r"\b(?:(?:polsen|pols|aders|aderen|slagader) (?:{A}){{0,2}}(?:door|open) ?(?:te )?"
         r"(?:ge)?(?:snijden|sneden|snij|snijd|sneed|snijdt)|(?:snij|snijd|snijden|sneed|snijdt) "
         r"(?:{A}){{0,2}}(?:mijn|m|je|de|zijn) (?:polsen|pols|aders|aderen|slagader))\b"),
    rule("self_harm_word",
         r"\b(?:zelfverwond[a-z]*|zelfbeschadig[a-z]*|automutil[a-z]*|zelfverminking|"
         r"zelfletsel|zelfkastijding)\b"),
    rule("head_against_wall",
         r"\b(?:(?:sla|sloeg|slaan|bonk|bonken|bons|bonzen|beuk|beuken|ram|rammen) (?:{A}){{0,2}}"
         r"(?:mijn|m) (?:hoofd|kop) (?:{A}){{0,2}}tegen (?:de|een|het) (?:muur|muren|deur|kast|"
         r"tafel|grond|spiegel)|(?:met|mijn) (?:mijn |m )?(?:hoofd|kop) tegen (?:de|een) "
         r"(?:muur|deur) (?:{A})?(?:slaan|bonken|bonzen|beuken|rammen))\b"),

    # ---- means and plans ----
    rule("pills_hoarded",
         r"\b(?:{PILLS} (?:{A}){{0,3}}(?:gespaard|opgespaard|verzameld|gehamsterd|"
         r"bijeengespaard|aan het sparen|aan het verzamelen|sparen|opsparen|verzamelen|"
         r"hamsteren|klaargelegd|klaarliggen|klaar liggen|klaar gelegd|klaarstaan|klaar staan|"
         r"klaargezet|klaar gezet)|"
         r"(?:gespaard|opgespaard|verzameld|gehamsterd|spaar|verzamel|hamster) (?:{A}){{0,3}}"
         r"{PILLS})\b"),
    rule("pills_swallowed",
         r"\b(?:alle|al mijn|al de|een (?:hele |volle )?(?:doos|strip|pot|fles|potje|flesje|"
         r"hoop|handvol)|twee dozen|genoeg|teveel|te veel|heel veel|massas|tientallen|"
         r"[2-9][0-9]) (?:{A}){{0,2}}{PILLS} (?:{A}){{0,4}}(?:ingenomen|geslikt|innemen|slikken|"
         r"nemen|genomen|in te nemen|te slikken|te nemen|in huis|om|neem|nam|slik|slikte)\b"),
    # "ik slik al mijn pillen", "ik neem een hele doos slaappillen"; "ik neem al mijn
    # medicatie (zoals voorgeschreven)" is ordinary unless it is all at once
    rule("pills_take_all",
         r"\b(?:(?:slik|slikte|slikken|innemen) (?:{A}){{0,2}}(?:alle|al mijn|al de)|"
         r"(?:neem|nam|nemen|slik|slikte|slikken|pak|innemen) (?:{A}){{0,2}}(?:een (?:hele |volle )?"
         r"(?:doos|strip|pot|fles|potje|flesje|hoop|handvol)|genoeg|teveel|te veel|heel veel|"
         r"[2-9][0-9])) (?:{A}){{0,2}}{PILLS}\b(?! mee\b)"),
    rule("pills_all_at_once",
         r"\b(?:(?:neem|nam|nemen|pak) (?:{A}){{0,2}}(?:alle|al mijn|al de) (?:{A})?{PILLS} "
         r"(?:{A})?(?:tegelijk|in een keer|ineens|op een keer|in 1 keer|allemaal|in(?=[.!?,]|$))|"
         r"(?:neem|nam|nemen|pak) (?:{A}){{0,2}}(?:alle|al mijn|al de) (?:slaappillen|slaapmiddelen|"
         r"slaapmedicatie))"),
    rule("overdose",
         r"\boverdosis\b",
         unless_after=r"^ (?:aan |van |met )?(?:{A})?(?:vergader[a-z]*|meeting[a-z]*|werk[a-z]*|"
                      r"info[a-z]*|mails|emails|koffie|cafeine|suiker|stress|prikkels|indrukken|"
                      r"tv|televisie|netflix|social[a-z]*|feedback|taken|deadlines|regels|"
                      r"bureaucratie|papierwerk|positiviteit|chocolade|sport|cursussen|"
                      r"sollicitaties|vacatures|cijfers|excel|telefoontjes|verandering[a-z]*|"
                      r"nieuws|opleidingen)\b"),
    rule("rope",
         r"\b(?:touw|strop|koord) (?:{A}){{0,3}}(?:gekocht|klaar|klaargelegd|klaarliggen|gelegd|verstopt|"
         r"gemaakt|geknoopt|opgehangen|vastgemaakt|hangt|om (?:mijn|m) nek|aan (?:de|een) "
         r"(?:balk|haak|boom|plafond|trap|dakbalk|zolder))",
         unless_after=r"^ (?:voor|om) (?:de|het|een|onze|mijn|m) (?!nek\b|leven\b)"),
    # jumping: from heights, in front of trains, into rivers
    rule("jump_from_height",
         r"\b(?:spring|springen|springt|sprong|gesprongen|te springen|val|vallen|laten vallen) "
         r"(?:{A}){{0,3}}(?:van|uit|vanop|vanaf|af) (?:de |het |een |die |dat |dit |deze |"
         r"mijn |m )?{HIGH}\b"),
    rule("jump_in_front",
         r"\b(?:(?:spring|springen|springt|sprong|te springen|loop|lopen|stap|stappen) "
         r"(?:{A}){{0,3}}(?:voor|onder) (?:de|een|het) (?:trein|metro|tram|bus|vrachtwagen|"
         r"auto|verkeer|vrachtwagens)|(?:gooi|werp|stort|gooien|werpen|storten) (?:{A}){{0,2}}"
         r"(?:{REFL}) (?:{A}){{0,2}}(?:voor|onder|van|uit|in) (?:de|een|het) (?:trein|metro|tram|"
         r"bus|vrachtwagen|auto|verkeer|brug|flat|toren|dak|balkon|raam|kanaal|rivier|schelde|"
         r"maas|leie))\b"),
    rule("jump_into_water",
         r"\b(?:spring|springen|springt|sprong|te springen) (?:{A}){{0,3}}in (?:de|het|een) "
         r"(?:kanaal|rivier|schelde|maas|leie|ijzer|dender|vaart|zee van)\b"),
    rule("place_then_jump",
         r"\b(?:van|uit|vanop|vanaf|voor|onder|in) (?:de |het |een |die |dat |mijn |m )?"
         r"(?:{HIGH}|trein|metro|tram|vrachtwagen|kanaal|rivier|schelde|maas|leie|spoor|sporen) "
         r"(?:{A}){{0,2}}"
         r"(?:springen|springt|spring|te springen|gesprongen|gaan liggen|te gaan liggen|lopen|"
         r"te lopen|stappen|te stappen|gaan staan)\b"),
    # "mezelf van de brug gooien" (throwing needs the reflexive: "de printer uit het raam
    # gooien" is frustration)
    rule("throw_myself",
         r"\b{REFL} (?:{A}){{0,2}}(?:van|uit|voor|onder|in) (?:de |het |een )?(?:{HIGH}|trein|metro|"
         r"tram|vrachtwagen|bus|auto|verkeer|kanaal|rivier|schelde|maas|leie) (?:{A})?(?:gooien|"
         r"werpen|storten|laten vallen|te gooien|te werpen|te storten)\b"),
    rule("want_to_jump",
         r"\b(?:(?:ik|en|maar|dus) (?:wil|wou|wilde|ga|zal|zou|moet) {W}{{0,2}}springen|(?:denk|dacht|"
         r"overweeg|plan|zin|"
         r"neiging|drang) (?:{A}){{0,3}}om te springen)\b",
         unless_after=r"^ (?:naar|in|over|bij|op|als|om|een|binnen|van (?:vreugde|blijdschap|"
                      r"geluk|plezier))\b"),
    rule("at_the_edge",
         r"\baan de rand van (?:het|de|een) (?:perron|dak|brug|spoor|afgrond|klif|ravijn|balkon)\b",
         needs_self=True),
    rule("standing_on_edge",
         r"\b(?:sta|stond|zit|zat) (?:{A}){{0,2}}op (?:de|het|een) (?:brug|dak|spoor|sporen|"
         r"spoorweg|spoorlijn|richel|vensterbank|viaduct|balkonrand|rand van het dak)\b",
         needs_self=True,
         # "op het dak van het magazijn voor de inspectie, met harnas"
         unless_after=r"^ (?:tussen|van de wereld|naar)\b|^[^.!?]{{0,60}}\b(?:inspectie|"
                      r"herstelling|installatie|zonnepanelen|harnas|valbeveiliging|stelling|"
                      r"nieuwe job|mijn job|werf)\b"),
    rule("lie_on_tracks",
         r"\bop (?:het|de) (?:spoor|sporen|spoorweg|treinsporen) (?:{A}){{0,2}}(?:gaan )?"
         r"(?:liggen|te liggen|lig|staan)\b"),
    rule("crash_car",
         r"\b(?:(?:rij|rijd|rijden|rijdt|knal|knallen|crash|crashen|vlieg) (?:{A}){{0,3}}tegen "
         r"(?:een|de) (?:boom|muur|brugpijler|pijler|vrachtwagen|betonblok|vangrail)|tegen "
         r"(?:een|de) (?:boom|muur|brugpijler|pijler|vrachtwagen|betonblok) (?:{A}){{0,2}}"
         r"(?:rijden|te rijden|knallen|crashen|aanrijden|inrijden|gereden|vliegen))\b",
         needs_self=True),
    rule("gas",
         r"\b(?:(?:gaskraan|gasleiding|gasfornuis) (?:{A}){{0,2}}open ?(?:gedraaid|draaien|"
         r"zetten|gezet|te draaien|laten)|uitlaatgassen|koolmonoxide)\b",
         needs_self=True),

    # ---- indirect signals ----
    rule("farewell_letter",
         r"\bafscheidsbrie[a-z]*\b",
         unless_after=r"^ (?:{A}){{0,2}}(?:aan|voor|naar) (?:mijn |m |de |het |onze |al mijn |"
                      r"alle )?(?:oude |vorige |lieve )?(?:{WORK}|klanten|klant|personeel|leerlingen|studenten|"
                      r"patienten|directie)\b"),
    rule("farewell_everyone",
         r"\bafscheid (?:{A}){{0,2}}(?:genomen|nemen|neem|nam|te nemen) van (?:iedereen|het leven|"
         r"de wereld|alles|mijn (?:kinderen|familie|gezin|ouders|geliefden))\b",
         unless_after=r"^ (?:op|bij|in|van) (?:het |de |mijn |m |ons )?{WORK}\b"),
    rule("after_my_death",
         r"\b(?:voor na (?:mijn|m) (?:dood|overlijden)|(?:mijn|m) (?:eigen )?begrafenis (?:{A}){{0,2}}"
         r"(?:geregeld|gepland|voorbereid|uitgestippeld|georganiseerd))\b"),
    rule("giving_away",
         r"\b(?:al|alle) (?:mijn |m )?(?:spullen|bezittingen|spulletjes|bezit) (?:{A}){{0,3}}"
         r"(?:weggegeven|weggeven|weg gegeven|weg te geven|aan het weggeven|weggeef)\b"),
    rule("nobody_would_miss_me",
         r"\bniemand (?:{A}){{0,2}}(?:zou|zal|gaat|gaan|zouden|zullen|mist|merkt) (?:{A}){{0,2}}"
         r"{ME} (?:{A}){{0,2}}missen\b|\bniemand die {ME} (?:{A}){{0,2}}missen\b",
         negatable=False,
         unless_after=r"^ (?:op|in|bij|tijdens|van|voor) (?:{A}){{0,2}}(?:{WORK}|werk|vergadering|"
                      r"feest|etentje|training|les)"),
    rule("nobody_would_notice",
         r"\bniemand (?:{A}){{0,4}}(?:missen|merken|opmerken|rouwen|treuren|malen|wenen|huilen|"
         r"merkt|mist|erg vinden|erg vindt|schelen|kunnen schelen) (?:{A})?(?:als|wanneer|dat|mocht|"
         r"indien) ik (?:er )?(?:niet meer|weg|"
         r"{DOOD}\b|verdwijn|verdwenen|zou sterven|sterf)",
         negatable=False),
    rule("nobody_cares_if_i_live",
         r"\bmaakt niemand (?:{A})?uit (?:of|dat) ik (?:leef|er ben|besta|{DOOD}\b)",
         negatable=False),
    rule("better_off_without_me",
         r"\b(?:iedereen|de wereld|ze|zij|jullie|je|jij|u|mensen|allen|ze allemaal|het gezin|de kinderen|"
         r"(?:mijn|m) (?:familie|gezin|kinderen|kids|ouders|vrouw|man|partner|vriendin|vriend|"
         r"lief|zus|broer|moeder|vader|vrienden|omgeving|dochter|zoon)) (?:{A}){{0,3}}beter "
         r"(?:af )?(?:{A})?zonder (?:mij|me)\b",
         negatable=False, unless_after=r"^ (?:in|op|bij|voor|binnen) (?:{A})?{WORK}\b"),
    rule("without_me_better",
         r"\bzonder (?:mij|me) (?:{A}){{0,2}}(?:is|zijn|zou|zouden|zal|zullen|was|waren) "
         r"(?:{A}){{0,2}}(?:iedereen|de wereld|ze|zij|jullie|(?:mijn|m) [a-z]+) (?:{A})?beter\b",
         negatable=False),
    # "ik ben een last voor iedereen"; "een last voor mijn collega's" is about work
    rule("burden",
         r"\bik (?:ben|voel me|voel mij|was|blijf|ben gewoon|ben alleen maar) (?:{W}){{0,3}}"
         r"(?:een )?(?:last|blok aan het been) (?!van\b|op\b|kwijt|minder|gevallen|afgevallen)",
         unless_after=r"^(?:voor|bij|op|in) (?:mijn |m |de |het |ons |onze )?{WORK}\b"),
    rule("burden_end",
         r"\bik (?:ben|voel me|voel mij) (?:{W}){{0,3}}een last[.!?]?$"),
    rule("burden_tot_last",
         r"\bik (?:ben|voel me|voel mij|val|ben gewoon|ben alleen maar) (?:{W}){{0,3}}(?:iedereen )?"
         r"tot last\b",
         unless_after=r"^ (?:voor|bij|op|in|van) (?:mijn |m |de |het |ons |onze )?{WORK}\b"),
    rule("burden_to_all",
         r"\b(?:iedereen|de wereld|de mensen|anderen|jullie|(?:mijn|m) (?:familie|gezin|"
         r"kinderen|ouders|partner|vrouw|man|vrienden)) (?:{W})?tot last\b",
         needs_self=True),
    rule("soon_rid_of_me",
         r"\b(?:binnenkort|straks|weldra|gauw|snel|nooit|vanaf morgen) (?:{A}){{0,4}}"
         r"(?:geen last meer (?:van|aan) (?:mij|me)|van (?:mij|me) (?:af|verlost))\b",
         negatable=False),
    # "ik wil voorgoed verdwijnen", "ik wil weg, voorgoed, uit dit leven"
    rule("disappear_forever",
         r"\bik (?:wil|wou|zou willen|wens|ga) (?:{W}){{0,3}}(?:verdwijnen|weg|oplossen|"
         r"ophouden te bestaan)(?:,? (?:voor altijd|voorgoed|voor eeuwig|definitief|uit (?:dit|"
         r"het|deze) (?:leven|wereld|bestaan))|,? (?:{A})?voorgoed)"),
    rule("go_forever",
         r"\b(?:te gaan|heengaan|heen te gaan),? (?:voorgoed|voor altijd|voor eeuwig)\b"
         r"(?! (?:naar|weg|uit|in|bij|op)\b)",
         needs_self=True),
    # "ik wil voorgoed verdwijnen"; "ik wil dat mijn gegevens definitief weg zijn" is not
    rule("disappear_forever_before",
         r"\bik (?:wil|wou|zou willen|wens|ga) (?:{W}){{0,2}}(?:voorgoed|voor altijd|definitief|"
         r"voor eeuwig) (?:{A})?(?:verdwijnen|weg zijn|weg|ophouden te bestaan|slapen)\b",
         unless_after=r"^ (?:uit|bij|van|naar|in)\b"),
    # "ik wil (gewoon) verdwijnen" -- "verdwijnen uit dat team" is about work
    rule("want_to_disappear",
         r"\bik (?:wil|wou|zou willen|wens) (?:{W}){{0,2}}verdwijnen\b",
         unless_after=r"^ (?:uit|van|naar|in|bij|onder|achter|op|tijdens) (?!(?:dit|het|deze) "
                      r"(?:leven|wereld|aarde|bestaan)\b)"),
    rule("stop_everything_for_good",
         r"\b(?:stoppen|ophouden|kappen|stop|hou op)[a-z ,]{{0,30}}?\bmet alles\b[a-z ,]{{0,20}}?"
         r"\b(?:voorgoed|voor altijd|definitief)\b",
         needs_self=True),
    rule("stop_living",
         r"\b(?:(?:stoppen|ophouden|stop|kappen)[a-z ,]{{0,30}}?\bmet (?:leven|bestaan|ademen|"
         r"het leven|mijn leven)|ophouden te (?:bestaan|leven|ademen))\b",
         needs_self=True, unless_after=r"^ om (?:{A}){{0,2}}te (?:werken|presteren|sparen|betalen)\b"),
    # command hallucinations: "mijn hoofd zegt dat ik dood moet"
    rule("must_die",
         r"\bdat ik (?:{W})?(?:{DOOD}|sterven) (?:moet|moest|zou moeten|mag)\b"),
    # "ik ben niet meer bang om dood te gaan" (fearlessness about death is a warning sign)
    rule("not_afraid_to_die",
         r"\bniet (?:meer |langer )?bang (?:om|voor|van) (?:de dood|{DOOD} te gaan|te sterven|"
         r"het sterven|{DOOD} gaan)\b",
         negatable=False, needs_self=True,
         unless_after=r"^ (?:op|in|bij|tijdens|door|van|voor)\b"),
    rule("think_of_jumping",
         r"\b(?:denk|dacht|denken|pieker)[a-z]* (?:{A}){{0,3}}(?:aan|over) (?:te |om te )?springen\b",
         unless_after=r"^ (?:naar|in|over|bij|op|van job|van sector)\b"),
    rule("death_appeals",
         r"\b(?:de dood|dood zijn|{DOOD} ?gaan|sterven|er niet meer zijn) (?:lijkt|klinkt|voelt) "
         r"(?:me|mij) (?:{A}){{0,2}}(?:fijn|mooi|beter|heerlijk|goed|aantrekkelijk|een opluchting|"
         r"een verlossing|rustig|de beste)",
         negatable=False),
    rule("deserve_death",
         r"\b(?:verdien (?:het )?(?:niet|geen) (?:om )?te leven|verdien het leven niet|"
         r"verdien (?:het )?(?:om )?te sterven|verdien (?:de )?dood|verdien het niet om (?:nog )?"
         r"(?:te )?(?:leven|bestaan)|verdien (?:het )?(?:om )?pijn te (?:hebben|lijden|voelen))\b",
         negatable=False, needs_self=True),
    rule("nobody_stops_me",
         r"\bniemand (?:{A}){{0,2}}(?:zal|kan|gaat) {ME} (?:nog )?(?:tegenhouden|stoppen|redden)\b",
         negatable=False, unless_after=r"^ (?:om|bij|in|van|met)\b"),
    rule("death_thoughts",
         r"\b(?:(?:denk|denken|dacht|pieker|fantaseer)[a-z]* (?:{A}){{0,3}}(?:aan|over)|"
         r"gedachte[a-z]* (?:{A})?(?:aan|over)|bezig met|verlang[a-z]* (?:{A}){{0,2}}naar) "
         r"(?:de dood|{DOODGAAN}|{DOOD} (?:te )?gaan|sterven|mijn (?:eigen )?(?:dood|einde|begrafenis)|"
         r"het einde|er niet meer zijn|niet meer (?:leven|bestaan|wakker))\b",
         unless_after=r"^ (?:van|door) "),
    rule("death_as_relief",
         r"\b(?:(?:de dood|dood zijn|{DOOD} ?gaan|sterven) (?:{A}){{0,3}}(?:verlossing|oplossing|"
         r"opluchting|bevrijding|uitweg|rust)|(?:alleen|enkel|enige uitweg is|nog alleen|"
         r"nog enkel) (?:nog )?de dood)\b",
         needs_self=True),
    rule("no_way_out",
         r"\bgeen (?:enkele )?(?:uitweg|toekomst|hoop) meer\b(?! (?:zoeken|te zoeken|nodig|"
         r"in (?:drank|alcohol|eten)))",
         needs_self=True,
         # "geen toekomst meer voor mezelf in de drukkerij", "geen hoop meer dat ik nog een
         # job vind": hopelessness about work, not about living
         unless_after=r"^ (?:voor (?:mezelf|mij|me) )?(?:uit|in|voor|bij|op|met|binnen|als) "
                      r"(?:{A}){{0,3}}(?:{WORK}|[a-z]+(?:erij|sector|bedrijf|winkel))\b|"
                      r"^ (?:dat|om) (?:ik )?(?:{A}){{0,4}}(?:{WORK}|baan|werk vind|aan de slag|"
                      r"aangenomen|een plek|[a-z]+job)\b"),
    rule("hope_accident",
         r"\bhoop[a-z]* (?:{A}){{0,2}}(?:dat|op) (?:{W}){{0,4}}(?:ongeluk|verongeluk|aangereden|"
         r"overreden|omkom|omgekomen|aanrijdt|overrijdt|doodga|{DOOD}\b|sterf|verdrink)",
         needs_self=True),
    rule("want_it_to_stop",
         r"\b(?:wil|wou|hoop|wens) (?:{A})?dat (?:het|alles|de pijn|het allemaal|dit leven|"
         r"mijn leven|dit) (?:(?:allemaal|gewoon|eindelijk|voorgoed|voor altijd|nu|echt|ooit) )"
         r"{{0,3}}(?:stopt|ophoudt|voorbij is|gedaan is|over is|eindigt)\b",
         negatable=False, unless_after=r"^ (?:met|op|bij|in|voor)\b"),
    rule("helpline",
         r"\b(?:(?:bel|bellen|belde|gebeld|belt) (?:{A}){{0,2}}(?:112|1813|106|de zelfmoordlijn|"
         r"zelfmoordlijn|tele onthaal|teleonthaal|een ambulance)|(?:112|1813|106) (?:{A})?"
         r"(?:gebeld|bellen|bel))\b"),

    # ---- acute danger from others ----
    # "mijn partner slaat me", "ze schoppen me"; "slaat me om de oren met cijfers" is not
    rule("violence_present",
         r"\b{PERSON} (?:{W}){{0,3}}(?:slaat|slaan|sloeg|sloegen|schopt|schoppen|schopte|"
         r"schopten|trapt|trappen|trapte|mishandelt|mishandelen|mishandelde|mishandelden|wurgt|"
         r"wurgen|wurgde|stompt|stompen|stompte|verkracht|verkrachten|verkrachtte|misbruikt|"
         r"misbruiken|misbruikte|bedreigt|bedreigen|bedreigde|bedreigden|stalkt|stalken|stalkte|"
         r"terroriseert|terroriseren|martelt|martelen|knijpt|kneep|bijt|beet|stampt|stampte|"
         r"achtervolgt|achtervolgde) (?:(?:mijn|m|ons|onze) [a-z]+ en )?{ME}\b",
         unless_after=r"^ (?:om de oren|om het hart|met verstomming|uit het lood|nergens|murw|"
                      r"in de hoek|de hand|op|aan|niet|toe|af|buiten|weg)\b|" + _NOT_VIOLENT_WITH
         # games: "mijn vriend sloeg me bij het schaken"
         + r"|^ bij (?:het |de )?[a-z]*(?:en|spel|wedstrijd|match|quiz)\b|^ met (?:schaken|tennis|"
         r"dammen|kaarten|pingpong|badminton|squash|padel|darts|[a-z]+spel)\b"),
    # "... en bedreigt me", "een man die me slaat": the subject came earlier
    rule("violence_no_subject",
         r"\b(?:en|die|dat) (?:{W}){{0,2}}(?:bedreigt|bedreigde|slaat|sloeg|schopt|schopte|"
         r"mishandelt|mishandelde|wurgt|wurgde|verkracht|verkrachtte|stalkt|terroriseert) {ME}\b",
         unless_after=r"^ (?:om de oren|om het hart|met verstomming|uit het lood|nergens|murw|"
                      r"in de hoek|de hand|op|aan|niet|toe|af|buiten|weg)\b|" + _NOT_VIOLENT_WITH
         # games: "mijn vriend sloeg me bij het schaken"
         + r"|^ bij (?:het |de )?[a-z]*(?:en|spel|wedstrijd|match|quiz)\b|^ met (?:schaken|tennis|"
         r"dammen|kaarten|pingpong|badminton|squash|padel|darts|[a-z]+spel)\b"),
    # "mijn partner heeft me pijn gedaan en ik ben bang"
    rule("hurt_by_partner_afraid",
         r"\b(?:mijn|m) {HOME} (?:{A}){{0,3}}{ME} (?:{A}){{0,2}}pijn (?:gedaan|doet|deed)\b"
         r"[a-z ,]{{0,40}}?\b(?:bang|schrik|angst)\b"),
    rule("followed_home",
         r"\b{PERSON} (?:{W}){{0,2}}(?:volgt|volgde|volgen|achtervolgt) {ME} (?:{A}){{0,3}}(?:naar huis|"
         r"overal|achterna|op straat|tot aan (?:mijn|m) (?:deur|huis))"),
    rule("break_in",
         r"\b(?:(?:breekt|breken|brak|inbreken) (?:{A}){{0,2}}in bij (?:mij|me|ons)|inbreker[a-z]* "
         r"(?:{A}){{0,3}}(?:in (?:mijn|m|ons|het) huis|binnen|beneden))\b"),
    rule("strangled",
         r"\b(?:(?:keel|nek) (?:{A})?(?:dichtgeknepen|dichtknijpt|dichtgedrukt|toegeknepen)|"
         r"(?:knijp[a-z]*|kneep) (?:{A}){{0,2}}(?:mijn|m) keel|(?:mijn|m) keel (?:{A}){{0,2}}dicht)\b"),
    rule("thrown_against_wall",
         r"\b(?:(?:geduwd|gegooid|gesmeten|gedrukt|geslingerd|geramd) (?:{A})?tegen (?:de|een) "
         r"(?:muur|grond|kast|deur)|tegen (?:de|een) (?:muur|grond|kast|deur) (?:{A})?(?:geduwd|"
         r"gegooid|gesmeten|gedrukt|geslingerd|duwt|gooit|smijt|geramd))\b",
         needs_self=True),
    rule("smashing_at_home",
         r"\b{PERSON} (?:{A}){{0,4}}(?:slaat|sloeg|smijt|gooit|trapt) (?:alles|de boel|het huis|"
         r"de deur) (?:kort en )?(?:kapot|in)\b",
         needs_self=True),
    rule("intruder",
         r"\b(?:help\b[^.!?]{{0,40}}?\biemand (?:{A}){{0,3}}(?:in|binnen in|voor|aan|bij) (?:mijn|m|ons|"
         r"het) (?:huis|kamer|appartement|deur|raam|tuin)|iemand (?:{A}){{0,3}}(?:in|binnen in|voor|"
         r"aan|bij) (?:mijn|m|ons|het) (?:huis|kamer|appartement|deur|raam)[^.!?]{{0,40}}?\b(?:bang|"
         r"schrik|angst|help))\b"),
    rule("pushed",
         r"\bduw[a-z]* (?:{ME}) (?:{A})?(?:tegen de (?:muur|grond|kast)|van de trap|omver|"
         r"op de grond|neer)\b"),
    rule("violence_past",
         r"\b(?:{PERSON} (?:{A}){{0,4}}|(?:en|die|dat) )(?:heeft|had|hebben|hadden) {ME} "
         r"(?:{W}){{0,4}}(?:geslagen|"
         r"geschopt|mishandeld|gewurgd|verkracht|aangerand|bedreigd|gestoken|neergestoken|"
         r"in elkaar geslagen|misbruikt|opgesloten|vastgebonden|gemarteld|getrapt|gestompt|"
         r"gebeten|bont en blauw geslagen|in elkaar getimmerd|in elkaar gestampt|in elkaar gebokst|"
         r"afgeranseld|afgetuigd|toegetakeld|gestampt|gestalkt)\b",
         unless_after=_NOT_VIOLENT_WITH),
    rule("violence_passive",
         r"\bik (?:word|wordt|werd|ben|was|zijn|worden) (?:{W}|en ){{0,4}}(?:geslagen|geschopt|"
         r"mishandeld|gewurgd|verkracht|aangerand|gestoken|neergestoken|in elkaar geslagen|"
         r"gestalkt|gemarteld|getrapt|gestompt|ontvoerd|gegijzeld|bont en blauw geslagen|"
         r"afgeranseld|afgetuigd|toegetakeld|in elkaar getimmerd|gestampt)\b"),
    # "bedreigd" and "misbruikt" are also said of work ("bedreigd met een sanctie")
    rule("threatened_passive",
         r"\bik (?:word|wordt|werd|ben|was) (?:{W}){{0,3}}(?:bedreigd|misbruikt|aangevallen|"
         r"opgesloten)\b",
         unless_after=_NOT_VIOLENT_WITH + r"|^ (?:in|tijdens|op) (?:de|een|het) (?:vergadering|"
                      r"meeting|overleg|evaluatie|mail|gesprek|functioneringsgesprek|"
                      r"teamvergadering|lift)\b|^ door (?:mijn |m |de |het |dat |die )?"
                      r"(?:werkgever|bedrijf|systeem|interimkantoor|firma|team|organisatie|"
                      r"directie|overheid|baas|job)\b"),
    rule("threat_to_kill",
         r"\b(?:dreig[a-z]*|bedreig[a-z]*|zegt|zei|zeggen|belooft) (?:{A}){{0,3}}{ME} (?:{A}){{0,3}}"
         r"(?:te )?(?:doden|vermoorden|dood ?te maken|af te maken|iets aan te doen|pijn te doen|"
         r"te slaan|neer te steken|neer te schieten|dood te schieten|kapot te maken|"
         r"te wurgen|te verkrachten)\b"),
    # "hij gaat me vermoorden"; "mijn moeder vermoordt me als ..." is a figure of speech
    rule("will_kill_me",
         r"\b{PERSON} (?:{A}){{0,5}}{ME} (?:{W}){{0,2}}(?:vermoorden|doden|doodmaken|dood maken|"
         r"doodschieten|neerschieten|neersteken|doodsteken|wurgen|ombrengen|iets aandoen|"
         r"iets aan te doen|iets aandoet)\b",
         unless_after=r"^,? (?:als|indien|wanneer|zodra|mocht)\b"),
    rule("weapon_against_me",
         r"\b(?:{WEAPON} (?:{A}){{0,3}}(?:tegen|op|naar) (?:{ME}\b|(?:mijn|m) (?:keel|hoofd|borst|"
         r"buik|hals|nek|gezicht|lijf|rug|slaap))|met (?:een|zijn|haar) {WEAPON} (?:{A}){{0,3}}"
         r"(?:op {ME} af|achter {ME} aan|voor (?:mijn|m|de) deur|in (?:mijn|m|ons) huis)|"
         r"(?:iemand|een man|een vrouw|een onbekende|een inbreker|een gast) (?:{A}){{0,4}}met "
         r"(?:een|zijn|haar) {ARMS}|bedreig[a-z]* (?:{A}){{0,3}}met (?:een|zijn|haar|het) "
         r"{WEAPON})\b"),
    rule("not_safe",
         r"\bik (?:ben|voel me|voel mij) (?:{W}){{0,2}}niet (?:meer )?veilig\b",
         negatable=False,
         unless_after=r"^ (?:om|tijdens|als|wanneer|over|binnen|genoeg)\b|^ (?:in|op|bij) (?:mijn |m |"
                      r"de |het |dat |die |dit |deze |ons |onze )?{WORK}\b"),
    rule("in_danger",
         r"\b(?:ik ben|mijn leven is|we zijn|ik verkeer|ik ben nu) (?:{A})?in (?:levens)?gevaar\b"),
    rule("fear_for_life",
         r"\b(?:bang|vrees|angst|schrik) (?:{A}){{0,2}}(?:voor|om) (?:mijn|m) leven\b"),
    rule("afraid_to_go_home",
         r"\b(?:durf (?:{A}){{0,2}}niet (?:meer )?naar huis|bang (?:{A})?om (?:{A})?naar huis)\b"),
    rule("afraid_of_partner",
         r"\b(?:bang|schrik|angst) (?:{A})?(?:voor|van) (?:mijn|m) {HOME}\b"),
    rule("afraid_he_hurts_me",
         r"\b(?:bang|schrik|angst|vrees|ik vrees) (?:{A})?dat (?:hij|zij|ze|mijn [a-z]+) {ME} "
         r"(?:{A}){{0,2}}(?:iets aandoet|"
         r"iets zal aandoen|iets aan doet|vermoordt|doodt|doodmaakt|slaat|pijn doet|aanvalt|"
         r"zal slaan|zal vermoorden|weer slaat)\b"),
    rule("death_threats", r"\bdoodsbedreiging[a-z]*\b"),
    # ---- plans, last acts and despair said on its own ----
    # "alles ligt klaar", "ik heb uitgezocht hoe ik het ga doen"
    rule("plan_ready",
         r"\b(?:alles ligt (?:al )?klaar|(?:uitgezocht|opgezocht|bedacht|gepland|besloten) hoe ik "
         r"(?:het|er een eind[e]? aan) (?:ga|zal|wil|kan) (?:doen|maken))\b",
         # "alles ligt klaar voor mijn eerste werkdag", "...: cv in een mapje, mijn diploma"
         unless_after=r"^[^.!?]{{0,60}}\b(?:werkdag|eerste dag|sollicitatie[a-z]*|cv|diploma|"
                      r"interview|examen|lunchbox|badge|werkschoenen|werkkledij|boekentas|"
                      r"verhuis|verhuizing|opleiding|stage|jobbeurs)\b"),
    # "ik heb mijn spullen weggegeven": giving things away is a classic warning sign
    rule("gave_things_away",
         r"\b(?:mijn|al mijn|m) (?:spullen|bezittingen|dingen|kleren|boeken) (?:{A}){{0,2}}"
         r"(?:weggegeven|weggeschonken|verdeeld)\b"),
    # "ik heb (net) al mijn pillen genomen", "een hele doos slaappillen geslikt"
    rule("took_pills",
         r"\b(?:alle|veel|te veel|teveel|een (?:hele )?(?:doos|strip|pot|hoop|handvol)|al mijn|"
         r"een overdosis) (?:{A})?(?:pillen|medicatie|medicijnen|slaappillen|pijnstillers|tabletten)"
         r" (?:{A}){{0,2}}(?:genomen|ingenomen|geslikt|gepakt)\b"),
    # "ik kan niet meer." or "ik hou het niet meer vol" as the whole message: despair until the
    # client says otherwise ("ik kan niet meer werken zo" is about work and does not match).
    rule("cannot_go_on",
         r"^\W*(?:(?:{A}){{0,2}}(?:ik kan (?:het )?(?:{A})?niet meer(?: verder)?|ik hou het (?:{A})?niet "
         r"meer vol|ik trek het (?:{A})?niet meer))\W*$",
         negatable=False),
    # "ik ga hem vermoorden": danger to someone else, unless it is a condition ("als ...")
    rule("will_kill_someone",
         r"\bik (?:ga|zal) (?:hem|haar|ze|hen|die vent|die man|die vrouw|(?:mijn|m) [a-z]+) "
         r"(?:{A})?(?:vermoorden|doodmaken|dood maken|neersteken|iets aandoen|afmaken)\b",
         unless_after=r"^,? (?:als|indien|wanneer|zodra|mocht)\b"),
    rule("domestic_violence",
         r"\b(?:huiselijk geweld|partnergeweld|intrafamiliaal geweld|kindermishandeling|"
         r"seksueel geweld|seksueel misbruik|verkrachting|femicide)\b"),
]


# Rules that are also tried on the lemmas: those built around verbs whose inflections the
# text patterns cannot all list ("sneed", "kerfde", "sloegen", "verwondde"). The other rules
# stay on the text, because lemmatising undoes the surface forms that the figurative guards
# and negations rely on ("pure zelfmoord" -> "puur zelfmoord", "pleegde" -> "plegen").
LEMMA_RULE_NAMES = frozenset(
    "cut_burn_myself cut_body harm_body_object cut_me_present kill_myself hang_drown_me "
    "hang_me_up take_own_life harm_myself hurt_myself violence_present violence_no_subject "
    "threat_to_kill will_kill_me pills_hoarded jump_from_height jump_in_front jump_into_water "
    "place_then_jump head_against_wall strangled wrists".split()
)
LEMMA_RULES: list[Rule] = [r for r in RULES if r.name in LEMMA_RULE_NAMES]

# The tier of each rule (shared/CONTRACT.md: crisis_level). "possible": hopelessness, wanting
# to disappear, being a burden, a passive wish not to wake up; the bot first asks one direct
# question. Rules about danger from others are of the kind "violence" (112, then 1712).
# Every other rule is a clear risk to the client's own life; "ik ben niet veilig" and "ik ben
# in gevaar" stay there too: they answer the bot's own "ben je nu veilig?" after a referral.
POSSIBLE_RULES = frozenset({
    "if_only_dead", "better_if_gone", "not_wake_up", "fine_if_dead", "eternal_sleep",
    "cannot_see_it_anymore", "life_pointless", "no_reason_to_live", "nothing_makes_sense",
    "find_life_pointless", "nothing_keeps_me_here", "why_live", "tired_of_life", "never_born",
    "nobody_would_miss_me", "nobody_would_notice", "nobody_cares_if_i_live", "better_off_without_me",
    "without_me_better", "burden", "burden_tot_last", "burden_to_all", "soon_rid_of_me",
    "disappear_forever", "go_forever", "disappear_forever_before", "want_to_disappear",
    "stop_everything_for_good", "death_appeals", "no_way_out", "hope_accident", "want_it_to_stop",
    "cannot_go_on", "death_as_relief",
})
VIOLENCE_RULES = frozenset({
    "violence_present", "violence_no_subject", "hurt_by_partner_afraid", "followed_home", "break_in",
    "strangled", "thrown_against_wall", "smashing_at_home", "intruder", "pushed", "violence_past",
    "violence_passive", "threatened_passive", "threat_to_kill", "will_kill_me", "weapon_against_me",
    "fear_for_life", "afraid_to_go_home", "afraid_of_partner",
    "afraid_he_hurts_me", "death_threats", "domestic_violence", "will_kill_someone",
})


def tier_of(rule_name: str) -> tuple[str, str]:
    """(level, kind) of a rule's signal: level "clear" or "possible", kind "self" or "violence"."""
    if rule_name in VIOLENCE_RULES:
        return "clear", "violence"
    return ("possible" if rule_name in POSSIBLE_RULES else "clear"), "self"
assert len(LEMMA_RULES) == len(LEMMA_RULE_NAMES), "a lemma rule name does not exist"


# Figurative uses: phrases that contain crisis words but mean something ordinary. A rule
# match is dropped when it overlaps a guard. Idiom guards also reach a few words further
# within the same clause ("ik sneed me in mijn hand bij het koken"), but only for the rules
# they are about, so that "geslagen op het werk" stays a signal while "gesneden op het werk"
# is an accident.
@dataclass(frozen=True)
class Guard:
    name: str
    regex: re.Pattern
    reach: int = 0  # characters (same clause) between guard and match that it still covers
    rules: Optional[frozenset] = None  # rule names it applies to; None: all rules


_SELF_HARM_RULES = frozenset(
    "cut_burn_myself cut_body harm_body_object cut_me cut_me_present wounds hit_myself "
    "head_against_wall".split()
)
_VIOLENCE_RULES = frozenset(
    "violence_present violence_no_subject violence_past violence_passive threatened_passive "
    "pushed".split()
)
_JUMP_RULES = frozenset(
    "jump_from_height jump_in_front jump_into_water place_then_jump want_to_jump".split()
)


def guard(name: str, pattern: str, reach: int = 0, rules: Optional[Iterable[str]] = None) -> Guard:
    return Guard(name, _compile(pattern), reach, frozenset(rules) if rules else None)


FIGURATIVE_GUARDS: list[Guard] = [
    # "carrierezelfmoord", "sociale zelfmoord", "dat zou zelfmoord zijn om nu te stoppen"
    guard("figurative_suicide",
          r"\b(?:carriere|commerciele?|commercieel|politieke?|sociale?|sociaal|professionele?|"
          r"professioneel|financiele?|financieel|economische?|electorale?|electoraal|loopbaan|"
          r"job|zakelijke?|zakelijk|pure?|regelrechte?) ?zelfmoord\b"),
    guard("suicide_compound",
          r"\bzelfmoord(?:actie|acties|missie|missies|opdracht|aanslag|aanslagen|terrorist|"
          r"terroristen|commando|tactiek|rit|plan van)[a-z]*"),
    guard("suicide_as_verdict",
          r"\b(?:dat|dit|het) (?:is|was|zou|wordt|lijkt) (?:{A}){{0,2}}zelfmoord (?:zijn )?"
          r"(?:om|als|voor|met)\b|"
          # a verdict on a plan: "da's toch zelfmoord", "commercieel is dat zelfmoord",
          # "zelfmoord op sociale media is dat"
          r"\b(?:das|dat is|is dat|dat was|was dat|is het|dat zou) (?:{A}){{0,2}}zelfmoord\b"
          r"(?! (?:{A}){{0,3}}(?:voor mij|voor me|van mij)\b)|\bzelfmoord (?:op|in|voor) (?:{A}){{0,3}}is dat\b"),
    # prevention and professional interest: "werken in de zelfmoordpreventie",
    # "vrijwilliger bij de Zelfmoordlijn", "masterproef over suicidepreventie"
    guard("prevention",
          r"\b(?:zelfmoord|suicide|zelfdodings?)preventie[a-z]*|\bpreventie (?:van|rond) "
          r"(?:zelfmoord|zelfdoding|suicide)[a-z]*"),
    # working in the field (organisations and fields only, never the bare word: "ik werk
    # niet meer en denk over zelfmoord" is a signal)
    guard("professional_field",
          r"\b(?:werken|werk|werkt|werkte|vrijwillig[a-z]*|stage[a-z]*|opleiding[a-z]*|"
          r"cursus[a-z]*|vacature[a-z]*|hulpverlen[a-z]*|specialisatie|sector|solliciteer|"
          r"solliciteren|gesolliciteerd|solliciteerde|medewerkers?|job) (?:{W}){{0,3}}"
          r"(?:in|bij|rond|voor|tegen|met|van) (?:de |het )?"
          r"(?:zelfmoordlijn|zelfmoordpreventie|vertrouwenscentrum kindermishandeling|"
          r"huiselijk geweld|partnergeweld|"
          r"intrafamiliaal geweld|slachtoffers? van [a-z]+(?: [a-z]+)?|seksueel geweld)\b"),
    # studying, reading or hearing about the topic: "masterproef over zelfdoding bij jongeren",
    # "op de radio ging het over de cijfers van zelfdoding", "rouwverwerking na zelfdoding"
    guard("study_topic",
          r"\b(?:thesis|masterthesis|masterproef|scriptie|bachelorproef|onderzoek|paper|boek|"
          r"boeken|roman|film|films|serie|aflevering|artikel|documentaire|reportage|podcast|radio|"
          r"tv|televisie|nieuws|journaal|krant|les|lessen|lezing|presentatie|congres|cursus|"
          r"workshop|vorming|opleiding|module|e ?learning|training|casus|hoofdstuk|thema|"
          r"cijfers|statistieken|signalen|rouwverwerking|rouw|nabestaanden|taboe|"
          r"bespreekbaar (?:te )?maken) (?:{W}){{0,5}}(?:over|rond|omtrent|van|na) "
          r"(?:de |het )?(?:zelfdoding|zelfmoord|suicide|zelfverwonding|automutilatie|"
          r"huiselijk geweld|partnergeweld|seksueel geweld)[a-z]*"),
    # the topic across a population: "zelfverwonding bij tieners", "zelfdoding onder boeren"
    guard("population_topic",
          r"\b(?:zelfdoding|zelfmoord|suicide|zelfverwonding|automutilatie|zelfbeschadiging)"
          r"[a-z]* (?:bij|onder) (?:{A})?(?:jongeren|tieners|leerlingen|studenten|kinderen|"
          r"ouderen|mannen|vrouwen|boeren|landbouwers|werknemers|patienten|clienten|agenten|"
          r"artsen|zorgverleners|volwassenen|adolescenten|jongens|meisjes|holebi[a-z]*|"
          r"militairen|politiemensen)\b"),
    # someone else in a film, a book or a case: "de hoofdpersoon in die film pleegt
    # zelfmoord", "een man die van een brug wilde springen", "jongeren die zichzelf
    # snijden"; never "ik ben iemand die ..." and never harm done to the client
    guard("character_does",
          r"\b(?:hoofdpersoon|hoofdpersonage|personage|hoofdrolspeler|heldin|held|acteur|"
          r"actrice) (?:{A}){{0,5}}(?:pleegt|pleegde|pleegden|plegen) (?:{A}){{0,2}}"
          r"(?:zelfmoord|zelfdoding)\b|"
          r"(?<!\bben )(?<!\bwas )(?<!\bben echt )\b(?:een|die|de|het|veel|sommige|twee|drie) "
          r"(?:man|vrouw|jongen|meisje|jongere|persoon|klant|patient|client|collega|leerling|"
          r"student|tiener|mensen|jongeren|tieners|leerlingen|kinderen|patienten|clienten|"
          r"personen) die\b",
          reach=45, rules=_SELF_HARM_RULES | _JUMP_RULES | {"suicide_word", "self_harm_word"}),
    # "zichzelf" is someone else ("een klant dreigde zichzelf iets aan te doen", "jongeren
    # die zichzelf snijden"); the client about themselves says "mezelf", or "ik ben iemand
    # die zichzelf ..."
    guard("others_themselves",
          r"(?<!\bben iemand die )(?<!\bben een mens die )(?<!\bben echt iemand die )"
          r"\bzichzelf\b"),
    # professionals talk about clients: "suicidale patienten"
    guard("professional_clients",
          r"\bsuicid[a-z]* (?:patienten|patient|clienten|client|jongeren|jongere|personen|"
          r"persoon|mensen|mens|clienteel|doelgroep)\b"),
    # "mensen met zelfmoordgedachten helpen" (a job wish)
    guard("people_with",
          r"\b(?:mensen|personen|jongeren|clienten|patienten|kinderen|volwassenen|ouderen|"
          r"slachtoffers) (?:{A})?met (?:{A})?(?:suicid[a-z]*|zelfmoord[a-z]*|zelfdoding[a-z]*|"
          r"doodswens|zelfverwonding|automutilatie)"),
    # someone else's completed suicide ("mijn oom pleegde zelfmoord"): grief, not a signal
    # of the client's own thoughts; the client's own words after it are still checked
    guard("third_party_suicide",
          r"\b(?:hij|zij|(?:mijn|m|een|onze|zijn|haar) (?:[a-z]+ ){{0,2}}?(?:{HOME}|{WORKP}|"
          r"kennis|klasgenoot|leerling|buurjongen|buurmeisje|grootouder)(?: van (?:mij|me))?) "
          r"(?:{A}){{0,3}}(?:(?:pleegde|pleegden) (?:{A}){{0,2}}(?:zelfmoord|zelfdoding)\b|"
          r"(?:heeft|had|hebben) (?:{A}){{0,3}}(?:zelfmoord|zelfdoding|suicide) (?:gepleegd|begaan)|"
          r"(?:is|was|stierf) (?:{A}){{0,3}}(?:overleden|gestorven)? ?(?:door|na) (?:{A})?"
          r"(?:zelfmoord|zelfdoding|suicide)\b)"),
    # "de deadline hangt als een strop om mijn nek", "dan krijg ik de strop"
    guard("noose_figure",
          r"\b(?:als een (?:strop|touw)|(?:krijg|krijgt|kreeg|krijgen|geven|geeft|gaf) (?:{A})?"
          r"de strop)\b"),
    # "ik brand mezelf op" (burn-out), "ik kan mezelf wel voor de kop slaan"
    guard("burn_out",
          r"\b(?:brand|branden|brandde|brandt) (?:{A}){{0,2}}(?:mezelf|me|jezelf|je) (?:{A})?op\b|"
          r"opbranden|opgebrand"),
    guard("kick_myself",
          r"\b(?:mezelf|me|jezelf|je) (?:{A}){{0,2}}voor (?:de|het|mijn|m|je) (?:kop|hoofd|kanis) "
          r"(?:{A})?slaan\b"),
    # accidents: "ik sneed me in mijn vinger bij het koken", "gesneden aan een blad papier"
    guard("accident",
          r"\b(?:per ongeluk|bij het (?!snijden\b|krassen\b)[a-z]+en|bij het snijden van|"
          r"in (?:mijn|m|de) (?:vinger|duim|vingers)|aan (?:een|het|de)? ?(?:blad|papier|mes|"
          r"glas|scherpe|prikkeldraad|oven|pan|strijkijzer|kookplaat)|in de zon|(?:op|tijdens) "
          r"(?:het|de|een) (?:werk|werf|training|match|wedstrijd)|bij (?:de|het) (?:afwas|koken|"
          r"klussen|tuinieren))\b",
          reach=25, rules=_SELF_HARM_RULES),
    # "bij de teambuilding zal ik er niet meer zijn": absent from an occasion at work
    guard("absent_at_work",
          r"\b(?:bij|op|tijdens|na|in) (?:de |het |die |dat |onze |ons |mijn )?(?:teambuilding|"
          r"receptie|personeelsfeest|nieuwjaarsreceptie|kerstfeest|kerstdrink|jaarvergadering|"
          r"{WORK})\b",
          reach=30, rules={"not_be_there", "when_i_am_gone"}),
    # killing time: "de tijd doden", "ik sla de tijd dood"
    guard("killing_time",
          r"\b(?:de )?tijd (?:{A})?(?:dood|doden|te doden|doodslaan|doodgeslagen)\b"),
    # "ik val mijn collega's tot last" is about work
    guard("work_burden",
          r"\b(?:mijn|m|de|het|ons|onze) (?:{WORK}|{WORKP}) (?:{A})?tot last\b"),
    # "mijn baas slaat me altijd met cijfers om de oren", "de schrik sloeg me om het hart"
    guard("figurative_hit",
          r"\b(?:om de oren|om het hart|met verstomming|uit het lood)\b",
          reach=25, rules=_VIOLENCE_RULES),
    # "spring een gat in de lucht", "sprong van vreugde", "in het diepe springen"
    guard("joy_jump",
          r"\b(?:een gat in de lucht|van (?:vreugde|blijdschap|geluk|plezier)|in het diepe|"
          r"in de bres|op de kar|uit (?:mijn|m) vel)\b",
          reach=25, rules=_JUMP_RULES),
]


# --------------------------------------------------------------------------------------
# Negation
# --------------------------------------------------------------------------------------

# Words allowed between a negation and the crisis phrase it negates:
# "ik denk niet aan zelfmoord", "ik ben niet van plan om zelfmoord te plegen",
# "ik heb nooit echt aan zelfmoord gedacht". Other words (verbs, nouns) break the link:
# "ik kan niet slapen door zelfmoordgedachten" stays a signal.
_NEGATION_BRIDGE = {
    "aan", "over", "echt", "helemaal", "meer", "ooit", "eens", "al", "nog", "zo", "ook",
    "eigenlijk", "van", "plan", "om", "te", "hoor", "eraan", "daaraan", "een", "de", "het",
    "in", "met", "bezig", "serieus", "actief", "concreet", "me", "mij", "mezelf", "iets",
    "wat", "sprake", "zinnens", "zomaar", "persoonlijk", "per", "se", "zeker", "absoluut",
    "gedachten", "ik", "ben", "heb", "zou", "wil", "sterk", "direct", "meteen", "langer",
    "zin", "last", "enige", "enkele", "zelf", "vaak", "veel", "nu", "momenteel",
    "plannen", "intentie", "bedoeling", "behoefte", "neiging", "drang", "jezelf",
}
_NEGATION_WORDS = {"niet", "geen", "nooit", "never", "not", "no", "allerminst", "niks", "niets"}
_CLAUSE_BREAK = re.compile(r"[.,!?;:]|\b(?:maar|want|omdat|en|of|als|wanneer|hoewel|toch|wel)\b")
_NEGATION_AFTER = re.compile(
    r"^[?!.,]*\s*(?:nee|neen|nooit|zeker niet|absoluut niet|helemaal niet|geen sprake|"
    r"neenee|nope)\b|"
    r"^(?: [a-z]+){0,2} (?:denk|dacht|heb|had|wil|wou|ben|was|doe|deed|zou|pleeg|ga|overweeg|"
    r"plan|zit) ik (?:[a-z]+ ){0,2}(?:niet|nooit|geen)\b|"
    r"^ (?:meer )?(?:niet|nooit)\b|"
    r"^ (?:is|was|zou zijn|lijkt me|lijkt) (?:echt |absoluut |zeker |helemaal )?(?:geen|nooit|"
    r"niet) (?:een )?(?:optie|oplossing|keuze|uitweg)\b"
)


def _after_last(pattern: re.Pattern, text: str) -> str:
    """What follows the last match of `pattern` in `text` (all of it when there is none): the
    current clause or sentence up to a match."""
    last = None
    for last in pattern.finditer(text):
        pass
    return text[last.end():] if last is not None else text


def _negated(text: str, start: int, end: int) -> bool:
    before = _after_last(_CLAUSE_BREAK, text[max(0, start - 120):start])
    words = before.split()
    for i in range(len(words) - 1, max(-1, len(words) - 7), -1):
        if words[i] in _NEGATION_WORDS:
            if all(w in _NEGATION_BRIDGE for w in words[i + 1:]):
                return True
            break
    return bool(_NEGATION_AFTER.match(text[end:end + 80]))


_SELF_WORDS = re.compile(r"\b(?:ik|ikzelf|me|mij|mijn|mezelf|m)\b")
_SENTENCE_END = re.compile(r"[.!?]")


def _has_self(text: str, start: int, end: int) -> bool:
    left = _after_last(_SENTENCE_END, text[max(0, start - 200):start])
    right = text[end:end + 200]
    stop = _SENTENCE_END.search(right)
    if stop:
        right = right[:stop.start()]
    return bool(_SELF_WORDS.search(left + " " + text[start:end] + " " + right))


# Someone else as the subject of the clause ("mijn zus heeft een overdosis genomen", "een vriend
# dreigde van de brug te springen", "hij zegt dat hij zich van kant gaat maken"). Their risk is
# not the client's own: when no first person follows the subject before the end of the match,
# the rule stands back and the learned classifier decides. Danger from others keeps its rules
# ("mijn partner slaat de kinderen" is the client's danger too).
_THIRD_PERSON_SUBJECT = _compile(
    r"\b(?:hij|zij|iemand|(?:mijn|m|een|de|die|dat|onze|ons|zijn|haar|hun|je) (?:[a-z]+ ){{0,2}}?"
    r"(?:{HOME}|{WORKP}|vriend[a-z]*|collega[a-z]*|klant|client|patient|leerling|student|buur|"
    r"kennis|zanger|zangeres|acteur|actrice|man|vrouw|jongen|meisje|kind|zoon|dochter|"
    r"jongere|tiener|bewoner|persoon|gast|leerkracht|vader|moeder|ouder|oud-collega))\b"
)
_FIRST_PERSON = re.compile(r"\b(?:ik|ikzelf|me|mij|mezelf|m|k)\b")


def _someone_else(text: str, start: int, end: int) -> bool:
    """True when the clause of the match has another person as subject and no first person
    comes after that subject, up to the end of the match."""
    before = _after_last(_CLAUSE_BREAK, text[max(0, start - 160):start])
    subject = _THIRD_PERSON_SUBJECT.search(before)
    if subject is None:
        return False
    return not _FIRST_PERSON.search(before[subject.end():] + " " + text[start:end])


# The bare words of the topic ("zelfdoding", "overdosis", "huiselijk geweld") in a message about
# work, study or someone else ("als HR-adviseur begeleidde ik collega's na de zelfdoding van een
# collega"): the rule stands back unless the word is tied to the client ("mijn
# zelfmoordgedachten", "ik denk aan zelfmoord"); the learned classifier decides.
TOPIC_RULES = frozenset({"suicide_word", "self_harm_word", "overdose", "domestic_violence"})
_TOPIC_CONTEXT = _compile(
    r"\b(?:ik werk|ik werkte|werk ik|werkte ik|gewerkt|werkervaring|ervaring als|ervaring in|"
    r"ervaring met|als (?:[a-z]+ ){{0,2}}(?:vrijwilliger|begeleider|verpleegkundige|leerkracht|"
    r"student|teamleider|adviseur|consulent|therapeut|agent|inspecteur|cipier|militair|juriste?|"
    r"hulpverlener|opvoeder|werknemer)|vrijwilliger|stage|student|studeer|studie|opleiding|thesis|"
    r"masterproef|cursus|vorming|solliciteer|solliciteren|sollicitatie[a-z]*|vacature[a-z]*|"
    r"competentie[a-z]*|bijscholing|job|functie|cv|collega[a-z]*|clienten|client|patient[a-z]*|"
    r"leerling[a-z]*|klant[a-z]*|bewoners?|gedetineerden|jongeren|slachtoffers|nabestaanden|"
    r"studenten|tieners)\b"
)
_OWN_WORDS = {"mijn", "m", "mezelf", "zelf", "ons", "onze", "thuis"}
_OWN_VERBS = {"denk", "dacht", "heb", "had", "voel", "wil", "wou", "pleeg", "doe", "deed", "ben", "was",
              "zit", "word", "werd", "overweeg", "krijg", "kreeg", "kom", "kwam"}


def _tied_to_client(before: Sequence[str], after: Sequence[str]) -> bool:
    """"mijn zelfmoordgedachten", "ik denk aan zelfmoord", "dat ik aan zelfdoding denk", "ik ben
    slachtoffer van huiselijk geweld": the few words around the topic word."""
    if any(word in _OWN_WORDS for word in before):
        return True
    window = set(before) | set(after)
    return bool(window & {"ik", "k"}) and bool(window & _OWN_VERBS)


def _topic_talk(text: str, rule_: Rule, start: int, end: int) -> bool:
    if rule_.name not in TOPIC_RULES or not _TOPIC_CONTEXT.search(text):
        return False
    return not _tied_to_client(text[max(0, start - 80):start].split()[-6:], text[end:end + 40].split()[:3])


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


# --------------------------------------------------------------------------------------
# Evaluation (shared by tests/test_crisis_detection.py and tools/crisis_report.py)
# --------------------------------------------------------------------------------------

DEFAULT_EVAL_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "crisis_eval.yml"


@dataclass
class EvalResult:
    positives: int
    negatives: int
    misses: list[str] = field(default_factory=list)
    false_positives: list[tuple[str, CrisisSignal]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1.0 - len(self.misses) / self.positives if self.positives else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.negatives if self.negatives else 0.0

    def report(self) -> str:
        lines = [
            f"positives: {self.positives}  negatives: {self.negatives}",
            f"recall: {self.recall:.4f} ({self.positives - len(self.misses)}/{self.positives})",
            f"false-positive rate: {self.false_positive_rate:.4f} "
            f"({len(self.false_positives)}/{self.negatives})",
            f"misses ({len(self.misses)}):",
            *(f"  - {text}" for text in self.misses),
            f"false positives ({len(self.false_positives)}):",
            *(f"  - {text}  [{signal.pattern}: '{signal.phrase}' via {signal.source}]"
              for text, signal in self.false_positives),
        ]
        return "\n".join(lines)


def load_eval_set(path: Path = DEFAULT_EVAL_PATH) -> tuple[list[str], list[str]]:
    """Returns (positives, negatives) from the YAML evaluation set."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [str(t) for t in data["positives"]], [str(t) for t in data["negatives"]]


def evaluate(
    positives: Iterable[str],
    negatives: Iterable[str],
    lemmatize: Optional[Callable[[str], list[str]]] = None,
) -> EvalResult:
    """Runs `detect` on both sets; `lemmatize` (text -> lemmas) adds the lemma view."""
    positives, negatives = list(positives), list(negatives)
    result = EvalResult(positives=len(positives), negatives=len(negatives))
    for text in positives:
        if detect(text, lemmatize(text) if lemmatize else None) is None:
            result.misses.append(text)
    for text in negatives:
        signal = detect(text, lemmatize(text) if lemmatize else None)
        if signal is not None:
            result.false_positives.append((text, signal))
    return result


def offline_lemmatizer() -> Optional[Callable[[str], list[str]]]:
    """Lemmas from a blank Dutch spaCy pipeline with the lookup lemmatizer, as in the
    offline NLU pipeline (bot/nlu/offline_pipeline.py); None when spaCy or its lookup
    tables are not installed."""
    import warnings

    try:
        # spaCy's own imports raise deprecation warnings of its dependencies (pyparsing)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import spacy

            nlp = spacy.blank("nl")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
    except (ImportError, OSError, ValueError):  # spaCy or spacy-lookups-data missing
        return None

    def lemmatize(text: str) -> list[str]:
        return [token.lemma_ or token.text for token in nlp(text)]

    return lemmatize
