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
    phases, variants = report["phases"], report["variants"]
    c = str(report["settings"]["concurrency"])
    keys = list(variants)
    header = ["measure", "reference (`rasa init`)"]
    for key in keys:
        header += [variants[key]["label"], "/ reference"]
    rows: List[List[str]] = []

    def row(name: str, ref: Any, values: List[Any], unit: str = "", ratio: bool = True) -> None:
        cells = [name, _fmt(ref, unit)]
        for value in values:
            cells += [_fmt(value, unit), _fmt(_ratio(value, ref), "x") if ratio else ""]
        rows.append(cells)

    for n in ("1", c):
        label = "1 conversation" if n == "1" else f"{n} simultaneous conversations"
        ref = phases["reference"][n]
        for key, name in (("median_ms", "median"), ("p95_ms", "p95"), ("p99_ms", "p99")):
            row(f"turn latency {name}, {label}", ref[key], [phases[k][n][key] for k in keys], " ms")
        row(f"turns per second, {label}", ref["turns_per_second"], [phases[k][n]["turns_per_second"] for k in keys])
        row(f"Rasa server CPU per turn, {label}", ref["cpu_ms_per_turn"].get("rasa"), [phases[k][n]["cpu_ms_per_turn"].get("rasa") for k in keys], " ms")
        rows.append([f"errors / turns, {label}", f"{ref['errors']} / {ref['turns']}", *[cell for k in keys for cell in (f"{phases[k][n]['errors']} / {phases[k][n]['turns']}", "")]])
    row("start-up to first answer", report["startup_seconds"].get("reference"), [report["startup_seconds"].get(k) for k in keys], " s")
    memory = report["memory_mib"]
    row("peak memory, Rasa server (VmHWM)", memory.get("reference_rasa"), [memory.get(f"{k}_rasa") for k in keys], " MiB")
    training, ref_info = report["training"], report["reference"]
    rows.append([
        "training time", f"{_fmt(ref_info.get('init_and_training_seconds'), ' s')} (`rasa init`, with its set-up)",
        f"{_fmt(training.get('seconds'), ' s')} ({training.get('source')})", *([""] * (2 * len(keys) - 1)),
    ])
    lines = [_row(header), _row(["---"] * len(header)), *(_row(cells) for cells in rows)]
    shared = [f"action server {_fmt(memory.get('actions'), ' MiB')}", f"dossier backend {_fmt(memory.get('backend'), ' MiB')}"]
    lines += ["", f"Our other processes, peak memory: {', '.join(shared)}; their CPU per turn is in docs/bench.json (`cpu_ms_per_turn`)."]

    scaleout = report.get("scaleout") or {}
    if "one_instance" in scaleout:
        one, two = scaleout["one_instance"], scaleout["two_instances"]
        lines += [
            "",
            f"Scale-out ({scaleout['conversations']} simultaneous conversations of our bot; tracker store and dossier on PostgreSQL, lock store on Redis):",
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

    target_label = variants[report["target_variant"]]["label"]
    lines += ["", f"Targets, for {target_label}:", "", _row(["target", "wanted", "measured", "met"]), _row(["---"] * 4)]
    for target in report.get("targets", []):
        met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
        lines.append(_row([target["name"], target["target"], _fmt(target["value"]), met]))
    lines += [
        "",
        f"Measured {report['measured_at']} at commit {report.get('git_commit') or '?'} on {report['machine']['cores']} cores "
        f"(load average {report['machine'].get('load_average_at_start')} at the start); "
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

    phases, variants = report["phases"], report["variants"]
    c = str(report["settings"]["concurrency"])
    keys = ["reference", *variants]
    short = {"reference": "reference", "ours": "ours", "ours_plain": "ours, plain rasa"}
    names = {key: short.get(key, key) for key in keys}
    colours = {"reference": "#9bb7d4", "ours": "#c9731e", "ours_tuned": "#2f6b9a"}
    figure, (latency, throughput, memory) = plt.subplots(1, 3, figsize=(13, 3.8), dpi=100)

    groups = [("1", "median_ms"), ("1", "p95_ms"), (c, "median_ms"), (c, "p95_ms")]
    width = 0.8 / len(keys)
    for offset, key in enumerate(keys):
        values = [phases[key][n][metric] or 0 for n, metric in groups]
        positions = [index + (offset - (len(keys) - 1) / 2) * width for index in range(len(groups))]
        latency.bar(positions, values, width, color=colours.get(key, "#777777"), label=names[key])
    latency.set_xticks(range(len(groups)), [f"{metric.split('_')[0]}\n{n} conv." for n, metric in groups], fontsize=7)
    latency.set_ylabel("ms per turn")
    latency.set_yscale("log")
    latency.set_title("Turn latency over REST (log scale)")
    latency.legend([variants[key]["label"] if key in variants else "reference (rasa init)" for key in keys], fontsize=6)

    labels = [f"{names[key]}\n{c} conv." for key in keys]
    values = [phases[key][c]["turns_per_second"] or 0 for key in keys]
    bar_colours = [colours.get(key, "#777777") for key in keys]
    scaleout = report.get("scaleout") or {}
    if "one_instance" in scaleout:
        labels += ["PG + Redis\n1 instance", "PG + Redis\n2 + HAProxy"]
        values += [scaleout["one_instance"]["turns_per_second"] or 0, scaleout["two_instances"]["turns_per_second"] or 0]
        bar_colours += ["#7fb07f", "#2e7d32"]
    throughput.bar(range(len(values)), values, color=bar_colours)
    throughput.set_xticks(range(len(values)), labels, fontsize=6)
    throughput.set_ylabel("turns per second")
    throughput.set_title("Throughput")

    peaks = report["memory_mib"]
    bars = [(f"{key}_rasa", f"{names[key]}\nRasa") for key in keys] + [("actions", "action\nserver"), ("backend", "dossier\nbackend")]
    memory.bar(range(len(bars)), [peaks.get(name) or 0 for name, _ in bars], color=[colours.get(key, "#777777") for key in keys] + ["#999999", "#999999"])
    memory.axhline(1430.5, color="#b00020", linestyle="--", linewidth=1)
    memory.text(len(bars) - 0.5, 1430.5, "1.5 GB", color="#b00020", fontsize=7, ha="right", va="bottom")
    memory.set_xticks(range(len(bars)), [label for _, label in bars], fontsize=6)
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
