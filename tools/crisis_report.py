"""Prints how the crisis detector does on the evaluation set (tests/data/crisis_eval.yml).

    .venv/bin/python tools/crisis_report.py            # text only, then text + lemmas
    .venv/bin/python tools/crisis_report.py --no-lemmas
    .venv/bin/python tools/crisis_report.py --path other_set.yml --strict

Recall and false-positive rate come from the same `evaluate()` (tools/crisis_eval.py) as the
pytest suite (tests/test_crisis_detection.py). With --strict the exit status is 1 when recall
< 1.0 or the false-positive rate is above 5 %.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import crisis_eval  # noqa: E402

MAX_FALSE_POSITIVE_RATE = 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=crisis_eval.DEFAULT_EVAL_PATH)
    parser.add_argument("--no-lemmas", action="store_true",
                        help="skip the run with spaCy lemmas (the offline lookup lemmatizer)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when recall < 1.0 or the false-positive rate > 5%%")
    args = parser.parse_args()

    positives, negatives = crisis_eval.load_eval_set(args.path)
    runs = [("text", None)]
    if not args.no_lemmas:
        lemmatize = crisis_eval.offline_lemmatizer()
        if lemmatize is None:
            print("(spaCy lookup lemmatizer not available: text-only run)\n")
        else:
            runs.append(("text + lemmas", lemmatize))

    ok = True
    for label, lemmatize in runs:
        result = crisis_eval.evaluate(positives, negatives, lemmatize)
        print(f"== {args.path.name} ({label}) ==")
        print(result.report())
        print()
        ok = ok and result.recall == 1.0 and result.false_positive_rate <= MAX_FALSE_POSITIVE_RATE
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
