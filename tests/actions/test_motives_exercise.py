"""Words both lexicons know ("zelfstandigheid") count for the exercise they answer."""
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.motives import ActionProposeMotives
from bot.actions.qualities import ActionProposeQualities
from tests.actions.conftest import DOMAIN


async def proposed(action, tracker):
    events = await action.run(CollectingDispatcher(), tracker, DOMAIN)
    return [point["value"] for point in events[0]["value"]]


async def test_a_top_three_with_a_word_qualities_share_keeps_all_three(make_tracker):
    tracker = make_tracker({
        "motive_energisers": "zelf mijn dag plannen", "motive_drainers": "altijd moeten wachten op anderen",
        "motive_values": "zelfstandigheid, zekerheid en mensen helpen",
    })
    assert await proposed(ActionProposeMotives(), tracker) == ["autonomie", "zekerheid", "anderen helpen"]


async def test_the_same_word_in_the_qualities_exercise_is_a_quality(make_tracker):
    tracker = make_tracker({
        "quality_situation": "ik heb een project alleen afgewerkt", "quality_action": "ik plande alles zelf",
        "quality_words": "zelfstandigheid",
    })
    assert (await proposed(ActionProposeQualities(), tracker))[0] == "zelfstandig"
