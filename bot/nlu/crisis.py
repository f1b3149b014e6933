"""CrisisDetector: the single authority on the NLU intent `crisis`.

Placed LAST in the NLU pipeline (after DIETClassifier and FallbackClassifier). For every
message it runs the rule-based detector in `bot.nlu.crisis_patterns` on the text and on the
spaCy lemmas of its tokens, and the learned classifier of `bot.nlu.crisis_classifier` on the
text; either one finding risk is enough:

- when a crisis signal is found, the intent becomes `crisis` with confidence 1.0, `crisis`
  goes first in the intent ranking, and the parse result gets the properties `crisis_signal`
  (the rule that fired, or "classifier"), `crisis_level` ("clear" or "possible",
  shared/CONTRACT.md) and `crisis_kind` ("self" or "violence"). The dialogue tells the tiers
  apart by an entity: `crisis_possible` (ask one direct question first) or `crisis_violence`
  (danger from others: 112, then 1712); a clear risk to the client's own life has neither;
- when no signal is found, any `crisis` prediction of the classifier is removed: the intent
  becomes the next-best non-crisis intent of the ranking, or `nlu_fallback` when that one is
  missing or below `fallback_threshold`. The classifier's `crisis` examples exist only so
  that the intent is known to the model; they never decide on their own.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import crisis_classifier, crisis_patterns

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
CRISIS_SIGNAL_PROPERTY = "crisis_signal"
CRISIS_LEVEL_PROPERTY = "crisis_level"
CRISIS_KIND_PROPERTY = "crisis_kind"
# Entities by which the rules tell the tiers apart (bot/data/rules/crisis.yml).
# Danger from others is always "clear" (crisis_patterns.tier_of, crisis_classifier.decide).
TIER_ENTITIES = {("possible", "self"): "crisis_possible", ("clear", "violence"): "crisis_violence"}
FALLBACK_THRESHOLD_KEY = "fallback_threshold"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(GraphComponent, IntentClassifier):
    """Sets the intent `crisis` (confidence 1.0) exactly when a crisis signal is found."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Runs after an intent classifier, whose prediction it may replace."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # When the classifier predicted `crisis` without a signal, the next-best intent
            # replaces it only if its confidence reaches this threshold; otherwise the
            # message gets `nlu_fallback`. Keep it equal to the FallbackClassifier's
            # threshold in config.yml.
            FALLBACK_THRESHOLD_KEY: 0.5,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Constructs the detector."""
        self.component_config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisDetector:
        """Creates a new component (see parent class for full docstring)."""
        # The learned classifier is fitted here, at the server's start, not in the first turn.
        crisis_classifier.shared()
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: the training data passes unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of each message with `crisis` when a signal is found."""
        for message in messages:
            try:
                finding = assess(_text(message), _lemmas(message))
            except Exception:  # never lose a message to a detector bug; fail towards safety
                logger.exception("Crisis detection failed; treating the message as a crisis.")
                finding = Finding(signal="detector_error", level="clear", kind="self")
            if finding is not None:
                self._set_crisis(message, finding)
            else:
                self._remove_crisis(message)
        return messages

    @staticmethod
    def _set_crisis(message: Message, finding: "Finding") -> None:
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != CRISIS_INTENT
        ]
        message.set(INTENT, dict(crisis), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(crisis)] + ranking, add_to_output=True)
        message.set(CRISIS_SIGNAL_PROPERTY, finding.signal, add_to_output=True)
        message.set(CRISIS_LEVEL_PROPERTY, finding.level, add_to_output=True)
        message.set(CRISIS_KIND_PROPERTY, finding.kind, add_to_output=True)
        entity = TIER_ENTITIES.get((finding.level, finding.kind))
        entities = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) not in TIER_ENTITIES.values()]
        if entity:
            text = _text(message)
            entities.append({
                ENTITY_ATTRIBUTE_TYPE: entity, ENTITY_ATTRIBUTE_VALUE: finding.level,
                ENTITY_ATTRIBUTE_START: 0, ENTITY_ATTRIBUTE_END: len(text), EXTRACTOR: "CrisisDetector",
            })
        message.set(ENTITIES, entities, add_to_output=True)
        logger.debug("Crisis signal '%s': %s, %s", finding.signal, finding.level, finding.kind)

    def _remove_crisis(self, message: Message) -> None:
        ranking = message.get(INTENT_RANKING_KEY)
        intent = message.get(INTENT)
        predicted = (intent or {}).get(INTENT_NAME_KEY)
        if ranking:
            kept = [e for e in ranking if e.get(INTENT_NAME_KEY) != CRISIS_INTENT]
            if len(kept) != len(ranking):
                message.set(INTENT_RANKING_KEY, kept, add_to_output=True)
            ranking = kept
        if predicted != CRISIS_INTENT:
            return
        replacement = self._next_best(ranking or [])
        message.set(INTENT, replacement, add_to_output=True)
        if not ranking or ranking[0].get(INTENT_NAME_KEY) != replacement[INTENT_NAME_KEY]:
            message.set(INTENT_RANKING_KEY, [dict(replacement)] + list(ranking or []),
                        add_to_output=True)

    def _next_best(self, ranking: List[Dict[Text, Any]]) -> Dict[Text, Any]:
        threshold = float(self.component_config[FALLBACK_THRESHOLD_KEY])
        for entry in ranking:
            name = entry.get(INTENT_NAME_KEY)
            if not name or name == CRISIS_INTENT:
                continue
            if name == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                return dict(entry)
            confidence = entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if confidence >= threshold:
                return dict(entry)
            break
        return {
            INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
            PREDICTED_CONFIDENCE_KEY: threshold,
        }


@dataclass(frozen=True)
class Finding:
    signal: str  # the rule that fired, "classifier" or "detector_error"
    level: str  # "clear" or "possible"
    kind: str  # "self" or "violence"


def assess(text: str, lemmas: Optional[List[str]] = None) -> Optional[Finding]:
    """Risk in one message: the rules first (they name what they found), then the classifier."""
    signal = crisis_patterns.detect(text, lemmas)
    classifier = crisis_classifier.shared()
    probabilities = classifier.risk_probabilities([text])[0]
    if signal is not None:
        level, kind = crisis_patterns.tier_of(signal.pattern)
        # "mijn ex dreigt me iets aan te doen" fires a rule written for "ik doe me iets aan":
        # the classifier tells whose hand it is.
        if kind == "self" and probabilities.get(crisis_classifier.VIOLENCE, 0.0) >= 0.5:
            level, kind = "clear", "violence"
        return Finding(signal.pattern, level, kind)
    learned = crisis_classifier.decide(probabilities, classifier.threshold)
    if learned is not None:
        return Finding("classifier", learned.level, learned.kind)
    return None


def crisis_part(text: str, size: int) -> Optional[str]:
    """The first piece of at most `size` characters of `text` in which risk is found, or None.

    For the channels' guards (bot/channels/): a message too long for the NLU, or beyond the
    rate limit, still reaches the crisis answer when it carries a signal."""
    if not isinstance(text, str) or not text.strip():
        return None
    step = max(1, size // 2)  # overlapping pieces: a signal on a border is in one of them
    for start in range(0, max(1, len(text) - size + step), step):
        piece = text[start:start + size]
        if assess(piece) is not None:
            return piece
    return None


def _text(message: Message) -> str:
    text = message.get(TEXT)
    return text if isinstance(text, str) else ""


def _lemmas(message: Message) -> Optional[List[str]]:
    tokens = message.get(TOKENS_NAMES[TEXT])
    if not tokens:
        return None
    lemmas = []
    for token in tokens:
        lemma = getattr(token, "lemma", None) or getattr(token, "text", None)
        if isinstance(lemma, str) and lemma:
            lemmas.append(lemma)
    return lemmas or None
