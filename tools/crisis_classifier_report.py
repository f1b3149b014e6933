"""Recall and false alarms of crisis detection (rules, classifier, and both), by kind.

    .venv/bin/python -m tools.crisis_classifier_report --tune     # cross-validation on the training data
    .venv/bin/python -m tools.crisis_classifier_report --holdout  # the untouched test splits, once

--tune is where tuning decisions come from: 5-fold cross-validation on bot/data/crisis/ only,
with out-of-fold probabilities, for several thresholds of the classifier; the rules run on the
same messages (they were written on other data). --holdout fits on all training data and reports
on each test split tests/data/crisis_holdout*.yml, which no tuning decision looks at. The first
split was read twice (after the first classifier, and after the guards of round 3); the second
was written later by a writer who saw neither the training data nor the first split. Reported, not asserted: the
figures go into the README and the closing notes.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence

import yaml

from bot.nlu import crisis_classifier, crisis_patterns
from tools import crisis_eval

HOLDOUTS = sorted((Path(__file__).resolve().parents[1] / "tests" / "data").glob("crisis_holdout*.yml"))
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)


def rule_hits(texts: Sequence[str]) -> List[bool]:
    lemmatize = crisis_eval.offline_lemmatizer()
    return [crisis_patterns.detect(text, lemmatize(text) if lemmatize else None) is not None for text in texts]


def out_of_fold_risk(texts: List[str], classes: List[str], folds: int = 5) -> List[float]:
    from sklearn.model_selection import StratifiedKFold

    risk = [0.0] * len(texts)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=1).split(texts, classes):
        model = crisis_classifier.RiskClassifier.fit([texts[i] for i in train], [classes[i] for i in train])
        for index, row in zip(test, model.risk_probabilities([texts[i] for i in test])):
            risk[index] = 1.0 - row.get(crisis_classifier.NONE, 0.0)
    return risk


def table(title: str, kinds: Sequence[str], is_risk: Sequence[bool], columns: Dict[str, Sequence[bool]]) -> str:
    """Per kind: how many messages each column flags (recall for risk kinds, false alarms for the rest)."""
    lines = [f"== {title} ==", "kind".ljust(28) + "n".rjust(5) + "".join(name.rjust(14) for name in columns)]
    groups: Dict[str, List[int]] = defaultdict(list)
    for index, kind in enumerate(kinds):
        groups[kind].append(index)
    for label, wanted in (("risk (recall)", True), ("negatives (false alarms)", False)):
        indices = [i for i, risky in enumerate(is_risk) if risky == wanted]
        lines.append(f"-- {label}")
        for kind in sorted({kinds[i] for i in indices}):
            members = groups[kind]
            lines.append(kind.ljust(28) + str(len(members)).rjust(5) + "".join(
                f"{sum(column[i] for i in members) / len(members):14.3f}" for column in columns.values()))
        lines.append("all".ljust(28) + str(len(indices)).rjust(5) + "".join(
            f"{sum(column[i] for i in indices) / len(indices):14.3f}" for column in columns.values()))
    return "\n".join(lines)


def tune() -> str:
    texts, classes, kinds = crisis_classifier.load_examples()
    is_risk = [label != crisis_classifier.NONE for label in classes]
    risk = out_of_fold_risk(texts, classes)
    rules = rule_hits(texts)
    lines = [f"training data: {sum(is_risk)} risk, {len(texts) - sum(is_risk)} negatives; 5-fold out-of-fold"]
    hard = [not r and kind != "nlu_examples" for r, kind in zip(is_risk, kinds)]
    ordinary = [kind == "nlu_examples" for kind in kinds]

    def share(flags: Sequence[bool], members: Sequence[bool]) -> float:
        return sum(f for f, m in zip(flags, members) if m) / max(1, sum(members))

    for threshold in THRESHOLDS:
        union = [rule or value >= threshold for rule, value in zip(rules, risk)]
        lines.append(
            f"threshold {threshold:.2f}: rules or classifier: recall {share(union, is_risk):.3f}, "
            f"false alarms on hard negatives {share(union, hard):.3f}, on the bot's other NLU examples {share(union, ordinary):.3f}"
        )
    chosen = crisis_classifier.DEFAULT_THRESHOLD
    columns = {"rules": rules, "classifier": [v >= chosen for v in risk],
               "both": [rule or v >= chosen for rule, v in zip(rules, risk)]}
    lines.append(table(f"cross-validation at threshold {chosen}", kinds, is_risk, columns))
    return "\n".join(lines)


def holdout(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts, kinds, is_risk = [], [], []
    for group, risky in (("risk", True), ("negative", False)):
        for kind, messages in data[group].items():
            for message in messages:
                texts.append(str(message)), kinds.append(kind), is_risk.append(risky)
    classifier = crisis_classifier.shared()
    learned = [assessment is not None for assessment in classifier.assess_many(texts)]
    rules = rule_hits(texts)
    columns = {"rules": rules, "classifier": learned, "both": [a or b for a, b in zip(rules, learned)]}
    report = table(f"held-out split ({path.name}), threshold {classifier.threshold}", kinds, is_risk, columns)
    missed = [text for text, risky, r, c in zip(texts, is_risk, rules, learned) if risky and not (r or c)]
    alarms = [text for text, risky, r, c in zip(texts, is_risk, rules, learned) if not risky and (r or c)]
    return "\n".join([report, f"missed ({len(missed)}):", *(f"  - {t}" for t in missed),
                      f"false alarms ({len(alarms)}):", *(f"  - {t}" for t in alarms)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="cross-validation on the training data")
    parser.add_argument("--holdout", action="store_true", help="the untouched test split")
    args = parser.parse_args()
    if not (args.tune or args.holdout):
        parser.error("say --tune, --holdout or both")
    if args.tune:
        print(tune())
    if args.holdout:
        for path in HOLDOUTS:
            print(holdout(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
