"""Evaluates the extractors on the Dutch development set (tests/data/extraction_dev.yml).

    .venv/bin/python tools/eval_extraction.py                 # everything, writes docs/extraction-eval.json
    .venv/bin/python tools/eval_extraction.py --no-model      # without the Rasa model (fast)
    .venv/bin/python tools/eval_extraction.py --no-timing --errors 40

What it measures, per type, precision / recall / F1 over (sentence, value) pairs:
  quality, growth (negated qualities), motive, not_motive (negated motives)   bot.dutch.lexicon.extract
  person, organisation, circle ((name, circle) pairs)                        bot.dutch.contacts
  deadline (exact date; a wrong date counts as a false positive and a miss)  bot.dutch.deadlines
and the accuracy of the SMART decisions (specific, measurable, has a deadline, and all three) of
bot.dutch.smart.check on the action sentences.

Contacts are evaluated three ways:
  gold entities  find_contacts(text, gold person/organisation entities): the circle and the
                 organisation logic alone, given perfect names (what tests/test_extraction_eval.py uses)
  fallback       find_contacts(text, []) : capitalised words only, no NLU
  model          the trained Rasa model as it runs (models/loopbaan.tar.gz, Agent.load and
                 parse_message), its entities passed to find_contacts: what DIET adds. The
                 model's quality/motive entities (LexiconEntityExtractor with spaCy lemmas) are
                 scored too.

Timing (a benchmark, not a test): the median over 1000 runs of lexicon.extract, find_contacts and
smart.check on a 30-word sentence, and, with the model, the median of a full NLU parse and of the
LexiconEntityExtractor's `process` alone on the parsed message (so the parse without it is the
difference).

The functions here are imported by tests/test_extraction_eval.py; keep them free of Rasa imports
(the model part imports Rasa lazily).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter (Rasa, spaCy)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.dutch import contacts, lexicon, smart  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "extraction_dev.yml"
REPORT_JSON = ROOT / "docs" / "extraction-eval.json"
MODEL = ROOT / "models" / "loopbaan.tar.gz"

TARGETS = {"quality": 0.85, "motive": 0.85, "person": 0.85, "deadline": 0.9}
LEXICON_TYPES = ("quality", "growth", "motive", "not_motive")
CONTACT_TYPES = ("person", "organisation", "circle")
SMART_PARTS = ("specific", "measurable", "has_deadline")

# 30 words, as a client might write it in one go.
BENCH_SENTENCE = (
    "ik ben geduldig en nauwkeurig maar niet zo creatief, mijn zus Ilse De Smet werkt bij "
    "de VDAB en ik wil tegen vrijdag drie vacatures bekijken en mijn cv sturen"
)

Entities = List[Dict[str, Any]]
EntityProvider = Callable[[dict], Entities]


# --------------------------------------------------------------------------- data


@dataclass
class Item:
    text: str
    gold: Dict[str, Set[Any]]
    deadline: Optional[date]
    smart: Optional[Dict[str, bool]]
    persons: List[str]
    organisations: List[str]


def _norm_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _norm_org(name: str) -> str:
    words = _norm_name(name).split()
    while len(words) > 1 and words[0] in ("de", "het", "den"):
        words = words[1:]
    return " ".join(words)


SECTIONS = ("sentences", "held_out")  # the tuned set, and the sentences never used to tune


def load_dev_set(path: Path = DEV_SET, section: str = "sentences") -> Tuple[date, List[Item]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = data["today"]
    items = []
    for raw in data.get(section) or []:
        persons = [str(name) for name in raw.get("persons") or []]
        organisations = [str(name) for name in raw.get("organisations") or []]
        circles = raw.get("circles") or {}
        gold = {
            "quality": set(raw.get("qualities") or []),
            "growth": set(raw.get("growth") or []),
            "motive": set(raw.get("motives") or []),
            "not_motive": set(raw.get("not_motives") or []),
            "person": {_norm_name(name) for name in persons},
            "organisation": {_norm_org(name) for name in organisations},
            "circle": {(_norm_name(name), circle) for name, circle in circles.items()},
        }
        items.append(Item(str(raw["text"]), gold, raw.get("deadline"), raw.get("smart"), persons, organisations))
    return today, items


# --------------------------------------------------------------------------- scores


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> Dict[str, Any]:
        return {
            "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.tp + self.fn,
        }


@dataclass
class Error:
    kind: str  # the type (quality, person, deadline, smart.specific, ...)
    text: str
    missing: List[str] = field(default_factory=list)
    spurious: List[str] = field(default_factory=list)

    def line(self) -> str:
        parts = []
        if self.missing:
            parts.append("missed " + ", ".join(self.missing))
        if self.spurious:
            parts.append("wrong " + ", ".join(self.spurious))
        return f"{self.kind:<13} {'; '.join(parts):<48} | {self.text}"

    def as_dict(self) -> Dict[str, Any]:
        return {"type": self.kind, "text": self.text, "missed": self.missing, "wrong": self.spurious}


@dataclass
class Result:
    name: str
    scores: Dict[str, Score] = field(default_factory=dict)
    errors: List[Error] = field(default_factory=list)
    smart_correct: Dict[str, int] = field(default_factory=dict)
    smart_total: int = 0

    def add(self, kind: str, text: str, gold: Set[Any], predicted: Set[Any]) -> None:
        score = self.scores.setdefault(kind, Score())
        score.tp += len(gold & predicted)
        score.fp += len(predicted - gold)
        score.fn += len(gold - predicted)
        if gold != predicted:
            self.errors.append(Error(kind, text, _labels(gold - predicted), _labels(predicted - gold)))

    def smart_accuracy(self) -> Dict[str, float]:
        if not self.smart_total:
            return {}
        return {part: round(self.smart_correct.get(part, 0) / self.smart_total, 3) for part in (*SMART_PARTS, "all")}

    def f1(self, kind: str) -> float:
        return self.scores[kind].f1

    def as_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"scores": {kind: score.as_dict() for kind, score in self.scores.items()}}
        if self.smart_total:
            out["smart"] = {"sentences": self.smart_total, "accuracy": self.smart_accuracy()}
        out["errors"] = [error.as_dict() for error in self.errors]
        return out

    def table(self) -> str:
        lines = [f"{'type':<13} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'fp':>4} {'fn':>4}"]
        for kind, score in self.scores.items():
            lines.append(
                f"{kind:<13} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
                f"{score.tp + score.fn:8d} {score.fp:4d} {score.fn:4d}"
            )
        if self.smart_total:
            accuracy = self.smart_accuracy()
            lines.append(
                f"SMART accuracy on {self.smart_total} actions: "
                + ", ".join(f"{part} {value:.3f}" for part, value in accuracy.items())
            )
        return "\n".join(lines)


def _labels(values: Iterable[Any]) -> List[str]:
    out = []
    for value in values:
        if isinstance(value, tuple):
            out.append(f"{value[0]}={value[1]}")
        else:
            out.append(str(value))
    return sorted(out)


# --------------------------------------------------------------------------- predictions


def lexicon_prediction(matches: Iterable[lexicon.Match]) -> Dict[str, Set[str]]:
    predicted: Dict[str, Set[str]] = {kind: set() for kind in LEXICON_TYPES}
    for match in matches:
        if match.entity == lexicon.QUALITY:
            predicted["growth" if match.negated else "quality"].add(match.value)
        else:
            predicted["not_motive" if match.negated else "motive"].add(match.value)
    return predicted


def lexicon_prediction_from_entities(entities: Entities) -> Dict[str, Set[str]]:
    """The same sets from the NLU entities (role `growth` marks a negated match)."""
    predicted: Dict[str, Set[str]] = {kind: set() for kind in LEXICON_TYPES}
    for entity in entities:
        kind, value = entity.get("entity"), entity.get("value")
        negated = entity.get("role") == "growth"
        if kind == lexicon.QUALITY:
            predicted["growth" if negated else "quality"].add(value)
        elif kind == lexicon.MOTIVE:
            predicted["not_motive" if negated else "motive"].add(value)
    return predicted


def gold_entities(item: Item) -> Entities:
    """Person and organisation entities at the gold names' first occurrence in the text."""
    entities = []
    for kind, names in (("person", item.persons), ("organisation", item.organisations)):
        for name in names:
            start = item.text.find(name)
            if start >= 0:
                entities.append({"entity": kind, "value": name, "start": start, "end": start + len(name)})
    return entities


def no_entities(item: Item) -> Entities:
    return []


def contact_prediction(text: str, entities: Entities) -> Dict[str, Set[Any]]:
    found = contacts.find_contacts(text, entities)
    organisations = {_norm_org(name) for name in contacts.find_organisations(text, entities)}
    organisations |= {_norm_org(c.organisation) for c in found if c.organisation}
    return {
        "person": {_norm_name(c.name) for c in found},
        "organisation": organisations,
        "circle": {(_norm_name(c.name), c.circle) for c in found if c.circle},
    }


# --------------------------------------------------------------------------- evaluation


def evaluate_lexicon(items: Sequence[Item], name: str = "lexicon",
                     lemmatize: Optional[Callable[[str], List[str]]] = None) -> Result:
    result = Result(name)
    for item in items:
        lemmas = lemmatize(item.text) if lemmatize else None
        predicted = lexicon_prediction(lexicon.extract(item.text, lemmas))
        for kind in LEXICON_TYPES:
            result.add(kind, item.text, item.gold[kind], predicted[kind])
    return result


def evaluate_contacts(items: Sequence[Item], entities_of: EntityProvider, name: str) -> Result:
    result = Result(name)
    for item in items:
        predicted = contact_prediction(item.text, entities_of(item))
        for kind in CONTACT_TYPES:
            result.add(kind, item.text, item.gold[kind], predicted[kind])
    return result


def evaluate_smart(items: Sequence[Item], today: date, name: str = "smart") -> Result:
    result = Result(name)
    for item in items:
        check = smart.check(item.text, today)
        gold = {item.deadline.isoformat()} if item.deadline else set()
        predicted = {check.deadline.isoformat()} if check.deadline else set()
        result.add("deadline", item.text, gold, predicted)
        if item.smart is None:
            continue
        result.smart_total += 1
        decided = {"specific": check.specific, "measurable": check.measurable, "has_deadline": check.deadline is not None}
        all_right = True
        for part in SMART_PARTS:
            if decided[part] == bool(item.smart[part]):
                result.smart_correct[part] = result.smart_correct.get(part, 0) + 1
            else:
                all_right = False
                result.errors.append(Error(f"smart.{part}", item.text, [f"expected {bool(item.smart[part])}"], []))
        if all_right:
            result.smart_correct["all"] = result.smart_correct.get("all", 0) + 1
    return result


def evaluate_fast(path: Path = DEV_SET, section: str = "sentences") -> Dict[str, Result]:
    """Everything without the Rasa model: what the pytest suite checks."""
    today, items = load_dev_set(path, section)
    return {
        "lexicon": evaluate_lexicon(items),
        "contacts_gold_entities": evaluate_contacts(items, gold_entities, "contacts_gold_entities"),
        "contacts_fallback": evaluate_contacts(items, no_entities, "contacts_fallback"),
        "smart": evaluate_smart(items, today),
    }


# --------------------------------------------------------------------------- model


def _quiet_rasa() -> None:
    logging.disable(logging.WARNING)
    import warnings

    warnings.filterwarnings("ignore")
    try:
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except ImportError:
        pass


async def _parse_all(agent: Any, texts: Sequence[str]) -> List[dict]:
    return [await agent.parse_message(text) for text in texts]


def load_agent(model: Path = MODEL) -> Any:
    _quiet_rasa()
    from rasa.core.agent import Agent

    return Agent.load(str(model))


def model_entities(agent: Any, texts: Sequence[str]) -> Dict[str, Entities]:
    """The entities of the model's parse of each text."""
    parsed = asyncio.run(_parse_all(agent, list(texts)))
    return {text: result.get("entities") or [] for text, result in zip(texts, parsed)}


def evaluate_model(entities: Dict[str, Entities], items: Sequence[Item]) -> Tuple[Result, Result]:
    """(contacts from the model's entities, qualities/motives from the model's entities)."""
    contacts_result = evaluate_contacts(items, lambda item: entities[item.text], "contacts_model")
    lexicon_result = Result("lexicon_model")
    for item in items:
        predicted = lexicon_prediction_from_entities(entities[item.text])
        for kind in LEXICON_TYPES:
            lexicon_result.add(kind, item.text, item.gold[kind], predicted[kind])
    return contacts_result, lexicon_result


# --------------------------------------------------------------------------- timing


def _median_ms(function: Callable[[], Any], runs: int) -> float:
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return round(statistics.median(durations) * 1000, 3)


def time_extractors(text: str = BENCH_SENTENCE, runs: int = 1000, today: Optional[date] = None) -> Dict[str, Any]:
    lexicon.warm_up()
    smart.check(text, today)  # imports dateparser and builds its language data once
    entities: Entities = []
    contacts.find_contacts(text.lower(), entities)  # loads the Dutch word list once
    timings = {
        "words": len(text.split()),
        "runs": runs,
        "lexicon_extract_ms": _median_ms(lambda: lexicon.extract(text), runs),
        "find_contacts_ms": _median_ms(lambda: contacts.find_contacts(text, entities), runs),
        "smart_check_ms": _median_ms(lambda: smart.check(text, today), runs),
        "all_three_ms": _median_ms(
            lambda: (lexicon.extract(text), contacts.find_contacts(text, entities), smart.check(text, today)), runs
        ),
    }
    return timings


def time_model(agent: Any, text: str = BENCH_SENTENCE, runs: int = 200) -> Dict[str, Any]:
    """Median full NLU parse, and the LexiconEntityExtractor's `process` alone on that message."""
    from rasa.core.channels import UserMessage
    from rasa.shared.nlu.training_data.message import Message

    runner = agent.processor.graph_runner
    nodes = runner._instantiated_nodes  # noqa: SLF001 - a benchmark may look inside
    lexicon_node = next(name for name in nodes if "LexiconEntityExtractor" in name)
    component = nodes[lexicon_node]._component  # noqa: SLF001
    order = list(nodes)
    before = order[order.index(lexicon_node) - 1]
    outputs = runner.run(inputs={"__message__": [UserMessage(text)]}, targets=[before])
    messages: List[Message] = outputs[before]

    async def parse() -> None:
        await agent.parse_message(text)

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(parse())
        full = _median_ms(lambda: loop.run_until_complete(parse()), runs)
    finally:
        loop.close()
    process = _median_ms(lambda: component.process(messages), max(runs, 1000))
    return {
        "parse_runs": runs,
        "nlu_parse_ms": full,
        "lexicon_component_process_ms": process,
        "nlu_parse_without_lexicon_ms": round(full - process, 3),
    }


# --------------------------------------------------------------------------- report


def _print_errors(result: Result, limit: int) -> None:
    if not result.errors:
        return
    print(f"-- errors ({len(result.errors)}{', first ' + str(limit) if len(result.errors) > limit else ''})")
    for error in result.errors[:limit]:
        print("  " + error.line())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=DEV_SET)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--no-model", action="store_true", help="skip the Rasa model run and its timing")
    parser.add_argument("--no-lemmas", action="store_true", help="skip the lexicon run with spaCy lookup lemmas")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--errors", type=int, default=200, help="errors printed per run")
    parser.add_argument("--json", type=Path, default=REPORT_JSON, help="where to write the report ('-' for none)")
    parser.add_argument("--entities-cache", type=Path, default=None,
                        help="JSON file of the model's entities per sentence: read when it exists (no model "
                             "load, no NLU timing), written after a model run otherwise")
    args = parser.parse_args()

    lemmatize = None
    if not args.no_lemmas:
        from tools.crisis_eval import offline_lemmatizer

        lemmatize = offline_lemmatizer()
    agent = None
    timing: Dict[str, Any] = {}
    cached: Optional[Dict[str, Entities]] = None
    if args.entities_cache and args.entities_cache.exists():
        cached = json.loads(args.entities_cache.read_text(encoding="utf-8"))
    if not args.no_model and cached is None:
        if args.model.exists():
            started = time.perf_counter()
            agent = load_agent(args.model)
            timing["model_load_s"] = round(time.perf_counter() - started, 1)
        else:
            print(f"(no model at {args.model}: model run skipped)")

    shown = args.path.relative_to(ROOT) if args.path.is_relative_to(ROOT) else args.path
    report: Dict[str, Any] = {"dev_set": str(shown), "targets": TARGETS, "sets": {}}
    met: Dict[str, bool] = {}
    for section in SECTIONS:
        today, items = load_dev_set(args.path, section)
        if not items:
            continue
        results = evaluate_fast(args.path, section)
        if lemmatize is not None:
            results["lexicon_lemmas"] = evaluate_lexicon(items, "lexicon_lemmas", lemmatize)
        texts = [item.text for item in items]
        if agent is not None:
            parsed = model_entities(agent, texts)
            if args.entities_cache:
                old = json.loads(args.entities_cache.read_text(encoding="utf-8")) if args.entities_cache.exists() else {}
                args.entities_cache.write_text(json.dumps({**old, **parsed}, ensure_ascii=False), encoding="utf-8")
            results["contacts_model"], results["lexicon_model"] = evaluate_model(parsed, items)
        elif cached is not None and not args.no_model and all(text in cached for text in texts):
            results["contacts_model"], results["lexicon_model"] = evaluate_model(cached, items)
        label = "tuned set" if section == "sentences" else "held out (not used to tune)"
        print(f"==== {shown} [{section}]: {label}, {len(items)} sentences, today {today} ====\n")
        for name, result in results.items():
            print(f"## {section} / {name}")
            print(result.table())
            _print_errors(result, args.errors)
            print()
        report["sets"][section] = {
            "sentences": len(items),
            "action_sentences": sum(item.smart is not None for item in items),
            "today": today.isoformat(),
            "runs": {name: result.as_dict() for name, result in results.items()},
        }
        if section == "sentences":
            met = {
                "quality": results["lexicon"].f1("quality") >= TARGETS["quality"],
                "motive": results["lexicon"].f1("motive") >= TARGETS["motive"],
                "deadline": results["smart"].f1("deadline") >= TARGETS["deadline"],
            }
            if "contacts_model" in results:
                met["person (model)"] = results["contacts_model"].f1("person") >= TARGETS["person"]

    if not args.no_timing:
        timing["extractors"] = time_extractors(today=load_dev_set(args.path)[0])
        if agent is not None:
            timing["nlu"] = time_model(agent)
        print("## timing (median ms)")
        print(json.dumps(timing, indent=2))
    print("\ntargets on the tuned set: " + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in met.items()))

    if str(args.json) != "-":
        report["targets_met"] = met
        report["timing"] = timing
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
