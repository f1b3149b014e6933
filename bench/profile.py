"""`make profile` / `python -m bench.profile`: where our Rasa server spends its time per turn.

Starts the backend, the action server and our Rasa server on free ports (as `make bench` does),
warms them up, then samples the Rasa server with py-spy while the qualities conversation of the
benchmark runs, and prints the functions that take the largest share of the samples. The raw
samples (collapsed stacks, for flame graph tools or speedscope.app) go to var/bench/profile/.
Found this way: the costs that rasa_server/patches.py removes, and TEDPolicy's share.
"""
from __future__ import annotations

import argparse
import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bench.conversations import QualitiesConversation
from bench.run import BENCH_ENV, create_clients, create_counsellor, log, phase, start_rasa
from tests.scaleout.cluster import Cluster
from tests.stack import VENV_BIN, free_port, rasa_argv
from tools.stack_env import ROOT

OUT_DIR = ROOT / "var" / "bench" / "profile"
SAMPLES_PER_SECOND = 200
PY_SPY_STOP_SECONDS = 30


def frame_name(frame: str) -> str:
    """'run_inference (rasa/utils/tensorflow/models.py:312)' -> 'run_inference (models.py)'."""
    function, _, where = frame.partition(" (")
    return f"{function} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else function


def shares(collapsed: Path) -> Tuple[int, collections.Counter, collections.Counter]:
    """Samples in all, and per function the samples it is on the stack of (inclusive) and on
    top of (self), from py-spy's collapsed output."""
    total, inclusive, own = 0, collections.Counter(), collections.Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame_name(frame) for frame in stack.split(";") if frame]
        if not frames or not count.isdigit():
            continue
        total += int(count)
        for name in set(frames):
            inclusive[name] += int(count)
        own[frames[-1]] += int(count)
    return total, inclusive, own


def report(collapsed: Path, top: int) -> None:
    total, inclusive, own = shares(collapsed)
    print(f"\n{total} samples of the Rasa server ({SAMPLES_PER_SECOND} per second); idle time is in 'serve (runners.py)'")
    for title, counts in (("inclusive", inclusive), ("self", own)):
        print(f"\n-- {title}: share of the samples")
        for name, count in counts.most_common(top):
            print(f"{100 * count / total:5.1f}%  {name}")


def profile(conversations: int, concurrency: int, collapsed: Path) -> None:
    shutil.rmtree(OUT_DIR / "stack", ignore_errors=True)
    cluster = Cluster.create(OUT_DIR / "stack", BENCH_ENV)
    try:
        cluster.start("backend", "actions")
        port = free_port()
        seconds = start_rasa(cluster, "ours_rasa", rasa_argv(port, cluster.env["RASA_MODEL"], token=cluster.env["RASA_TOKEN"]), port, "hallo")
        log(f"profile: our Rasa server answers {seconds} s after its start")
        create_counsellor(cluster)
        chats = create_clients(cluster, 2 + conversations * concurrency)
        url = f"http://127.0.0.1:{port}"
        phase("warm-up", url, [chats.pop(), chats.pop()], QualitiesConversation)
        pids: Dict[str, int] = {name: cluster.processes[name].pid for name in ("ours_rasa", "actions", "backend")}
        spy = subprocess.Popen([
            str(VENV_BIN / "py-spy"), "record", "--pid", str(pids["ours_rasa"]), "--rate", str(SAMPLES_PER_SECOND),
            "--format", "raw", "--output", str(collapsed), "--nonblocking",
        ])
        try:
            for _ in range(conversations):
                phase(f"{concurrency} conversation(s)", url, [chats.pop() for _ in range(concurrency)], QualitiesConversation, pids)
        finally:
            spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            spy.wait(PY_SPY_STOP_SECONDS)
    finally:
        cluster.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=8, help="conversations one after the other (default 8)")
    parser.add_argument("--concurrency", type=int, default=1, help="simultaneous conversations in each (default 1)")
    parser.add_argument("--top", type=int, default=40, help="functions listed (default 40)")
    args = parser.parse_args(argv)
    if not (VENV_BIN / "py-spy").exists():
        print("py-spy is missing: make profile installs it (pip install -e '.[profile]')", file=sys.stderr)
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    collapsed = OUT_DIR / "rasa.collapsed.txt"
    profile(args.conversations, args.concurrency, collapsed)
    report(collapsed, args.top)
    print(f"\nraw samples: {collapsed.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
