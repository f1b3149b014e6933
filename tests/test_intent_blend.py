"""The intent blend of DIET and logistic regression (bot/nlu/intent_blend.py)."""
import pytest

from bot.nlu.intent_blend import BlendedIntentClassifier, blend


def test_the_blend_averages_both_rankings_with_the_weight():
    own = {"mood_good": 0.8, "mood_bad": 0.2}
    earlier = {"mood_good": 0.3, "mood_bad": 0.6, "affirm": 0.1}
    blended = blend(own, earlier, 0.5)
    assert blended == pytest.approx({"mood_good": 0.55, "mood_bad": 0.4, "affirm": 0.05})
    assert max(blended, key=blended.get) == "mood_good"


def test_a_low_weight_lets_the_earlier_classifier_decide():
    blended = blend({"greet": 0.9, "goodbye": 0.1}, {"greet": 0.2, "goodbye": 0.8}, 0.25)
    assert max(blended, key=blended.get) == "goodbye"


def test_without_an_earlier_ranking_the_own_one_counts_alone():
    assert blend({"thank": 0.7, "affirm": 0.3}, {}, 0.5) == pytest.approx({"thank": 0.7, "affirm": 0.3})


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_a_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(ValueError):
        BlendedIntentClassifier.validate_config({"weight": weight})


def test_the_regression_trains_saves_loads_and_recognises_a_negation(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    good = ["het gaat goed", "ik voel me goed", "goed vandaag", "heel goed", "alles goed", "prima goed"]
    bad = ["niet goed", "het gaat niet goed", "ik voel me niet goed", "helemaal niet goed", "niet zo goed", "slecht"]
    data = TrainingData(
        [Message.build(text, intent="mood_good") for text in good] + [Message.build(text, intent="mood_bad") for text in bad]
    )
    storage = LocalModelStorage(tmp_path)
    resource = Resource("blend")
    context = ExecutionContext(GraphSchema({}), "test")
    BlendedIntentClassifier.create({}, storage, resource, context).train(data)

    loaded = BlendedIntentClassifier.load({}, storage, resource, context)
    messages = loaded.process([Message.build("vandaag niet goed"), Message.build("vandaag goed")])
    assert [message.get("intent")["name"] for message in messages] == ["mood_bad", "mood_good"]
