"""CrisisDetector: the single authority on the NLU intent `crisis`.

Placed LAST in the NLU pipeline (after DIETClassifier and FallbackClassifier). For every
message it runs the rule-based detector in `bot.nlu.crisis_patterns` on the text and on the
spaCy lemmas of its tokens:

- when a crisis signal is found, the intent becomes `crisis` with confidence 1.0, `crisis`
  goes first in the intent ranking, and the parse result gets a `crisis_signal` property
  (the name of the rule that fired);
- when no signal is found, any `crisis` prediction of the classifier is removed: the intent
  becomes the next-best non-crisis intent of the ranking, or `nlu_fallback` when that one is
  missing or below `fallback_threshold`. The classifier's `crisis` examples exist only so
  that the intent is known to the model; they never decide on their own.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import crisis_patterns

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
CRISIS_SIGNAL_PROPERTY = "crisis_signal"
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
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: the training data passes unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of each message with `crisis` when a signal is found."""
        for message in messages:
            try:
                signal = crisis_patterns.detect(_text(message), _lemmas(message))
            except Exception:  # never lose a message to a detector bug; fail towards safety
                logger.exception("Crisis detection failed; treating the message as a crisis.")
                signal = crisis_patterns.CrisisSignal(
                    phrase="", pattern="detector_error", source="error"
                )
            if signal is not None:
                self._set_crisis(message, signal)
            else:
                self._remove_crisis(message)
        return messages

    @staticmethod
    def _set_crisis(message: Message, signal: crisis_patterns.CrisisSignal) -> None:
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != CRISIS_INTENT
        ]
        message.set(INTENT, dict(crisis), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(crisis)] + ranking, add_to_output=True)
        message.set(CRISIS_SIGNAL_PROPERTY, signal.pattern, add_to_output=True)
        logger.debug("Crisis signal '%s' (%s)", signal.pattern, signal.source)

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
