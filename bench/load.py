"""Drives conversations over Rasa's REST channel: one or many at once, each its own sender id,
every request bounded by a timeout; records the latency of every turn."""
from __future__ import annotations

import asyncio
import functools
import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import aiohttp

from backend.config import installation_secret
from contract import chat_token

TURN_TIMEOUT_SECONDS = 60.0

# A conversation is a function that gets the answers so far and returns the next message,
# or None when it is over; `check` says whether the conversation went as it should.


@dataclass
class Turn:
    sender: str
    index: int
    message: str
    seconds: float
    error: Optional[str] = None
    answers: List[Dict[str, Any]] = field(default_factory=list)
    served_by: Optional[str] = None

    def text(self) -> str:
        return " ".join(answer.get("text") or "" for answer in self.answers)


class Script:
    """A conversation shape: `next_message(turns)` gives the next message or None to stop;
    `problem(turns)` names what went wrong when the conversation was not coherent."""

    def next_message(self, turns: List[Turn]) -> Optional[str]:
        raise NotImplementedError

    def problem(self, turns: List[Turn]) -> Optional[str]:
        return None


@functools.lru_cache(maxsize=1)
def _chat_token_secret() -> Optional[str]:
    """The secret of the stack the bench started (var/secrets.env, as `make run` writes it), read
    once: not a file read in every measured turn."""
    return os.environ.get(chat_token.SECRET_VARIABLE) or installation_secret(chat_token.SECRET_VARIABLE)


def chat_auth(sender: str) -> Dict[str, str]:
    """Our REST channel wants a chat token for the sender. Plain Rasa ignores it."""
    secret = _chat_token_secret()
    return {"Authorization": f"Bearer {chat_token.issue(sender, secret)}"} if secret else {}


async def say(session: aiohttp.ClientSession, base_url: str, sender: str, message: str, index: int) -> Turn:
    started = time.perf_counter()
    try:
        async with session.post(
            f"{base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            headers=chat_auth(sender),
            timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS),
        ) as response:
            body = await response.json(content_type=None)
            seconds = time.perf_counter() - started
            served_by = response.headers.get("X-Served-By")
            if response.status != 200:
                return Turn(sender, index, message, seconds, f"HTTP {response.status}", served_by=served_by)
            if not isinstance(body, list) or not body:
                return Turn(sender, index, message, seconds, "no answer", served_by=served_by)
            return Turn(sender, index, message, seconds, answers=body, served_by=served_by)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return Turn(sender, index, message, time.perf_counter() - started, f"{type(error).__name__}: {error}")


async def converse(session: aiohttp.ClientSession, base_url: str, sender: str, script: Script, max_turns: int = 40) -> List[Turn]:
    turns: List[Turn] = []
    while len(turns) < max_turns:
        message = script.next_message(turns)
        if message is None:
            break
        turn = await say(session, base_url, sender, message, len(turns))
        turns.append(turn)
        if turn.error:
            break  # the rest of this conversation would measure nothing meaningful
    problem = None if any(turn.error for turn in turns) else script.problem(turns)
    if problem and turns:
        turns[-1].error = f"incoherent: {problem}"
    return turns


@dataclass
class PhaseResult:
    """`conversations` at once, each run through its script; latencies in seconds."""

    label: str
    conversations: int
    wall_seconds: float
    turns: List[Turn]
    cpu_seconds: Dict[str, float] = field(default_factory=dict)  # per process, during the phase

    @property
    def latencies(self) -> List[float]:
        return [turn.seconds for turn in self.turns if not turn.error]

    @property
    def errors(self) -> List[Turn]:
        return [turn for turn in self.turns if turn.error]

    def summary(self) -> Dict[str, Any]:
        latencies = sorted(self.latencies)
        return {
            "conversations": self.conversations,
            "turns": len(self.turns),
            "errors": len(self.errors),
            "error_examples": sorted({turn.error for turn in self.errors})[:5],
            "median_ms": _ms(percentile(latencies, 50)),
            "p95_ms": _ms(percentile(latencies, 95)),
            "p99_ms": _ms(percentile(latencies, 99)),
            "mean_ms": _ms(statistics.fmean(latencies) if latencies else None),
            "turns_per_second": round(len(self.turns) / self.wall_seconds, 2) if self.wall_seconds else None,
            "wall_seconds": round(self.wall_seconds, 2),
            "cpu_ms_per_turn": {
                name: round(1000 * seconds / len(self.turns), 1) for name, seconds in self.cpu_seconds.items()
            } if self.turns else {},
        }


def _ms(seconds: Optional[float]) -> Optional[float]:
    return None if seconds is None else round(seconds * 1000, 1)


def percentile(sorted_values: Sequence[float], q: float) -> Optional[float]:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


async def run_phase(
    label: str, base_url: str, senders: Sequence[str], make_script: Callable[[], Script], max_turns: int = 40
) -> PhaseResult:
    """All `senders` converse at the same time, each with a fresh script of at most `max_turns` turns."""
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        results = await asyncio.gather(*(converse(session, base_url, sender, make_script(), max_turns) for sender in senders))
        wall = time.perf_counter() - started
    return PhaseResult(label, len(senders), wall, [turn for turns in results for turn in turns])


def merge(label: str, phases: Sequence[PhaseResult]) -> PhaseResult:
    """Several rounds of the same phase as one result (turns/s over the summed wall time)."""
    cpu: Dict[str, float] = {}
    for phase in phases:
        for name, seconds in phase.cpu_seconds.items():
            cpu[name] = cpu.get(name, 0.0) + seconds
    return PhaseResult(
        label,
        phases[0].conversations if phases else 0,
        sum(phase.wall_seconds for phase in phases),
        [turn for phase in phases for turn in phase.turns],
        cpu,
    )
