"""Shared by every topic with a form: a FormValidationAction whose validate_<slot> methods are
declared as a mapping slot -> validator instead of being written out one by one.

rasa_sdk's FormValidationAction finds the validator of a slot by name (`validate_<slot>`,
through getattr). TopicFormValidation writes those methods once, when a subclass is defined,
from the class's `slot_validators`; a slot that needs its own logic keeps an ordinary
`validate_<slot>` method next to the mapping.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Awaitable, Callable, ClassVar, Dict, Mapping, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.free_text import accept_or_reask, is_real_answer

# (slot, value, dispatcher, tracker, domain) -> the slots to set
SlotValidator = Callable[[Text, Any, CollectingDispatcher, Tracker, DomainDict], Dict[Text, Any]]


def free_text(slot: Text, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
    """A free-text answer: kept, asked again or skipped (bot/actions/free_text.py)."""
    return accept_or_reask(slot, value, tracker.get_slot("retries"), dispatcher)


def free_text_or_proposal(proposal_slot: Text) -> SlotValidator:
    """A free-text answer to a question that proposed values (held in `proposal_slot`): "ja,
    klopt" or "weet ik niet" takes the proposal, any other answer is a free-text answer."""

    def validate(slot: Text, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        proposal = tracker.get_slot(proposal_slot) or []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if proposal and (intent == "affirm" or not is_real_answer(value)):
            return {slot: ", ".join(proposal), "retries": 0}
        return free_text(slot, value, dispatcher, tracker, domain)

    return validate


def _method(slot: Text, validator: SlotValidator) -> Callable[..., Awaitable[Dict[Text, Any]]]:
    async def validate_slot(self: FormValidationAction, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validator(slot, value, dispatcher, tracker, domain)

    validate_slot.__name__ = f"validate_{slot}"
    validate_slot.__doc__ = validator.__doc__
    return validate_slot


class TopicFormValidation(FormValidationAction, ABC):
    """The validation action of a topic's form. `slot_validators` maps a slot to its validator
    (e.g. `free_text`); each becomes the `validate_<slot>` method rasa_sdk looks for."""

    slot_validators: ClassVar[Mapping[Text, SlotValidator]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for slot, validator in cls.__dict__.get("slot_validators", {}).items():
            method = _method(slot, validator)
            if method.__name__ in cls.__dict__:
                raise TypeError(f"{cls.__name__}: {slot!r} has both a validator in slot_validators and a {method.__name__} method")
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, method.__name__, method)

    @abstractmethod
    def name(self) -> Text:
        """validate_<form>: the action Rasa calls to validate the form's slots."""
