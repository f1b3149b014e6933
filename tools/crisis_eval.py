"""Evaluation of the rule-based crisis detector (bot/nlu/crisis_patterns.py).

Shared by tests/test_crisis_detection.py, tools/crisis_report.py,
tools/crisis_classifier_report.py and tools/eval_extraction.py; kept out of the bot so that
the production code reads nothing under tests/.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from bot.nlu.crisis_patterns import CrisisSignal, detect

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_PATH = ROOT / "tests" / "data" / "crisis_eval.yml"


@dataclass
class EvalResult:
    positives: int
    negatives: int
    misses: list[str] = field(default_factory=list)
    false_positives: list[tuple[str, CrisisSignal]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1.0 - len(self.misses) / self.positives if self.positives else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.negatives if self.negatives else 0.0

    def report(self) -> str:
        lines = [
            f"positives: {self.positives}  negatives: {self.negatives}",
            f"recall: {self.recall:.4f} ({self.positives - len(self.misses)}/{self.positives})",
            f"false-positive rate: {self.false_positive_rate:.4f} "
            f"({len(self.false_positives)}/{self.negatives})",
            f"misses ({len(self.misses)}):",
            *(f"  - {text}" for text in self.misses),
            f"false positives ({len(self.false_positives)}):",
            *(f"  - {text}  [{signal.pattern}: '{signal.phrase}' via {signal.source}]"
              for text, signal in self.false_positives),
        ]
        return "\n".join(lines)


def load_eval_set(path: Path = DEFAULT_EVAL_PATH) -> tuple[list[str], list[str]]:
    """Returns (positives, negatives) from the YAML evaluation set."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [str(t) for t in data["positives"]], [str(t) for t in data["negatives"]]


def evaluate(
    positives: Iterable[str],
    negatives: Iterable[str],
    lemmatize: Optional[Callable[[str], list[str]]] = None,
) -> EvalResult:
    """Runs `detect` on both sets; `lemmatize` (text -> lemmas) adds the lemma view."""
    positives, negatives = list(positives), list(negatives)
    result = EvalResult(positives=len(positives), negatives=len(negatives))
    for text in positives:
        if detect(text, lemmatize(text) if lemmatize else None) is None:
            result.misses.append(text)
    for text in negatives:
        signal = detect(text, lemmatize(text) if lemmatize else None)
        if signal is not None:
            result.false_positives.append((text, signal))
    return result


def offline_lemmatizer() -> Optional[Callable[[str], list[str]]]:
    """Lemmas from a blank Dutch spaCy pipeline with the lookup lemmatizer, as in the
    offline NLU pipeline (bot/nlu/offline_pipeline.py); None when spaCy or its lookup
    tables are not installed."""
    import warnings

    try:
        # spaCy's own imports raise deprecation warnings of its dependencies (pyparsing)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import spacy

            nlp = spacy.blank("nl")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
    except (ImportError, OSError, ValueError):  # spaCy or spacy-lookups-data missing
        return None

    def lemmatize(text: str) -> list[str]:
        return [token.lemma_ or token.text for token in nlp(text)]

    return lemmatize
