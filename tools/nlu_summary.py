"""Prints and saves the headline NLU scores of `rasa test nlu` (see `make nlu-report`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def summary(folder: Path) -> dict:
    intents = json.loads((folder / "intent_report.json").read_text())
    result = {
        "intent_macro_f1": round(intents["macro avg"]["f1-score"], 3),
        "intent_accuracy": round(intents["accuracy"], 3),
        "examples": intents["macro avg"]["support"],
        "weakest_intents": sorted(
            ((name, round(scores["f1-score"], 3)) for name, scores in intents.items() if isinstance(scores, dict) and "support" in scores and "avg" not in name),
            key=lambda pair: pair[1],
        )[:5],
    }
    for extractor in ("diet", "lexicon"):
        path = folder / f"entity_report_{extractor}.json"
        if path.exists():
            entities = json.loads(path.read_text())
            result[f"entity_f1_{extractor}"] = {
                name: round(scores["f1-score"], 3) for name, scores in entities.items() if isinstance(scores, dict) and "avg" not in name and scores.get("support")
            }
    return result


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/nlu")
    data = summary(folder)
    (folder / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(data, indent=2, ensure_ascii=False))
