"""Adds a pool of new NLU examples for one intent, split at random between training and test.

Usage (from the repository root):
    .venv/bin/python tools/add_nlu_examples.py INTENT POOL_FILE [--train bot/data/nlu/FILE.yml] [--seed 2026] [--dry-run]

POOL_FILE holds one example per line (Rasa markdown-style entity annotations allowed, e.g.
"ik bel [Wim](person)"); blank lines and lines starting with "#" are ignored.

What it does, honestly and reproducibly:
1. refuses the pool if any example (after lower-casing and stripping punctuation, as the checker
   normalises) already exists in any intent of the training files or the test split, or appears twice;
2. shuffles the pool with random.Random(seed) and puts the first k examples in
   tests/nlu/test_split.yml, the rest in the intent's training file, where k is chosen so that the
   intent's test share after the addition is as close as possible to 20% (the checker's rule);
3. appends the examples at the end of the intent's existing `examples: |` block in each file
   (the training file defaults to the first file under bot/data/nlu/ that declares the intent,
   excluding crisis.yml, which this tool never touches).

Run `.venv/bin/python tests/nlu/check_nlu_data.py` afterwards.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN_DIR = ROOT / "bot" / "data" / "nlu"
TEST_FILE = ROOT / "tests" / "nlu" / "test_split.yml"
TEST_SHARE = 0.2
ENTITY = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)|\[([^\]]+)\]\{[^}]+\}")


def normalise(text: str) -> str:
    text = ENTITY.sub(lambda m: m.group(1) or m.group(2), text)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNZ" else " " for ch in text.lower())
    kept = re.sub(r"\s+", " ", kept).strip()
    return kept or text.strip()


def blocks(path: Path) -> dict[str, list[str]]:
    """intent -> example texts, read line by line from a Rasa NLU yaml file."""
    result: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^  - intent:\s*(\S+)\s*$", line)
        if m:
            current = m.group(1)
            result.setdefault(current, [])
        elif re.match(r"^  - \w+:", line) or re.match(r"^\S", line):
            current = None
        elif current and re.match(r"^      - ", line):
            result[current].append(line[8:])
    return result


def append_to_block(path: Path, intent: str, examples: list[str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if re.match(rf"^  - intent:\s*{re.escape(intent)}\s*$", l)), None)
    if start is None:
        sys.exit(f"{path}: no block for intent {intent}")
    last = start
    for i in range(start + 1, len(lines)):
        if re.match(r"^  - \w+:", lines[i]) or re.match(r"^\S", lines[i]):
            break
        if lines[i].startswith("      - "):
            last = i
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines[last + 1:last + 1] = [f"      - {e}\n" for e in examples]
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("intent")
    parser.add_argument("pool")
    parser.add_argument("--train", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    pool = [l.strip() for l in Path(args.pool).read_text(encoding="utf-8").splitlines()]
    pool = [l for l in pool if l and not l.startswith("#")]

    train_files = [p for p in sorted(TRAIN_DIR.glob("*.yml")) if p.name != "crisis.yml"]
    seen: dict[str, str] = {}
    n_train = 0
    train_file = args.train
    for p in train_files + [TEST_FILE]:
        for intent, texts in blocks(p).items():
            if intent == args.intent and p != TEST_FILE:
                n_train += len(texts)
                if train_file is None:
                    train_file = p
            for t in texts:
                seen.setdefault(normalise(t), f"{intent} ({p.name})")
    crisis = TRAIN_DIR / "crisis.yml"
    if crisis.exists():
        for intent, texts in blocks(crisis).items():
            for t in texts:
                seen.setdefault(normalise(t), f"{intent} ({crisis.name})")
    n_test = len(blocks(TEST_FILE).get(args.intent, []))
    if train_file is None:
        sys.exit(f"no training file declares {args.intent}; pass --train")
    if Path(train_file).name == "crisis.yml":
        sys.exit("crisis.yml is not edited by this tool")

    bad = []
    mine: set[str] = set()
    for e in pool:
        key = normalise(e)
        if key in seen:
            bad.append(f"  {e!r} already in {seen[key]}")
        elif key in mine:
            bad.append(f"  {e!r} twice in the pool")
        mine.add(key)
    if bad:
        sys.exit("pool refused:\n" + "\n".join(bad))

    total = n_train + n_test + len(pool)
    k = min(max(round(TEST_SHARE * total) - n_test, 0), len(pool))
    shuffled = list(pool)
    random.Random(args.seed).shuffle(shuffled)
    to_test, to_train = shuffled[:k], shuffled[k:]
    print(f"{args.intent}: {len(to_train)} to {Path(train_file).relative_to(ROOT)}, {len(to_test)} to the test split "
          f"(now {n_train + len(to_train)} train / {n_test + len(to_test)} test)")
    if args.dry_run:
        return
    append_to_block(Path(train_file), args.intent, to_train)
    append_to_block(TEST_FILE, args.intent, to_test)


if __name__ == "__main__":
    main()
