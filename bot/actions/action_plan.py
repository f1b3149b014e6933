"""The action plan (POP, loopbaansturing): turning an insight into a SMART action, and following
up open actions and homework (done, not yet, blocked and why). The homework reminder that the
backend's scheduler sends is in bot/actions/reminders.py."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.dutch import smart
from bot.dutch.dates import today_in_brussels
from bot.dutch.deadlines import parse_deadline
from contract import MONTH_NAMES
from bot.actions import dossier
from bot.actions.form_validation import TopicFormValidation, free_text
from bot.actions.free_text import SKIPPED, accept_or_reask
from bot.actions.review import start_review

MAX_LISTED = 5


def format_due(due: Optional[str]) -> str:
    if not due:
        return "geen datum"
    year, month, day = (int(part) for part in due.split("-"))
    return f"{day} {MONTH_NAMES[month - 1]}" + ("" if year == today_in_brussels().year else f" {year}")


class ValidateActionForm(TopicFormValidation):
    """Asks only for the SMART parts the client's action is missing."""

    slot_validators = {"action_measure": free_text}

    def name(self) -> Text:
        return "validate_action_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Text]:
        text = tracker.get_slot("action_text")
        if not text or text == SKIPPED:
            return ["action_text"]
        check = smart.check(text)
        needed = ["action_text"]
        if check.deadline is None:
            needed.append("action_deadline")
        if not check.measurable:
            needed.append("action_measure")
        return needed

    async def validate_action_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result = accept_or_reask("action_text", value, tracker.get_slot("retries"), dispatcher)
        text = result.get("action_text")
        if text and text != SKIPPED and not smart.check(text).specific and int(tracker.get_slot("retries") or 0) == 0:
            # One nudge towards a concrete step; a second vague answer is accepted as it is.
            dispatcher.utter_message(response="utter_action_too_vague")
            return {"action_text": None, "retries": 1}
        return result

    async def validate_action_deadline(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        due = parse_deadline(value) if isinstance(value, str) else None
        if due is not None:
            return {"action_deadline": due.isoformat(), "retries": 0}
        tries = int(tracker.get_slot("retries") or 0) + 1
        if tries >= 2:
            dispatcher.utter_message(response="utter_offer_skip")
            return {"action_deadline": SKIPPED, "retries": 0}
        dispatcher.utter_message(response="utter_deadline_not_understood")
        return {"action_deadline": None, "retries": tries}


class ActionProposeAction(Action):
    def name(self) -> Text:
        return "action_propose_action"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        text = tracker.get_slot("action_text")
        if not text or text == SKIPPED:
            return start_review(dispatcher, [])
        deadline = tracker.get_slot("action_deadline")
        due = parse_deadline(text)
        due_iso = due.isoformat() if due else (deadline if deadline and deadline != SKIPPED else None)
        measure = tracker.get_slot("action_measure")
        value = text.strip()[:400] + (f" (tegen {format_due(due_iso)})" if due_iso and not due else "")
        point = {
            "category": "action",
            "kind": "action",
            "value": value,
            "sentence": text,
            "action": {"due_date": due_iso, "measure": measure if measure and measure != SKIPPED else None, "source": None},
        }
        return start_review(dispatcher, [point])


def _listing(actions: List[Dict[str, Any]]) -> str:
    lines = []
    for number, action in enumerate(actions[:MAX_LISTED], start=1):
        homework = " (huistaak)" if action.get("is_homework") else ""
        lines.append(f"{number}. {action['text']}{homework}, tegen {format_due(action.get('due_date'))}")
    return "\n".join(lines)


def _words(text: str) -> set:
    return {word.strip(".,!?'\"").lower() for word in text.split() if len(word.strip(".,!?'\"")) >= 3}


def _best_match(actions: List[Dict[str, Any]], text: str) -> Optional[Dict[str, Any]]:
    """The open action the client means: the only one, or the one sharing the most words
    (names count: "ik heb Wim gebeld" is "Wim bellen"); None when that is not clear."""
    if len(actions) == 1:
        return actions[0]
    words = _words(text)
    scored = sorted(((len(words & _words(a["text"])), a) for a in actions), key=lambda pair: -pair[0])
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


class ActionListActions(Action):
    def name(self) -> Text:
        return "action_list_actions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        actions = await dossier.open_actions(tracker.sender_id) or []
        if not actions:
            dispatcher.utter_message(response="utter_no_open_actions")
            return []
        dispatcher.utter_message(response="utter_open_actions", actions=_listing(actions))
        return [SlotSet("reported_action", actions[0])]


async def _reported_action(tracker: Tracker, dispatcher: CollectingDispatcher) -> Optional[Dict[str, Any]]:
    """The action the client reports on; says what is unclear when it cannot tell."""
    actions = await dossier.open_actions(tracker.sender_id) or []
    text = tracker.latest_message.get("text") or ""
    listed = tracker.get_slot("reported_action")
    if text.startswith("/") and listed and any(a["id"] == listed.get("id") for a in actions):
        return listed
    match = _best_match(actions, text)
    if match is None:
        if actions:
            dispatcher.utter_message(response="utter_which_action", actions=_listing(actions))
        else:
            dispatcher.utter_message(response="utter_no_open_actions")
    return match


class ActionMarkActionDone(Action):
    def name(self) -> Text:
        return "action_mark_action_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        action = await _reported_action(tracker, dispatcher)
        if action is None:
            return [SlotSet("reported_action", None)]
        await dossier.update_action(tracker.sender_id, action["id"], "done")
        dispatcher.utter_message(response="utter_action_done", action=action["text"])
        return [SlotSet("reported_action", None)]


class ActionMarkActionNotYet(Action):
    def name(self) -> Text:
        return "action_mark_action_not_yet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        action = await _reported_action(tracker, dispatcher)
        if action is not None:
            dispatcher.utter_message(response="utter_action_not_yet", action=action["text"], due=format_due(action.get("due_date")))
        return [SlotSet("reported_action", None)]


class ActionMarkActionBlocked(Action):
    """Runs after the obstacle form: the action is blocked, with the client's reason."""

    def name(self) -> Text:
        return "action_mark_action_blocked"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        action = tracker.get_slot("reported_action") or await _reported_action(tracker, dispatcher)
        obstacle = tracker.get_slot("action_obstacle")
        if action is not None:
            reason = obstacle if obstacle and obstacle != SKIPPED else None
            await dossier.update_action(tracker.sender_id, action["id"], "blocked", reason)
            dispatcher.utter_message(response="utter_action_blocked")
        return [SlotSet("reported_action", None), SlotSet("action_obstacle", None)]


class ValidateObstacleForm(TopicFormValidation):
    slot_validators = {"action_obstacle": free_text}

    def name(self) -> Text:
        return "validate_obstacle_form"
