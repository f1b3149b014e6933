"""A message without words (the nasty set's empty and whitespace entries) has no features; the
intent blend (bot/nlu/intent_blend.py) made scikit-learn fail on it, so Rasa answered nothing.
Now such a message keeps DIET's intent, and one with words in the same batch is blended."""
from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from bot.nlu.intent_blend import BlendedIntentClassifier


class Blend:
    """The component's own process(), on a fitted logistic regression, without Rasa's storage."""

    process = BlendedIntentClassifier.process
    _create_X = BlendedIntentClassifier._create_X

    def __init__(self) -> None:
        self.config = {"weight": 0.5, "ranking_length": 10}
        self.clf = LogisticRegression().fit(np.array([[1, 0], [0, 1]]), ["greet", "goodbye"])


def diet_says(message: Message, intent: str) -> Message:
    message.set(INTENT, {"name": intent, "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.6}])
    return message


def test_a_message_without_words_keeps_diets_intent_and_the_batch_goes_on():
    blank = diet_says(Message(data={TEXT: ""}), "nlu_fallback")
    words = diet_says(Message(data={TEXT: "hallo"}), "greet")
    words.add_features(Features(csr_matrix([[1.0, 0.0]]), FEATURE_TYPE_SENTENCE, TEXT, "CountVectorsFeaturizer"))

    assert Blend().process([blank, words]) == [blank, words]
    assert blank.get(INTENT)["name"] == "nlu_fallback"
    assert words.get(INTENT)["name"] == "greet"
    assert {entry["name"] for entry in words.get(INTENT_RANKING_KEY)} == {"greet", "goodbye"}
    assert Blend().process([blank]) == [blank]
