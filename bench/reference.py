"""The bare reference bot: what `rasa init` makes, trained once and cached under var/bench/."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Dict, Optional

from tests.stack import VENV_BIN
from tools.stack_env import ROOT

REFERENCE_DIR = ROOT / "var" / "bench" / "reference"
RECORD = REFERENCE_DIR / "bench-init.json"
INIT_TIMEOUT_SECONDS = 900


def model_path() -> Optional[Path]:
    models = sorted((REFERENCE_DIR / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def ensure_reference(env: Dict[str, str], log=print) -> Dict[str, object]:
    """Makes and trains the reference bot when it is missing; returns what is known about it."""
    if model_path() is not None and RECORD.exists():
        return {**json.loads(RECORD.read_text()), "cached": True}
    log(f"bench: making the reference bot with `rasa init --no-prompt` in {REFERENCE_DIR.relative_to(ROOT)} (about a minute)")
    shutil.rmtree(REFERENCE_DIR, ignore_errors=True)
    REFERENCE_DIR.mkdir(parents=True)
    started = time.monotonic()
    with open(REFERENCE_DIR.parent / "reference-init.log", "wb") as output:
        result = subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(REFERENCE_DIR)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=INIT_TIMEOUT_SECONDS,
        )
    seconds = time.monotonic() - started
    if result.returncode != 0 or model_path() is None:
        raise RuntimeError(f"rasa init failed (exit {result.returncode}); see var/bench/reference-init.log")
    record = {"init_and_training_seconds": round(seconds, 1), "made_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    RECORD.write_text(json.dumps(record))
    return {**record, "cached": False}


def rasa_env(env: Dict[str, str]) -> Dict[str, str]:
    """The reference bot needs none of our settings; only keep Rasa quiet and offline."""
    keep = {key: value for key, value in env.items() if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {**keep, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
