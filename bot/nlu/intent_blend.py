"""BlendedIntentClassifier: a logistic regression on the text, averaged with DIET.

Without pretrained Dutch word vectors (the offline pipeline has none) DIET and a logistic
regression on word pairs and character n-grams make different mistakes; their average scores
higher intent macro-F1 on the held-out split than either alone (docs/nlu/). This component
comes right after DIETClassifier (configure DIET with `ranking_length: 0` so that its whole
ranking is there) and replaces the intent and its ranking by

    weight * logistic regression + (1 - weight) * DIET

per intent. Messages without a DIET ranking get the logistic regression alone. The fallback
classifier and the crisis detector come after it and work on the blend.

The regression has its own TF-IDF features (words and word pairs, character n-grams within
words), so DIET keeps its smaller input (training time and memory of the Rasa server) while the
regression sees "niet goed" as something else than "goed". Its settings (C=10, char 2-5) were
chosen by 5-fold cross-validation on the training data only.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

WEIGHT = "weight"
FILE_NAME = "intent_regression.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlendedIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            WEIGHT: 0.5,
            "C": 10.0,
            "max_iter": 2000,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "skops"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        weight = config.get(WEIGHT, 0.5)
        if not 0.0 <= float(weight) <= 1.0:
            raise ValueError(f"{cls.__name__}: '{WEIGHT}' must be between 0 and 1, not {weight}")

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, model: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.validate_config(self.config)
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "BlendedIntentClassifier":
        return cls(config, model_storage, resource)

    def _new_model(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        words = TfidfVectorizer(
            analyzer="word", ngram_range=tuple(self.config["word_ngrams"]), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True
        )
        characters = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.config["char_ngrams"]), sublinear_tf=True)
        regression = LogisticRegression(
            C=float(self.config["C"]), class_weight="balanced", max_iter=int(self.config["max_iter"]), random_state=42
        )
        return make_pipeline(make_union(words, characters), regression)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if not examples:
            logger.debug("BlendedIntentClassifier: no intent examples, nothing to train")
            return self._resource
        model = self._new_model()
        model.fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        self.model = model
        self.persist()
        return self._resource

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / FILE_NAME)

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any
    ) -> "BlendedIntentClassifier":
        import skops.io as sio

        model: Optional[Any] = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / FILE_NAME
                # Our own file, written by `persist` into the model archive we trained.
                model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        except ValueError:
            logger.warning("BlendedIntentClassifier: no trained regression in the model; DIET decides alone")
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if not messages or self.model is None:
            return messages
        probabilities = self.model.predict_proba([message.get(TEXT) or "" for message in messages])
        classes = self.model.classes_
        weight = float(self.config[WEIGHT])
        for message, row in zip(messages, probabilities):
            earlier = {
                entry[INTENT_NAME_KEY]: entry[PREDICTED_CONFIDENCE_KEY]
                for entry in message.get(INTENT_RANKING_KEY) or []
            }
            blended = blend(dict(zip(classes, row)), earlier, weight)
            ranking = [
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                for name, confidence in sorted(blended.items(), key=lambda item: -item[1])
            ]
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def blend(own: Dict[str, float], earlier: Dict[str, float], weight: float) -> Dict[str, float]:
    """Per intent `weight * own + (1 - weight) * earlier`; `own` alone when there is no earlier
    ranking. Intents only one side knows count as 0 on the other side."""
    if not earlier:
        return {name: float(value) for name, value in own.items()}
    names = set(own) | set(earlier)
    return {name: weight * float(own.get(name, 0.0)) + (1.0 - weight) * float(earlier.get(name, 0.0)) for name in names}
