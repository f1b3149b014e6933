"""`make bench` / `python -m bench`: our bot side by side with a bare `rasa init` bot.

Both Rasa servers run at the same time on free ports on 127.0.0.1 and are measured in
alternating rounds, so that whatever else the machine does hits both alike: the ratios (ours
divided by the reference's) are the figures that count. Then the scale-out set-up (two Rasa
servers behind HAProxy, PostgreSQL and Redis) against one of its instances alone.
Writes docs/bench.json, docs/bench.png and the table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import aiohttp

from bench import reference
from bench.conversations import QualitiesConversation, ReferenceConversation
from bench.load import PhaseResult, merge, run_phase, say
from bench.procinfo import cpu_seconds, peak_rss_mib
from bench.report import write_outputs
from tests.scaleout.cluster import Cluster, Unavailable, port_variable, start_scaleout
from tests.stack import VENV_BIN, free_port, rasa_argv
from tools.stack_env import ROOT

DOCS = ROOT / "docs"
# A bench conversation sends its turns back to back, faster than a person types: the chat
# rate limit per client (bot/channels/ratelimit.py) is off for all bench processes.
BENCH_ENV = {"CHAT_RATE_LIMIT_MESSAGES": "0"}
FIRST_ANSWER_TIMEOUT_SECONDS = 120
TRAIN_TIMEOUT_SECONDS = 1800
COUNSELLOR = "bench@example.org"


def log(message: str) -> None:
    print(message, flush=True)


# --- training -------------------------------------------------------------------------------------


def measure_training(env: Dict[str, str]) -> Dict[str, Any]:
    """`rasa train --force` of our bot into a temporary folder (models/ is left alone)."""
    log("bench: training our model with --force into a temporary folder (several minutes)")
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        started = time.monotonic()
        with open(ROOT / "var" / "bench" / "train.log", "wb") as output:
            result = subprocess.run(
                [
                    str(VENV_BIN / "rasa"), "train", "--force", "--config", "config.yml", "--domain", "bot/domain.yml",
                    "--data", "bot/data", "--out", out, "--fixed-model-name", "loopbaan",
                ],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=TRAIN_TIMEOUT_SECONDS,
            )
        seconds = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(f"rasa train failed (exit {result.returncode}); see var/bench/train.log")
    return {"seconds": round(seconds, 1), "measured_at": now(), "source": "measured in this run (--train)"}


def recorded_training(previous: Dict[str, Any]) -> Dict[str, Any]:
    recorded = previous.get("training") or {}
    if recorded.get("seconds") is None:
        return {"seconds": None, "measured_at": None, "source": "not measured yet (run with --train)"}
    return {
        "seconds": recorded["seconds"],
        "measured_at": recorded.get("measured_at"),
        "source": f"recorded {str(recorded.get('measured_at', ''))[:10]} (not retrained; --train measures again)",
    }


# --- servers ----------------------------------------------------------------------------------


async def _first_answer(url: str, sender: str, message: str) -> None:
    deadline = time.monotonic() + FIRST_ANSWER_TIMEOUT_SECONDS
    async with aiohttp.ClientSession() as session:
        while True:
            turn = await say(session, url, sender, message, 0)
            if not turn.error:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from {url} within {FIRST_ANSWER_TIMEOUT_SECONDS} s: {turn.error}")
            await asyncio.sleep(0.1)


def start_rasa(cluster: Cluster, name: str, argv: List[str], port: int, message: str, **launch: Any) -> float:
    """Starts a Rasa server; returns the seconds from the start to its first answer."""
    started = time.monotonic()
    cluster.launch(name, argv, f"http://127.0.0.1:{port}/version", **launch)
    asyncio.run(_first_answer(f"http://127.0.0.1:{port}", f"startup-{uuid.uuid4().hex[:8]}", message))
    return round(time.monotonic() - started, 1)


def create_clients(cluster: Cluster, count: int) -> List[str]:
    """Chat ids of `count` new clients of the bench counsellor (admin CLI, a few at a time)."""
    def one(index: int) -> str:
        return cluster.admin("clients", "create", "--counsellor", COUNSELLOR, "--name", f"Bench Cliënt {index}")["chat_id"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def create_counsellor(cluster: Cluster) -> None:
    cluster.admin("counsellors", "create", "--email", COUNSELLOR, "--name", "Bench Begeleider", "--password-stdin", stdin="bench-wachtwoord-123\n")


def memory(cluster: Cluster, names: List[str]) -> Dict[str, Optional[float]]:
    return {name: peak_rss_mib(cluster.processes[name].pid) for name in names if name in cluster.processes}


# --- the run ----------------------------------------------------------------------------------


def phase(label: str, url: str, senders: List[str], make_script: Callable, processes: Optional[Dict[str, int]] = None) -> PhaseResult:
    """One phase; `processes` (name -> pid) are those whose CPU time is counted."""
    before = {name: cpu_seconds(pid) for name, pid in (processes or {}).items()}
    result = asyncio.run(run_phase(label, url, senders, make_script))
    result.cpu_seconds = {name: cpu_seconds(pid) - before[name] for name, pid in (processes or {}).items()}
    summary = result.summary()
    log(
        f"bench:   {label:<28} {summary['turns']:>4} turns  median {summary['median_ms']} ms  p95 {summary['p95_ms']} ms  "
        f"{summary['turns_per_second']} turns/s  errors {summary['errors']}  CPU ms/turn {summary['cpu_ms_per_turn']}"
    )
    return result


TUNED_STORE = "rasa_server.tracker_store.TunedSQLTrackerStore"


def our_variants(args: argparse.Namespace, var_dir: Path) -> List[Dict[str, Any]]:
    """Our bot as the Procfile starts it (`python -m rasa_server`, the tuned tracker store) and,
    unless --no-plain-variant, also on plain Rasa: `rasa run` with Rasa's SQL tracker store."""
    endpoints = Path(args.endpoints) if Path(args.endpoints).is_absolute() else ROOT / args.endpoints
    text = endpoints.read_text()
    variants: List[Dict[str, Any]] = [{"key": "ours", "label": f"ours ({endpoints.name}, python -m rasa_server)", "endpoints": str(endpoints), "plain": False}]
    plain_text = re.sub(r"(?m)^(\s*type:\s*)" + re.escape(TUNED_STORE) + r"\s*$", lambda match: match.group(1) + "SQL", text, count=1)
    if not args.no_plain_variant:
        plain = var_dir / "endpoints.plain.yml"
        plain.write_text(plain_text)
        variants.append({"key": "ours_plain", "label": "ours on plain rasa run", "endpoints": str(plain), "plain": True})
    return variants


def side_by_side(args: argparse.Namespace, env: Dict[str, str], var_dir: Path) -> Dict[str, Any]:
    cluster = Cluster.create(var_dir / "single", BENCH_ENV)
    variants = our_variants(args, var_dir)
    try:
        log("bench: starting backend and action server")
        cluster.start("backend", "actions")
        ports = {"reference": free_port(), **{variant["key"]: free_port() for variant in variants}}
        log("bench: starting the reference Rasa server")
        startup = {"reference": start_rasa(
            cluster, "reference_rasa", rasa_argv(ports["reference"], reference.model_path(), "endpoints.yml", ROOT / "credentials.yml", token=cluster.env["RASA_TOKEN"], plain=True),
            ports["reference"], "hello", cwd=reference.REFERENCE_DIR, env=reference.rasa_env(env),
        )}
        log(f"bench: the reference answers {startup['reference']} s after its start")
        for variant in variants:
            key = variant["key"]
            startup[key] = start_rasa(cluster, f"{key}_rasa", rasa_argv(ports[key], cluster.env["RASA_MODEL"], variant["endpoints"], token=cluster.env["RASA_TOKEN"], plain=variant["plain"]), ports[key], "hallo")
            log(f"bench: {variant['label']} answers {startup[key]} s after its start")
        urls = {key: f"http://127.0.0.1:{port}" for key, port in ports.items()}
        pids = {name: process.pid for name, process in cluster.processes.items()}
        counted = {"reference": {"rasa": pids["reference_rasa"]}}
        for variant in variants:
            counted[variant["key"]] = {"rasa": pids[f"{variant['key']}_rasa"], "actions": pids["actions"], "backend": pids["backend"]}

        create_counsellor(cluster)
        sequential, concurrency = args.sequential_conversations, args.concurrency
        chats = create_clients(cluster, len(variants) * (2 + args.rounds * (sequential + concurrency)))
        log(f"bench: {len(chats)} clients created")

        # Warm-up (not counted): two conversations each; ours sets the number of turns.
        turns_per_conversation = 0
        for variant in variants:
            warm = phase(f"warm-up {variant['key']}", urls[variant["key"]], [chats.pop(), chats.pop()], QualitiesConversation)
            turns_per_conversation = max(turns_per_conversation, len(warm.turns) // 2)

        def reference_script() -> ReferenceConversation:
            return ReferenceConversation(turns_per_conversation)

        phase("warm-up reference", urls["reference"], [f"ref-warm-{uuid.uuid4().hex[:8]}" for _ in range(2)], reference_script)

        bots = ["reference", *(variant["key"] for variant in variants)]
        rounds: Dict[str, Dict[int, List[PhaseResult]]] = {bot: {1: [], concurrency: []} for bot in bots}

        def senders(bot: str, count: int) -> List[str]:
            if bot == "reference":
                return [f"ref-{uuid.uuid4().hex[:10]}" for _ in range(count)]
            return [chats.pop() for _ in range(count)]

        def script(bot: str):
            return reference_script if bot == "reference" else QualitiesConversation

        # Alternating rounds: whatever else the machine does hits every bot alike.
        for round_index in range(args.rounds):
            log(f"bench: round {round_index + 1}/{args.rounds}, one conversation at a time")
            for _ in range(sequential):
                for bot in bots:
                    rounds[bot][1].append(phase(f"{bot}, 1 conversation", urls[bot], senders(bot, 1), script(bot), counted[bot]))
        for round_index in range(args.rounds):
            log(f"bench: round {round_index + 1}/{args.rounds}, {concurrency} conversations at once")
            for bot in bots:
                rounds[bot][concurrency].append(phase(f"{bot}, {concurrency} conversations", urls[bot], senders(bot, concurrency), script(bot), counted[bot]))

        peaks = memory(cluster, list(cluster.processes))
        return {
            "variants": {variant["key"]: {"label": variant["label"], "endpoints": str(Path(variant["endpoints"]).relative_to(ROOT))} for variant in variants},
            "turns_per_conversation": turns_per_conversation,
            "startup_seconds": startup,
            "phases": {
                bot: {str(n): merge(f"{bot}, {n}", results).summary() for n, results in by_n.items()}
                for bot, by_n in rounds.items()
            },
            "memory_mib": {
                "reference_rasa": peaks.get("reference_rasa"),
                **{f"{variant['key']}_rasa": peaks.get(f"{variant['key']}_rasa") for variant in variants},
                "actions": peaks.get("actions"), "backend": peaks.get("backend"),
            },
        }
    finally:
        cluster.stop()


def scale_out(args: argparse.Namespace, var_dir: Path) -> Dict[str, Any]:
    log("bench: starting the scale-out set-up (2 Rasa servers, HAProxy, PostgreSQL, Redis)")
    try:
        setup = start_scaleout(var_dir / "scaleout", instances=2, extra_env=BENCH_ENV)
    except Unavailable as error:
        log(f"bench: scale-out skipped: {error}")
        return {"skipped": str(error)}
    try:
        create_counsellor(setup.cluster)
        chats = create_clients(setup.cluster, 2 + 2 * args.rounds * args.concurrency)
        for name in setup.instances:
            phase(f"warm-up {name}", setup.url(name), [chats.pop()], QualitiesConversation)
        results: Dict[str, List[PhaseResult]] = {"one": [], "two": []}
        for round_index in range(args.rounds):
            log(f"bench: scale-out round {round_index + 1}/{args.rounds}, {args.concurrency} conversations at once")
            results["one"].append(phase("one instance (direct)", setup.url("rasa_a"), [chats.pop() for _ in range(args.concurrency)], QualitiesConversation))
            results["two"].append(phase("two instances (HAProxy)", setup.url("lb"), [chats.pop() for _ in range(args.concurrency)], QualitiesConversation))
        summaries = {key: merge(key, value).summary() for key, value in results.items()}
        served = [turn.served_by for result in results["two"] for turn in result.turns if turn.served_by]
        return {
            "conversations": args.concurrency,
            "one_instance": summaries["one"],
            "two_instances": summaries["two"],
            "throughput_ratio": _ratio(summaries["two"]["turns_per_second"], summaries["one"]["turns_per_second"]),
            "served_by": {name: served.count(name) for name in sorted(set(served))},
            "memory_mib": {name: peak_rss_mib(setup.cluster.processes[name].pid) for name in [*setup.instances, "haproxy"]},
        }
    finally:
        setup.stop()


def _ratio(ours: Optional[float], theirs: Optional[float]) -> Optional[float]:
    return round(ours / theirs, 2) if ours is not None and theirs else None


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def git_commit() -> Optional[str]:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--train", action="store_true", help="also time `rasa train --force` of our bot (several minutes)")
    parser.add_argument("--train-only", action="store_true", help="only time the training (a quiet moment is best) and update that figure in the existing report")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per phase (default 3)")
    parser.add_argument("--sequential-conversations", type=int, default=4, help="conversations per round in the one-at-a-time phase")
    parser.add_argument("--concurrency", type=int, default=20, help="simultaneous conversations (default 20)")
    parser.add_argument("--no-scaleout", action="store_true", help="skip the scale-out set-up")
    parser.add_argument("--endpoints", default="endpoints.yml", help="endpoints file of our Rasa server (default: the repo's)")
    parser.add_argument("--no-plain-variant", action="store_true", help="do not also measure our bot on plain rasa run")
    parser.add_argument("--out", type=Path, default=DOCS, help="where bench.json, bench.png and performance.md go")
    args = parser.parse_args(argv)

    from tools.stack_env import stack_env

    env = stack_env(dict(os.environ))
    var_dir = ROOT / "var" / "bench" / "run"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    previous_path = args.out / "bench.json"
    previous = json.loads(previous_path.read_text()) if previous_path.exists() else {}
    started = time.monotonic()
    load_at_start = round(os.getloadavg()[0], 2)

    if args.train_only:
        return update_training(previous, measure_training(env), load_at_start, args.out)
    training = measure_training(env) if args.train else recorded_training(previous)
    ref_info = reference.ensure_reference(env, log)
    results = side_by_side(args, env, var_dir)
    scaleout = {"skipped": "--no-scaleout"} if args.no_scaleout else scale_out(args, var_dir)

    phases = results["phases"]
    c = str(args.concurrency)
    ratios = {}
    for key in results["variants"]:
        ours, ref = phases[key], phases["reference"]
        ratios[key] = {
            "median_1": _ratio(ours["1"]["median_ms"], ref["1"]["median_ms"]),
            f"median_{c}": _ratio(ours[c]["median_ms"], ref[c]["median_ms"]),
            "p95_1": _ratio(ours["1"]["p95_ms"], ref["1"]["p95_ms"]),
            f"p95_{c}": _ratio(ours[c]["p95_ms"], ref[c]["p95_ms"]),
            "p99_1": _ratio(ours["1"]["p99_ms"], ref["1"]["p99_ms"]),
            f"p99_{c}": _ratio(ours[c]["p99_ms"], ref[c]["p99_ms"]),
            f"turns_per_second_{c}": _ratio(ours[c]["turns_per_second"], ref[c]["turns_per_second"]),
        }
    report = {
        "measured_at": now(),
        "git_commit": git_commit(),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(), "load_average_at_start": load_at_start},
        "settings": {"rounds": args.rounds, "sequential_conversations": args.sequential_conversations, "concurrency": args.concurrency,
                     "turns_per_conversation": results["turns_per_conversation"]},
        "variants": results["variants"],
        "target_variant": list(results["variants"])[-1],
        "phases": phases,
        "ratios": ratios,
        "startup_seconds": results["startup_seconds"],
        "memory_mib": results["memory_mib"],
        "training": training,
        "reference": {"init_and_training_seconds": ref_info.get("init_and_training_seconds"), "made_at": ref_info.get("made_at")},
        "scaleout": scaleout,
        "duration_seconds": round(time.monotonic() - started),
    }
    report["targets"] = targets(report, c)
    write_outputs(report, args.out, log)
    return 0 if all(target["met"] is not False for target in report["targets"]) else 1


def update_training(report: Dict[str, Any], training: Dict[str, Any], load_at_start: float, out: Path) -> int:
    """The last report with a new training time (and the load average it started at)."""
    if not report:
        raise SystemExit("no docs/bench.json yet: run `python -m bench --train` first")
    report["training"] = {
        **training, "load_average_at_start": load_at_start,
        "source": f"measured alone with --train-only, {training['measured_at'][:10]}, load average {load_at_start} at its start",
    }
    report["targets"] = targets(report, str(report["settings"]["concurrency"]))
    write_outputs(report, out, log)
    return 0 if all(target["met"] is not False for target in report["targets"]) else 1


def targets(report: Dict[str, Any], c: str) -> List[Dict[str, Any]]:
    """The targets of the issue, for the last variant of our bot (tuned when there are two)."""
    key = report["target_variant"]
    phases, scaleout, ratios = report["phases"], report["scaleout"], report["ratios"][key]
    errors = sum(phases[key][n]["errors"] for n in phases[key])
    errors += sum(scaleout.get(name, {}).get("errors", 0) for name in ("one_instance", "two_instances"))
    rasa_memory = [report["memory_mib"].get(f"{key}_rasa"), *[v for k, v in scaleout.get("memory_mib", {}).items() if k.startswith("rasa_")]]
    rasa_memory = [value for value in rasa_memory if value is not None]
    training = report["training"].get("seconds")

    def check(name: str, target: str, value: Any, met: Optional[bool]) -> Dict[str, Any]:
        return {"name": name, "target": target, "value": value, "met": met}

    return [
        check("median latency ratio, 1 conversation", "<= 1.3", ratios["median_1"], _le(ratios["median_1"], 1.3)),
        check(f"median latency ratio, {c} conversations", "<= 1.3", ratios[f"median_{c}"], _le(ratios[f"median_{c}"], 1.3)),
        check("errors (our bot, all phases incl. scale-out)", "0", errors, errors == 0),
        check("Rasa server peak memory (MiB)", "< 1430 (1.5 GB)", max(rasa_memory) if rasa_memory else None, _le(max(rasa_memory), 1430.4) if rasa_memory else None),
        check("training time (s)", "< 300", training, _le(training, 299.9)),
    ]


def _le(value: Optional[float], limit: float) -> Optional[bool]:
    return None if value is None else value <= limit


if __name__ == "__main__":
    sys.exit(main())
