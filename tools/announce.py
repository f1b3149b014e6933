"""Procfile helper: waits until the stack answers, creates the demo accounts, prints the URLs.

It then idles, because honcho stops every process as soon as one of them exits.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Mapping

from backend.demo import DemoAccounts
from tools.readiness import health_urls, wait_until_ready

READY_TIMEOUT_SECONDS = 300
# The first line of the announcement: tests wait for it (tests/e2e/test_readme_path.py).
READY_LINE = "Everything is running:"


def announcement(env: Mapping[str, str], demo: DemoAccounts) -> str:
    """What `make run` prints once the three processes answer."""
    return "\n".join(
        [
            "",
            READY_LINE,
            f"  Counsellor dashboard: {env['PUBLIC_URL']}/",
            f"      log in as {demo.email} with password {demo.password}",
            f"  Client chat page:     {demo.invite_url}",
            f"  Rasa REST channel:    {env['RASA_URL']}/webhooks/rest/webhook   (sender = {demo.chat_id})",
            f"      with the header 'Authorization: Bearer <token>' from:"
            f" .venv/bin/python -m backend clients token --client {demo.client_id}",
            f"  Status page:          {env['PUBLIC_URL']}/status",
            "Admin commands in a second terminal: see README.md, 'Reaching each part'.",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def demo_accounts(env: Mapping[str, str]) -> DemoAccounts:
    result = subprocess.run(
        [sys.executable, "-m", "backend", "demo"], capture_output=True, text=True, env=dict(env), timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m backend demo failed: {result.stderr.strip()}")
    return DemoAccounts.from_json(result.stdout)


def main() -> int:
    env = dict(os.environ)
    try:
        wait_until_ready(health_urls(env), READY_TIMEOUT_SECONDS)
        demo = demo_accounts(env)
    except (TimeoutError, RuntimeError) as error:
        print(f"The stack did not start: {error}", file=sys.stderr)
        return 1
    print(announcement(env, demo), flush=True)
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    signal.sigwait(stop_signals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
