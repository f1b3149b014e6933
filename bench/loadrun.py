"""`make load` / `python -m bench.loadrun`: N clients chatting at the same time through the full stack.

Starts the backend, the action server and Rasa (with the repo's endpoints.yml, on free ports on
127.0.0.1, SQLite under var/bench/load/) the way `make bench` does, creates one client per
conversation through the backend's admin CLI, and lets every client, all at once, give consent
and do exercises over the REST channel, confirming every point the bot proposes. Afterwards it
reads each client's dossier through the backend API (service token) and checks that every
confirmed insight arrived exactly once. Prints a table and writes docs/load.json: p50/p95/p99
turn latency, turns per second, errors, insights confirmed / arrived / lost / duplicated.

Exit status 0 only with zero errors, zero lost and zero duplicated insights.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench.load import PhaseResult, Script, Turn, run_phase
from bench.procinfo import cpu_seconds, peak_rss_mib
from bench.run import BENCH_ENV, create_clients, create_counsellor, git_commit, now, start_rasa
from tests.scaleout.cluster import Cluster
from tests.stack import rasa_argv
from tools.stack_env import ROOT

DEFAULT_OUT = ROOT / "docs" / "load.json"
VAR_DIR = ROOT / "var" / "bench" / "load"
MODEL = ROOT / "models" / "loopbaan.tar.gz"
MODEL_CHECK_SECONDS = 60
API_TIMEOUT_SECONDS = 30
MAX_REVIEW_POINTS = 12  # a review longer than this is a bot gone wrong, not a client being thorough


def log(message: str) -> None:
    print(f"load: {message}", flush=True)


# --- what a client says -------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    """One exercise as a client goes through it: the button that starts it, then per question
    what the bot's question contains (any of) and the client's answer; then the review, in which
    the client confirms every point. `turns` is how many turns it takes with this model (the
    questions plus the points the bot proposes), used to fit exercises into the turn budget."""

    name: str
    start: str
    steps: Tuple[Tuple[Tuple[str, ...], str], ...]
    turns: int


# Two variants of each exercise, with different sentences: the dossier's idempotency key is
# (chat, category, value, sentence), so a second round with the same words would rightly be
# stored once and look like a lost insight here.
EXERCISES: Tuple[Exercise, ...] = (
    Exercise("qualities", "/start_qualities", (
        (("wat gebeurde er",), "Vorige week heb ik een boze klant met veel geduld geholpen."),
        (("deed jij", "deed je"), "Ik heb alles nauwkeurig nagekeken en rustig uitgelegd."),
        (("kwaliteit",), "geduldig en nauwkeurig"),
        (("anderen",), "Mijn collega zegt dat ik behulpzaam ben."),
    ), turns=9),  # 5 + geduldig, nauwkeurig, behulpzaam, the quadrant of geduldig
    Exercise("motives", "/start_motives", (
        (("energie",), "als ik zelf mocht beslissen hoe ik mijn dag indeel"),
        (("kostte je", "zwaar"), "de eindeloze vergaderingen zonder resultaat"),
        (("belangrijkst",), "autonomie"),
        (("zeker hebben", "must"), "een vast contract"),
        (("zeker niet meer", "niet te nemen"), "ik wil geen nachtploegen meer"),
    ), turns=9),  # 6 + autonomie, the must-have, the deal-breaker
    Exercise("qualities", "/start_qualities", (
        (("wat gebeurde er",), "Ik heb een nieuwe collega wegwijs gemaakt in ons team."),
        (("deed jij", "deed je"), "Ik heb een handleiding geschreven en elke dag tijd gemaakt voor haar vragen."),
        (("kwaliteit",), "creatief en zelfstandig"),
        (("anderen",), "Een vriendin zegt dat ik goed kan luisteren."),
    ), turns=9),
    Exercise("motives", "/start_motives", (
        (("energie",), "ik kreeg energie als ik klanten echt verder kon helpen"),
        (("kostte je", "zwaar"), "het vele papierwerk maakte me moe"),
        (("belangrijkst",), "zekerheid"),
        (("zeker hebben", "must"), "fijne collega's"),
        (("zeker niet meer", "niet te nemen"), "geen lange verplaatsingen"),
    ), turns=9),
)
OPENING = ("hallo", "/affirm")  # the greeting, then yes to consent

POINT = re.compile(
    r"(?:Punt \d+ van \d+|\b\d+/\d+): (?P<value>.+?)\. (?:Klopt dat\?|Mag dit zo in je dossier\?)", re.DOTALL
)
SAVED = re.compile(r"bewaard in je dossier: |\bBewaard: ")
QUEUED = re.compile(r"[Gg]enoteerd: .*(?:niet bereikbaar|niet bereiken)", re.DOTALL)
NOT_STORED = re.compile(r"niet gekoppeld aan een dossier|hoort niet bij een dossier|ik heb niets bewaard|er komt niets in je dossier")


def plan(turn_budget: int) -> List[Exercise]:
    """The exercises that fit into `turn_budget` turns after the opening, in order."""
    chosen: List[Exercise] = []
    used = len(OPENING)
    for exercise in EXERCISES:
        if used + exercise.turns > turn_budget:
            break
        chosen.append(exercise)
        used += exercise.turns
    return chosen


def planned_turns(exercises: Sequence[Exercise]) -> int:
    return len(OPENING) + sum(exercise.turns for exercise in exercises)


class ExercisesConversation(Script):
    """Consent, then the planned exercises one after the other, confirming every point; stops
    (and names the problem) as soon as the bot says something the client did not expect."""

    def __init__(self, exercises: Sequence[Exercise]) -> None:
        self.exercises = list(exercises)
        self.next_exercise = 0
        self.current: Optional[Exercise] = None
        self.step = 0
        self.points = 0
        self.stored = 0
        self.trouble: Optional[str] = None

    def _stop(self, problem: str) -> None:
        self.trouble = problem
        return None

    def next_message(self, turns: List[Turn]) -> Optional[str]:
        if self.trouble:
            return None
        if len(turns) < len(OPENING):
            if turns and "computerprogramma" not in turns[0].text():
                return self._stop(f"the opening does not say it is a computer program: {turns[0].text()[:200]!r}")
            return OPENING[len(turns)]
        last = turns[-1].text()
        if self.current is None:
            if self.next_exercise >= len(self.exercises):
                return None
            self.current, self.step, self.points = self.exercises[self.next_exercise], 0, 0
            self.next_exercise += 1
            return self.current.start
        name = f"{self.current.name} (exercise {self.next_exercise})"
        if self.step < len(self.current.steps):
            expected, answer = self.current.steps[self.step]
            if not any(word in last.lower() for word in expected):
                return self._stop(f"{name}: expected a question with {' or '.join(map(repr, expected))}, got {last[:200]!r}")
            self.step += 1
            return answer
        if SAVED.search(last) or QUEUED.search(last):
            self.stored += 1
            self.current = None
            return self.next_message(turns)
        if NOT_STORED.search(last):
            return self._stop(f"{name}: the bot stored nothing: {last[:200]!r}")
        if POINT.search(last):
            self.points += 1
            if self.points > MAX_REVIEW_POINTS:
                return self._stop(f"{name}: more than {MAX_REVIEW_POINTS} points to review")
            return "/affirm"
        return self._stop(f"{name}: expected a point to review or 'bewaard', got {last[:200]!r}")

    def problem(self, turns: List[Turn]) -> Optional[str]:
        if self.trouble:
            return self.trouble
        if self.stored < len(self.exercises):
            return f"{self.stored} of {len(self.exercises)} exercises stored; last answer: {turns[-1].text()[:200]!r}"
        return None


def confirmed_points(turns: Sequence[Turn]) -> Dict[str, Any]:
    """What the client confirmed, read from the bot's answers: a point counts when the client
    said /affirm to it and the review ended with the bot saying it was stored (or queued)."""
    confirmed: List[str] = []
    pending: List[str] = []
    asked: Optional[str] = None
    queued_answers = 0
    for turn in turns:
        if asked is not None and turn.message == "/affirm" and not turn.error:
            pending.append(asked)
        text = turn.text()
        if SAVED.search(text) or QUEUED.search(text):
            queued_answers += bool(QUEUED.search(text))
            confirmed += pending
            pending = []
        elif NOT_STORED.search(text):
            pending = []
        match = POINT.search(text)
        asked = match.group("value").strip() if match else None
    return {"values": confirmed, "unstored": len(pending), "queued_answers": queued_answers}


# --- the dossier ----------------------------------------------------------------------------------


async def dossier_values(session: aiohttp.ClientSession, backend_url: str, token: str, chat_id: str) -> List[str]:
    async with session.get(
        f"{backend_url}/api/v1/chats/{chat_id}/insights",
        headers={"Authorization": f"Bearer {token}"},
        timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_SECONDS),
    ) as response:
        body = await response.json(content_type=None)
        if response.status != 200:
            raise RuntimeError(f"GET insights of {chat_id}: HTTP {response.status} {body}")
        return [insight["value"] for insight in body["insights"]]


def compare(confirmed: Sequence[str], stored: Sequence[str]) -> Dict[str, int]:
    """Confirmed points against dossier rows, as multisets of values (values are cut at 200
    characters on the way in, as bot/actions/dossier.py does)."""
    want, have = Counter(value[:200] for value in confirmed), Counter(stored)
    return {
        "confirmed": sum(want.values()),
        "arrived": sum(min(count, have[value]) for value, count in want.items()),
        "lost": sum(max(0, count - have[value]) for value, count in want.items()),
        "duplicated": sum(max(0, have[value] - count) for value, count in want.items()),
        "unexpected": sum(count for value, count in have.items() if value not in want),
    }


async def check_dossiers(
    backend_url: str, token: str, confirmed: Dict[str, List[str]], settle_seconds: float
) -> Dict[str, Any]:
    """Reads every client's dossier; while something is missing (a write waiting in the
    outbox), reads again once a second for at most `settle_seconds`."""
    deadline = time.monotonic() + settle_seconds
    async with aiohttp.ClientSession() as session:
        while True:
            stored = dict(zip(confirmed, await asyncio.gather(
                *(dossier_values(session, backend_url, token, chat_id) for chat_id in confirmed)
            )))
            per_client = {chat_id: compare(values, stored[chat_id]) for chat_id, values in confirmed.items()}
            if not any(counts["lost"] for counts in per_client.values()) or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
    totals = {key: sum(counts[key] for counts in per_client.values()) for key in ("confirmed", "arrived", "lost", "duplicated", "unexpected")}
    problems = {
        chat_id: {**counts, "confirmed_values": confirmed[chat_id], "dossier_values": stored[chat_id]}
        for chat_id, counts in per_client.items()
        if counts["lost"] or counts["duplicated"] or counts["unexpected"]
    }
    return {**totals, "clients_with_problems": problems}


# --- the run ------------------------------------------------------------------------------------


def wait_for_model(path: Path, timeout_seconds: float) -> None:
    """Someone else trains the model: wait for it (checked once a minute), never train here."""
    deadline = time.monotonic() + timeout_seconds
    size = -1
    while True:
        current = path.stat().st_size if path.exists() else -1
        if current > 0 and current == size:  # present and no longer growing
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"load: no model at {path} after {timeout_seconds:.0f} s (make train makes it)")
        if current <= 0:
            log(f"waiting for {path.relative_to(ROOT)} (checking every {MODEL_CHECK_SECONDS} s)")
        size = current
        time.sleep(MODEL_CHECK_SECONDS if current <= 0 else 5)


def wait_for_quiet(max_load: float, timeout_seconds: float) -> float:
    """Waits (bounded) until the 1-minute load average is below `max_load`; returns it."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        load = os.getloadavg()[0]
        if load < max_load:
            return load
        if time.monotonic() > deadline:
            log(f"load average still {load:.2f} after {timeout_seconds:.0f} s; measuring anyway")
            return load
        log(f"load average {load:.2f} >= {max_load}; waiting")
        time.sleep(15)


class LoadSampler(threading.Thread):
    """The highest 1-minute load average seen while the conversations run."""

    def __init__(self, every_seconds: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every = every_seconds
        self.highest = os.getloadavg()[0]
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(self.every):
            self.highest = max(self.highest, os.getloadavg()[0])

    def stop(self) -> float:
        self.finished.set()
        self.join(timeout=self.every + 1)
        return round(max(self.highest, os.getloadavg()[0]), 2)


def tracker_store_type(endpoints: Path) -> Optional[str]:
    """`SQL` (plain Rasa) or e.g. `rasa_server.tracker_store.TunedSQLTrackerStore`, as the file says."""
    match = re.search(r"(?ms)^tracker_store:\s*$.*?^\s+type:\s*(\S+)", endpoints.read_text())
    return match.group(1) if match else None


def _loadavg() -> List[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _git_dirty() -> Optional[bool]:
    import subprocess

    try:
        result = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(result.stdout.strip()) if result.returncode == 0 else None


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    exercises = plan(args.turns)
    if not exercises:
        raise SystemExit(f"load: --turns {args.turns} leaves no room for an exercise (at least {planned_turns(EXERCISES[:1])})")
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
    endpoints = Path(args.endpoints) if Path(args.endpoints).is_absolute() else ROOT / args.endpoints
    cluster = Cluster.create(VAR_DIR, {"RASA_MODEL": str(MODEL), **BENCH_ENV})
    try:
        log("starting the backend and the action server")
        cluster.start("backend", "actions")
        port = cluster.env["RASA_PORT"]
        log(f"starting Rasa ({endpoints.name}) on 127.0.0.1:{port}")
        startup = start_rasa(cluster, "rasa", rasa_argv(port, MODEL, endpoints, token=cluster.env["RASA_TOKEN"]), int(port), "hallo")
        log(f"Rasa answers {startup} s after its start")
        create_counsellor(cluster)
        chats = create_clients(cluster, args.conversations + args.warmup)
        log(f"{len(chats)} clients created")
        url = cluster.env["RASA_URL"]
        max_turns = planned_turns(exercises) + MAX_REVIEW_POINTS

        if args.warmup:
            warm = asyncio.run(run_phase("warm-up", url, [chats.pop() for _ in range(args.warmup)], lambda: ExercisesConversation(exercises), max_turns))
            warmup_errors = sorted({turn.error for turn in warm.errors})
            log(f"warm-up (not counted): {len(warm.turns)} turns, errors {len(warm.errors)} {warmup_errors[:3]}")
        else:
            warmup_errors = []

        senders = chats[: args.conversations]
        pids = {name: process.pid for name, process in cluster.processes.items()}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        load_at_start = _loadavg()
        sampler = LoadSampler()
        sampler.start()
        log(f"{len(senders)} conversations at once, {planned_turns(exercises)} turns each ({', '.join(e.name for e in exercises)})")
        try:
            result: PhaseResult = asyncio.run(run_phase("load", url, senders, lambda: ExercisesConversation(exercises), max_turns))
        finally:
            highest_load = sampler.stop()
        result.cpu_seconds = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        load_at_end = _loadavg()

        by_sender: Dict[str, List[Turn]] = {sender: [] for sender in senders}
        for turn in result.turns:
            by_sender[turn.sender].append(turn)
        points = {sender: confirmed_points(turns) for sender, turns in by_sender.items()}
        log("reading every client's dossier")
        dossier = asyncio.run(check_dossiers(
            cluster.env["BACKEND_URL"], cluster.env["SERVICE_TOKEN"],
            {sender: found["values"] for sender, found in points.items()}, args.settle_seconds,
        ))
        memory = {name: peak_rss_mib(pid) for name, pid in pids.items()}
        summary = result.summary()
        return {
            "measured_at": now(),
            "git_commit": git_commit(),
            "git_dirty": _git_dirty(),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "load_average": {"before_start_up": args.load_before, "at_start": load_at_start, "highest_1min_during": highest_load, "at_end": load_at_end},
            "settings": {
                "conversations": args.conversations, "turn_budget": args.turns, "turns_per_conversation": planned_turns(exercises),
                "exercises": [exercise.name for exercise in exercises], "warmup_conversations": args.warmup,
                "endpoints": str(endpoints.relative_to(ROOT)) if endpoints.is_relative_to(ROOT) else str(endpoints),
                "tracker_store": tracker_store_type(endpoints),
                "model": str(MODEL.relative_to(ROOT)), "model_modified": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(MODEL.stat().st_mtime)),
                "stores": "SQLite (tracker store and dossier) under var/bench/load/",
            },
            "conversations": summary["conversations"],
            "turns": summary["turns"],
            "errors": summary["errors"],
            "error_examples": summary["error_examples"],
            "latency_ms": {"p50": summary["median_ms"], "p95": summary["p95_ms"], "p99": summary["p99_ms"], "mean": summary["mean_ms"],
                           "max": round(1000 * max(result.latencies), 1) if result.latencies else None},
            "turns_per_second": summary["turns_per_second"],
            "wall_seconds": summary["wall_seconds"],
            "cpu_ms_per_turn": summary["cpu_ms_per_turn"],
            "peak_memory_mib": memory,
            "rasa_startup_seconds": startup,
            "warmup_errors": warmup_errors,
            "insights": {
                "confirmed": dossier["confirmed"],
                "arrived": dossier["arrived"],
                "lost": dossier["lost"],
                "duplicated": dossier["duplicated"],
                "unexpected": dossier["unexpected"],
                "reviewed_but_not_stored": sum(found["unstored"] for found in points.values()),
                "answers_saying_queued": sum(found["queued_answers"] for found in points.values()),
                "clients_with_problems": dossier["clients_with_problems"],
            },
        }
    finally:
        cluster.stop()


def table(report: Dict[str, Any]) -> str:
    latency, insights, load = report["latency_ms"], report["insights"], report["load_average"]
    rows = [
        ("conversations at once", report["conversations"]),
        ("tracker store (endpoints file)", f"{report['settings']['tracker_store']} ({report['settings']['endpoints']})"),
        ("turns (per conversation)", f"{report['turns']} ({report['settings']['turns_per_conversation']})"),
        ("turn latency p50 / p95 / p99", f"{latency['p50']} / {latency['p95']} / {latency['p99']} ms"),
        ("turns per second", report["turns_per_second"]),
        ("errors", report["errors"]),
        ("insights confirmed", insights["confirmed"]),
        ("insights arrived (exactly once)", insights["arrived"]),
        ("insights lost / duplicated / unexpected", f"{insights['lost']} / {insights['duplicated']} / {insights['unexpected']}"),
        ("load average at start / highest / at end (1 min)", f"{load['at_start'][0]} / {load['highest_1min_during']} / {load['at_end'][0]}"),
        ("CPU ms per turn", ", ".join(f"{name} {value}" for name, value in report["cpu_ms_per_turn"].items())),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append(f"commit {report['git_commit']}{' (with uncommitted changes)' if report['git_dirty'] else ''}, {report['measured_at']}")
    return "\n".join(lines)


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM ends the run like Ctrl-C, so that the processes started here are stopped."""
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadrun", description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=20, help="simultaneous client conversations (default 20)")
    parser.add_argument("--turns", type=int, default=20, help="turn budget per conversation: as many exercises as fit (default 20)")
    parser.add_argument("--warmup", type=int, default=1, help="conversations run before the measured ones, not counted (default 1)")
    parser.add_argument("--endpoints", default="endpoints.yml", help="endpoints file of the Rasa server (default: the repo's)")
    parser.add_argument("--settle-seconds", type=float, default=60, help="how long to wait for writes still in the outbox (default 60)")
    parser.add_argument("--max-load", type=float, default=3.0, help="wait until the 1-minute load average is below this (default 3)")
    parser.add_argument("--load-wait", type=float, default=600, help="wait at most this long for that, then measure anyway (default 600 s)")
    parser.add_argument("--model-wait", type=float, default=1200, help="wait at most this long for models/loopbaan.tar.gz (default 1200 s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON report (default docs/load.json)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _interrupt)
    wait_for_model(MODEL, args.model_wait)
    args.load_before = round(wait_for_quiet(args.max_load, args.load_wait), 2)
    report = measure(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table(report), flush=True)
    log(f"wrote {args.out}")
    insights = report["insights"]
    if insights["clients_with_problems"]:
        log(f"clients whose dossier does not match: {json.dumps(insights['clients_with_problems'], ensure_ascii=False)[:2000]}")
    if report["error_examples"]:
        log(f"errors, e.g.: {report['error_examples']}")
    ok = report["errors"] == 0 and insights["lost"] == 0 and insights["duplicated"] == 0 and insights["confirmed"] > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
