"""Quality and motive entities from the lexicons (bot/dutch/lexicon.py), after DIET in the pipeline.

For the entity types `quality` and `motive` the lexicon is the only authority:
- DIET's quality/motive entities are removed: the lexicon's filters (negation, things said
  of others, "eerlijk gezegd", job titles) would otherwise be undone by the model, which
  cost 0.07 precision on the extraction set (docs/extraction.md);
- lexicon matches are added with the canonical value; a negated match ("geen geduld")
  gets the role `growth` (a point to grow on, not a quality or motive the client has).
Other entities (person, organisation, ...) pass through, except a person or organisation that
is only an answer word: DIET reads the capital of a typed button title ("Nee, niet wissen",
"Ja, dat mag") as a name now and then, depending on the training run.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_ROLE,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dutch import lexicon

logger = logging.getLogger(__name__)

LEXICON_ENTITIES = (lexicon.QUALITY, lexicon.MOTIVE)
GROWTH_ROLE = "growth"
CONFIDENCE_ENTITY = "confidence_entity"
NAME_ENTITIES = ("person", "organisation")
# Words that start an answer or a button title and are never a name on their own.
ANSWER_WORDS = frozenset(
    "ja jaa jawel jep yes nee neen nope no ok oke okay oké goed prima top dank bedankt merci "
    "hallo hoi hey dag salut doei stop alles niets niks misschien".split()
)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Sets quality and motive entities from the Dutch lexicons."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconEntityExtractor:
        # Load the lexicons now: a broken lexicon file fails at start-up, not per message.
        lexicon.warm_up()
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            entities = self._merge(message.get(ENTITIES) or [], text, _lemmas(message))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def _merge(
        self, entities: List[Dict[Text, Any]], text: Text, lemmas: Optional[List[Text]]
    ) -> List[Dict[Text, Any]]:
        matches = lexicon.extract(text, lemmas)
        kept = []
        for entity in entities:
            if entity.get(EXTRACTOR) == self.name:
                continue  # processed before: replaced below
            if entity.get(ENTITY_ATTRIBUTE_TYPE) in LEXICON_ENTITIES or _answer_word_as_name(entity):
                continue
            kept.append(entity)
        added = [self._entity(match) for match in matches]
        return sorted(kept + added, key=lambda entity: entity.get(ENTITY_ATTRIBUTE_START) or 0)

    def _entity(self, match: lexicon.Match) -> Dict[Text, Any]:
        entity = {
            ENTITY_ATTRIBUTE_TYPE: match.entity,
            ENTITY_ATTRIBUTE_VALUE: match.value,
            ENTITY_ATTRIBUTE_START: match.start,
            ENTITY_ATTRIBUTE_END: match.end,
            CONFIDENCE_ENTITY: 1.0,
            EXTRACTOR: self.name,
        }
        if match.negated:
            entity[ENTITY_ATTRIBUTE_ROLE] = GROWTH_ROLE
        return entity


def _answer_word_as_name(entity: Dict[Text, Any]) -> bool:
    value = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or "").strip(" ,.!?").lower()
    return entity.get(ENTITY_ATTRIBUTE_TYPE) in NAME_ENTITIES and value in ANSWER_WORDS


def _lemmas(message: Message) -> Optional[List[Text]]:
    tokens = message.get(TOKENS_NAMES[TEXT])
    if not tokens:
        return None
    return [getattr(token, "lemma", None) or getattr(token, "text", "") for token in tokens]
