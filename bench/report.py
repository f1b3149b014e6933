"""The benchmark's outputs: a table on stdout, docs/bench.json, docs/bench.png, and the table
section of docs/performance.md (between its bench markers; the rest of the page is left alone)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

START_MARK = "<!-- bench:table:start (written by `make bench`) -->"
END_MARK = "<!-- bench:table:end -->"


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    return f"{value}{unit}"


def table(report: Dict[str, Any]) -> str:
    phases, ratios = report["phases"], report["ratios"]
    c = str(report["settings"]["concurrency"])
    rows: List[List[str]] = [["measure", "reference (`rasa init`)", "ours", "ours / reference"]]
    for n in ("1", c):
        ours, ref = phases["ours"][n], phases["reference"][n]
        label = "1 conversation" if n == "1" else f"{n} simultaneous conversations"
        for key, name in (("median_ms", "median"), ("p95_ms", "p95"), ("p99_ms", "p99")):
            ratio = _ratio(ours[key], ref[key])
            rows.append([f"turn latency {name}, {label}", _fmt(ref[key], " ms"), _fmt(ours[key], " ms"), _fmt(ratio, "x")])
        rows.append([f"turns per second, {label}", _fmt(ref["turns_per_second"]), _fmt(ours["turns_per_second"]), _fmt(_ratio(ours["turns_per_second"], ref["turns_per_second"]), "x")])
        rows.append([f"errors / turns, {label}", f"{ref['errors']} / {ref['turns']}", f"{ours['errors']} / {ours['turns']}", ""])
    startup = report["startup_seconds"]
    rows.append(["start-up to first answer", _fmt(startup["reference"], " s"), _fmt(startup["ours"], " s"), _fmt(_ratio(startup["ours"], startup["reference"]), "x")])
    memory = report["memory_mib"]
    rows.append(["peak memory, Rasa server (VmHWM)", _fmt(memory.get("reference_rasa"), " MiB"), _fmt(memory.get("ours_rasa"), " MiB"), _fmt(_ratio(memory.get("ours_rasa"), memory.get("reference_rasa")), "x")])
    rows.append(["peak memory, action server", "–", _fmt(memory.get("ours_actions"), " MiB"), ""])
    rows.append(["peak memory, dossier backend", "–", _fmt(memory.get("ours_backend"), " MiB"), ""])
    training, ref = report["training"], report["reference"]
    rows.append([
        "training time", f"{_fmt(ref.get('init_and_training_seconds'), ' s')} (`rasa init`, incl. set-up)",
        f"{_fmt(training.get('seconds'), ' s')} ({training.get('source')})", "",
    ])
    lines = [_row(rows[0]), _row(["---"] * 4), *(_row(row) for row in rows[1:])]

    scaleout = report.get("scaleout") or {}
    if "one_instance" in scaleout:
        one, two = scaleout["one_instance"], scaleout["two_instances"]
        lines += [
            "",
            f"Scale-out ({scaleout['conversations']} simultaneous conversations of our bot; PostgreSQL tracker store and dossier, Redis lock store):",
            "",
            _row(["measure", "one instance (direct)", "two instances (HAProxy)", "two / one"]),
            _row(["---"] * 4),
            _row(["turns per second", _fmt(one["turns_per_second"]), _fmt(two["turns_per_second"]), _fmt(scaleout.get("throughput_ratio"), "x")]),
            _row(["turn latency median", _fmt(one["median_ms"], " ms"), _fmt(two["median_ms"], " ms"), _fmt(_ratio(two["median_ms"], one["median_ms"]), "x")]),
            _row(["turn latency p95", _fmt(one["p95_ms"], " ms"), _fmt(two["p95_ms"], " ms"), _fmt(_ratio(two["p95_ms"], one["p95_ms"]), "x")]),
            _row(["errors / turns", f"{one['errors']} / {one['turns']}", f"{two['errors']} / {two['turns']}", ""]),
            _row(["turns served per instance", "rasa_a only", ", ".join(f"{k}: {v}" for k, v in scaleout.get("served_by", {}).items()), ""]),
        ]
    elif scaleout.get("skipped"):
        lines += ["", f"Scale-out: skipped ({scaleout['skipped']})."]

    lines += ["", _row(["target", "wanted", "measured", "met"]), _row(["---"] * 4)]
    for target in report.get("targets", []):
        met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
        lines.append(_row([target["name"], target["target"], _fmt(target["value"]), met]))
    lines += [
        "",
        f"Measured {report['measured_at']} at commit {report.get('git_commit') or '?'} on {report['machine']['cores']} cores; "
        f"{report['settings']['rounds']} alternating rounds, {report['settings']['turns_per_conversation']} turns per conversation; "
        f"the whole run took {report['duration_seconds']} s.",
    ]
    return "\n".join(lines)


def _ratio(ours: Optional[float], theirs: Optional[float]) -> Optional[float]:
    return round(ours / theirs, 2) if ours is not None and theirs else None


def _row(cells: List[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def chart(report: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = report["phases"]
    c = str(report["settings"]["concurrency"])
    figure, (latency, throughput, memory) = plt.subplots(1, 3, figsize=(12, 3.6), dpi=100)
    groups = ["1", c]
    width = 0.2
    for offset, (bot, key, colour) in enumerate([
        ("reference", "median_ms", "#9bb7d4"), ("ours", "median_ms", "#2f6b9a"),
        ("reference", "p95_ms", "#f2c48d"), ("ours", "p95_ms", "#c9731e"),
    ]):
        values = [phases[bot][n][key] or 0 for n in groups]
        positions = [index + (offset - 1.5) * width for index in range(len(groups))]
        latency.bar(positions, values, width, color=colour, label=f"{bot} {key.split('_')[0]}")
    latency.set_xticks(range(len(groups)), [f"{n} conversation{'s' if n != '1' else ''}" for n in groups])
    latency.set_ylabel("ms per turn")
    latency.set_title("Turn latency (REST)")
    latency.legend(fontsize=7)

    labels = [f"reference\n{c} conv.", f"ours\n{c} conv."]
    values = [phases["reference"][c]["turns_per_second"] or 0, phases["ours"][c]["turns_per_second"] or 0]
    scaleout = report.get("scaleout") or {}
    if "one_instance" in scaleout:
        labels += ["ours, PG+Redis\n1 instance", "ours, PG+Redis\n2 + HAProxy"]
        values += [scaleout["one_instance"]["turns_per_second"] or 0, scaleout["two_instances"]["turns_per_second"] or 0]
    throughput.bar(range(len(values)), values, color=["#9bb7d4", "#2f6b9a", "#7fb07f", "#2e7d32"][: len(values)])
    throughput.set_xticks(range(len(values)), labels, fontsize=7)
    throughput.set_ylabel("turns per second")
    throughput.set_title("Throughput")

    peaks = report["memory_mib"]
    names = [("reference_rasa", "reference\nRasa"), ("ours_rasa", "ours\nRasa"), ("ours_actions", "ours\nactions"), ("ours_backend", "ours\nbackend")]
    memory.bar(range(len(names)), [peaks.get(key) or 0 for key, _ in names], color=["#9bb7d4", "#2f6b9a", "#2f6b9a", "#2f6b9a"])
    memory.axhline(1536, color="#b00020", linestyle="--", linewidth=1)
    memory.text(len(names) - 0.5, 1536, "1.5 GB target", color="#b00020", fontsize=7, ha="right", va="bottom")
    memory.set_xticks(range(len(names)), [label for _, label in names], fontsize=7)
    memory.set_ylabel("MiB (VmHWM)")
    memory.set_title("Peak memory")

    figure.suptitle(f"Loopbaan-companion vs. bare rasa init bot, measured {report['measured_at'][:10]}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def update_performance_page(path: Path, text: str) -> None:
    block = f"{START_MARK}\n{text}\n{END_MARK}"
    page = path.read_text() if path.exists() else "# Performance\n\n" + block + "\n"
    if START_MARK in page and END_MARK in page:
        before, rest = page.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        page = before + block + after
    elif block not in page:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(page)


def write_outputs(report: Dict[str, Any], out: Path, log: Callable[[str], None]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = table(report)
    log("\n" + text + "\n")
    (out / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    chart(report, out / "bench.png")
    update_performance_page(out / "performance.md", text)
    log(f"bench: wrote {out / 'bench.json'}, {out / 'bench.png'} and the table in {out / 'performance.md'}")
