"""Times bot.dutch.lexicon.extract on a 30-word Dutch sentence: median of 1000 runs, in ms.

Run from the repo root: .venv/bin/python bench/lexicon_bench.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.dutch import lexicon  # noqa: E402

SENTENCE = (
    "Mijn collega's zeggen dat ik heel geduldig en creatief ben, maar eerlijk gezegd ben ik "
    "niet zo nauwkeurig; ik wil vooral een vast contract, afwisseling en tijd voor mijn kinderen."
)
RUNS = 1000


def main() -> None:
    words = len(SENTENCE.split())
    lexicon.warm_up()  # loading the lexicons is not part of the measurement
    lexicon.extract(SENTENCE)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        lexicon.extract(SENTENCE)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"extract on a {words}-word sentence: median {statistics.median(timings):.3f} ms over {RUNS} runs")


if __name__ == "__main__":
    main()
