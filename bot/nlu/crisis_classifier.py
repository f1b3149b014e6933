"""The learned half of crisis detection, beside the rules (bot/nlu/crisis_patterns.py).

A logistic regression on words, word pairs and character n-grams of the normalised message
(the same normalisation as the rules: chat spelling, accents, Flemish forms), trained on the
risk messages and hard negatives under bot/data/crisis/ (risk_train*.yml, negatives_train*.yml;
not the rules' own data in bot/data/crisis/patterns/). It reaches paraphrases the rules were
never written for ("ik wil weg van deze wereld"); the rules keep the cases they were tuned on.
Either one firing means risk (bot/nlu/crisis.py).

One regression tells risk from no risk; a second one, trained on the risk messages only, tells
a clear risk to the client's own life, a possible one (hopelessness, wanting to disappear,
being a burden) and danger from others apart. The threshold was chosen by cross-validation on
the training data only (tools/crisis_classifier_report.py); the held-out splits in
tests/data/crisis_holdout*.yml never informed it (what each one's reads were is in that tool). Training data: bot/data/crisis/ (risk messages
and hard negatives written for this product) and the bot's own NLU examples of every other
intent, as ordinary chat.

The model is fitted when a process first needs it (about 2 s) rather than stored in the Rasa
model archive: Rasa's training cache knows nothing of these files, so a stored model could
silently lag behind the data it claims to be trained on.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.crisis_normalise import normalise

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "crisis"
NONE, SELF_CLEAR, SELF_POSSIBLE, VIOLENCE = "none", "self_clear", "self_possible", "violence"
# Chosen by 5-fold cross-validation on the training data only (python -m
# tools.crisis_classifier_report --tune): the lowest threshold at which rules or classifier
# raise at most 5 % false alarms on the hard negatives (4.1 % at 0.85, 5.1 % at 0.80; 0.1 %
# on ordinary chat). Lower ones find more (0.87 recall at 0.80 and 0.94 at 0.5, against 0.84
# at 0.85) but then one in eight "ik wil weg bij die firma" would be read as a crisis.
DEFAULT_THRESHOLD = 0.85
# A finding of the classifier alone is "possible" (the bot asks one direct question first)
# unless the classifier is this sure of a clear risk; danger from others is always clear.
CLEAR_CONFIDENCE = 0.95
C = 30.0


@dataclass(frozen=True)
class Assessment:
    level: str  # "clear" or "possible"
    kind: str  # "self" or "violence"
    probability: float


def load_examples(data_dir: Path = DATA_DIR) -> Tuple[List[str], List[str], List[str]]:
    """(texts, classes, kinds) of every risk_train*.yml and negatives_train*.yml file."""
    texts: List[str] = []
    classes: List[str] = []
    kinds: List[str] = []

    def add(message: object, label: str, kind: str) -> None:
        texts.append(str(message))
        classes.append(label)
        kinds.append(kind)

    for path in sorted(data_dir.glob("risk_train*.yml")):
        risk = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, messages in risk["risk"].items():
            label = VIOLENCE if kind == "danger_from_others" else (
                SELF_POSSIBLE if risk["tiers"][kind] == "possible" else SELF_CLEAR
            )
            for message in messages:
                add(message, label, kind)
    for path in sorted(data_dir.glob("negatives_train*.yml")):
        for kind, messages in yaml.safe_load(path.read_text(encoding="utf-8"))["negative"].items():
            for message in messages:
                add(message, NONE, kind)
    # The bot's own NLU examples of every other intent are ordinary chat: negatives too, so
    # that "ik wil stoppen met deze oefening" stays what it is.
    for message in nlu_examples(data_dir.parent / "nlu"):
        add(message, NONE, "nlu_examples")
    return texts, classes, kinds


_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def nlu_examples(nlu_dir: Path) -> List[str]:
    """The plain text of every NLU example of an intent other than crisis."""
    found: List[str] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in block or block["intent"] == "crisis":
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append(_ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line[2:]).strip())
    return [text for text in found if text]


def new_features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    words = TfidfVectorizer(
        preprocessor=normalise, ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True
    )
    characters = TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True)
    return make_union(words, characters)


def new_regression(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=7)


class RiskClassifier:
    """Two regressions on one set of features: risk or not (balanced between the two, so the
    three risk classes do not outweigh "none"), and, for risk, which class."""

    def __init__(self, features, detector, tier, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.features, self.detector, self.tier = features, detector, tier
        self.threshold = threshold

    @classmethod
    def fit(cls, texts: Sequence[str], classes: Sequence[str], threshold: float = DEFAULT_THRESHOLD, c: float = C) -> "RiskClassifier":
        features = new_features()
        matrix = features.fit_transform(list(texts))
        risky = [label != NONE for label in classes]
        detector = new_regression(c).fit(matrix, risky)
        rows = [index for index, flag in enumerate(risky) if flag]
        tier = new_regression(c).fit(matrix[rows], [classes[index] for index in rows])
        return cls(features, detector, tier, threshold)

    def risk_probabilities(self, texts: Sequence[str]) -> List[Dict[str, float]]:
        """Per text: {"none": p, and per risk class p(risk) * p(class | risk)}."""
        matrix = self.features.transform([text or "" for text in texts])
        risk = self.detector.predict_proba(matrix)[:, list(self.detector.classes_).index(True)]
        tiers = self.tier.predict_proba(matrix)
        return [
            {NONE: 1.0 - float(p), **{label: float(p) * float(q) for label, q in zip(self.tier.classes_, row)}}
            for p, row in zip(risk, tiers)
        ]

    def assess(self, text: str) -> Optional[Assessment]:
        return self.assess_many([text])[0]

    def assess_many(self, texts: Sequence[str]) -> List[Optional[Assessment]]:
        return [decide(row, self.threshold) for row in self.risk_probabilities(texts)]


def decide(probabilities: Dict[str, float], threshold: float) -> Optional[Assessment]:
    risk = 1.0 - probabilities.get(NONE, 0.0)
    if risk < threshold:
        return None
    best = max((SELF_CLEAR, SELF_POSSIBLE, VIOLENCE), key=lambda label: probabilities.get(label, 0.0))
    if best == VIOLENCE:
        return Assessment(level="clear", kind="violence", probability=risk)
    clear = best == SELF_CLEAR and probabilities.get(SELF_CLEAR, 0.0) >= CLEAR_CONFIDENCE
    return Assessment(level="clear" if clear else "possible", kind="self", probability=risk)


_shared: Optional[RiskClassifier] = None
_lock = threading.Lock()


def shared() -> RiskClassifier:
    """One classifier per process, fitted on first use."""
    global _shared
    with _lock:
        if _shared is None:
            texts, classes, _ = load_examples()
            _shared = RiskClassifier.fit(texts, classes)
        return _shared
