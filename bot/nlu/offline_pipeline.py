"""The offline Dutch spaCy pipeline, for machines that cannot download nl_core_news_sm.

It is `spacy.blank("nl")` with the Dutch lookup lemmatizer from spacy-lookups-data:
tokens and lemmas, no tagger, parser, NER or vectors. It is saved under its own name
(OFFLINE_NAME) and must never be installed as `nl_core_news_sm`.
"""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

OFFICIAL_NAME = "nl_core_news_sm"
OFFLINE_NAME = "nl_offline_lookup"
DEFAULT_PATH = Path(os.environ.get("SPACY_OFFLINE_PATH", "var/spacy/" + OFFLINE_NAME))

logger = logging.getLogger(__name__)


def build(path: Path = DEFAULT_PATH) -> Path:
    """Builds the pipeline and saves it to `path`."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = OFFLINE_NAME.removeprefix("nl_")
    nlp.meta["description"] = "Blank Dutch tokenizer with the lookup lemmatizer (offline fallback)"
    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def ensure(path: Path = DEFAULT_PATH) -> Path:
    """Builds the pipeline unless a complete copy is already on disk."""
    if not (path / "meta.json").exists():
        logger.info("Building the offline Dutch spaCy pipeline in %s", path)
        build(path)
    return path


def pipeline_in_use() -> str:
    """The name of the pipeline Rasa will load: the official one when it is installed."""
    import importlib.util

    return OFFICIAL_NAME if importlib.util.find_spec(OFFICIAL_NAME) else OFFLINE_NAME


def record(path: Path) -> None:
    """Writes the pipeline name to `path`, touching it only when it changed (make retrains then)."""
    name = pipeline_in_use()
    if not path.exists() or path.read_text().strip() != name:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ensure", action="store_true", help="build only when missing")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--record", type=Path, help="write the name of the pipeline in use to this file")
    args = parser.parse_args()
    path = ensure(args.path) if args.ensure else build(args.path)
    print(f"offline Dutch pipeline ready in {path}")
    if args.record:
        record(args.record)
        print(f"spaCy pipeline in use: {pipeline_in_use()}")


if __name__ == "__main__":
    main()
