"""Rasa's SpacyNLP, loading nl_core_news_sm when installed and the offline pipeline otherwise.

The class keeps the name `SpacyNLP` on purpose: Rasa's recipe wires SpacyTokenizer and
SpacyFeaturizer to their model provider by that class name.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils import spacy_utils
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import offline_pipeline

logger = logging.getLogger(__name__)

PIPELINE_PROPERTY = "spacy_pipeline"


@functools.lru_cache(maxsize=4)
def load_dutch_pipeline(model_name: Text, offline_path: Path) -> spacy_utils.SpacyModel:
    """Loads `model_name`; falls back to the offline pipeline with one warning line.

    Loaded once per process: Rasa creates this component twice for a model (the node that
    provides the pipeline and the node that runs it), and a second copy cost 83 MiB and 2.5 s
    of the Rasa server's start. The pipeline is only read once loaded."""
    try:
        return spacy_utils.SpacyNLP.load_model(model_name)
    except InvalidModelError:
        import spacy

        logger.warning(
            "spaCy pipeline '%s' is not installed; using the offline Dutch pipeline "
            "(tokens and lookup lemmas only) from %s.",
            model_name,
            offline_path,
        )
        nlp = spacy.load(offline_pipeline.ensure(offline_path))
        return spacy_utils.SpacyModel(model=nlp, model_name=offline_pipeline.OFFLINE_NAME)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """Provides nl_core_news_sm, or the offline Dutch pipeline where it is missing."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **spacy_utils.SpacyNLP.get_default_config(),
            "offline_path": str(offline_pipeline.DEFAULT_PATH),
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        model = load_dutch_pipeline(config.get("model"), Path(config["offline_path"]))
        cls.ensure_proper_language_model(model.model)
        logger.info("spaCy pipeline in use: %s", model.model_name)
        return cls(model, config)

    def process(self, messages: List[Message], model: spacy_utils.SpacyModel) -> List[Message]:
        messages = super().process(messages, model)
        # Exposed in every parse result so that the backend's status page can show it.
        for message in messages:
            message.set(PIPELINE_PROPERTY, model.model_name, add_to_output=True)
        return messages
