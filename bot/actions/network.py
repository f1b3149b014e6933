"""The network exercise (netwerken): people per circle -> who can help with what -> one person
to contact this week -> the first message, drafted together."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.form_validation import TopicFormValidation, free_text
from bot.actions.free_text import SKIPPED, accept_or_reask
from bot.actions.review import start_review
from bot.actions.wording import join_dutch
from bot.dutch.contacts import find_contacts
from bot.dutch.dates import today_in_brussels

MAX_CHOICE_BUTTONS = 6
QUOTES = "\"'“”‘’„"


def _contacts(tracker: Tracker) -> List[Dict[str, Any]]:
    return list(tracker.get_slot("network_contacts") or [])


def _names(tracker: Tracker) -> List[str]:
    return [contact["name"] for contact in _contacts(tracker)]


class ValidateNetworkForm(TopicFormValidation):
    slot_validators = {"network_choice": free_text, "network_message": free_text}

    def name(self) -> Text:
        return "validate_network_form"

    async def validate_network_people(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result = accept_or_reask("network_people", value, tracker.get_slot("retries"), dispatcher)
        text = result.get("network_people")
        if text and text != SKIPPED:
            found = find_contacts(text, tracker.latest_message.get("entities") or [])
            result["network_contacts"] = [{**contact.as_payload(), "label": contact.label()} for contact in found]
        return result

    async def validate_network_help(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result = accept_or_reask("network_help", value, tracker.get_slot("retries"), dispatcher)
        text = result.get("network_help")
        if text and text != SKIPPED:
            contacts = _contacts(tracker)
            known = {contact["name"].lower(): contact for contact in contacts}
            for contact in find_contacts(text, tracker.latest_message.get("entities") or []):
                # Someone new in this answer joins the list; someone known gets the help noted.
                entry = known.get(contact.name.lower())
                if entry is None:
                    contacts.append({**contact.as_payload(), "label": contact.label(), "help": text[:300]})
                else:
                    entry["help"] = text[:300]
            result["network_contacts"] = contacts
        return result


class ActionAskNetworkHelp(Action):
    def name(self) -> Text:
        return "action_ask_network_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        names = _names(tracker)
        if names:
            dispatcher.utter_message(response="utter_ask_network_help_named", names=join_dutch(names))
        else:
            dispatcher.utter_message(response="utter_ask_network_help")
        return []


class ActionAskNetworkChoice(Action):
    def name(self) -> Text:
        return "action_ask_network_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        buttons = [{"title": name, "payload": name} for name in _names(tracker)[:MAX_CHOICE_BUTTONS]]
        dispatcher.utter_message(response="utter_ask_network_choice", buttons=buttons)
        return []


class ActionAskNetworkMessage(Action):
    def name(self) -> Text:
        return "action_ask_network_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        choice = tracker.get_slot("network_choice")
        name = choice if choice and choice != SKIPPED else "die persoon"
        dispatcher.utter_message(response="utter_ask_network_message", name=name.strip()[:80])
        return []


class ActionProposeNetwork(Action):
    """Contacts and the chosen contact action become points to confirm, edit or drop."""

    def name(self) -> Text:
        return "action_propose_network"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        sentence = tracker.get_slot("network_people") or ""
        points: List[Dict[str, Any]] = []
        for contact in _contacts(tracker):
            payload = {key: contact.get(key) for key in ("name", "organisation", "circle", "help")}
            points.append({"category": "network", "kind": "contact", "value": contact.get("label") or contact["name"], "sentence": sentence, "contact": payload})
        choice, message = tracker.get_slot("network_choice"), tracker.get_slot("network_message")
        if choice and choice != SKIPPED:
            text = f"Deze week {choice.strip()[:80]} contacteren"
            if message and message != SKIPPED:
                # In quotes: the message keeps its own punctuation ("koffie?") and the
                # sentences around the point ("...: {value}. Klopt dat?") stay readable.
                text += f' met dit bericht: "{message.strip().strip(QUOTES)[:300]}"'
            end_of_week = today_in_brussels() + timedelta(days=6 - today_in_brussels().weekday())
            points.append({"category": "action", "kind": "action", "value": text, "sentence": message or "", "action": {"due_date": end_of_week.isoformat(), "measure": "bericht verstuurd", "source": "netwerk"}})
        return start_review(dispatcher, points)
