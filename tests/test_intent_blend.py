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
