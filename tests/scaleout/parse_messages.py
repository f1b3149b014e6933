"""`python -m tests.scaleout.parse_messages MODEL [--tuned]`: loads MODEL as the Rasa server
does, with or without the changes of rasa_server/patches.py, parses every 8th message of the held-out NLU
split and prints what the NLU made of each (JSON), then the peak memory in MiB."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any, Dict, List

from bench.procinfo import peak_rss_mib
from tools.stack_env import ROOT

TEST_SPLIT = ROOT / "tests" / "nlu" / "test_split.yml"
EVERY = 8


def messages() -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(TEST_SPLIT)).intent_examples
    return [example.get("text") for example in examples[::EVERY]]


def summary(parsed: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "text": parsed["text"],
        "intent": parsed["intent"]["name"],
        "ranking": [[r["name"], round(r["confidence"], 5)] for r in parsed.get("intent_ranking", [])],
        "entities": [[e["entity"], e["value"], e["start"], e["end"]] for e in parsed.get("entities", [])],
    }


async def parse_all(model: str) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [summary(await agent.parse_message(text)) for text in messages()]


if __name__ == "__main__":
    if "--tuned" in sys.argv:
        from rasa_server import patches

        patches.install()
    print(json.dumps({"parsed": asyncio.run(parse_all(sys.argv[1])), "peak_rss_mib": peak_rss_mib(os.getpid())}, ensure_ascii=False))
