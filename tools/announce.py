"""Procfile helper: waits until the stack answers, creates the demo accounts, prints the URLs.

It then idles, because honcho stops every process as soon as one of them exits.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from tools.readiness import health_urls, wait_until_ready

READY_TIMEOUT_SECONDS = 300


def main() -> int:
    env = dict(os.environ)
    try:
        wait_until_ready(health_urls(env), READY_TIMEOUT_SECONDS)
    except TimeoutError as error:
        print(f"The stack did not start: {error}", file=sys.stderr)
        return 1
    demo = json.loads(
        subprocess.run([sys.executable, "-m", "backend", "demo"], check=True, capture_output=True, text=True, env=env).stdout
    )
    print(
        "\n".join(
            [
                "",
                "Everything is running:",
                f"  Counsellor dashboard: {env['PUBLIC_URL']}/   (log in as {demo['email']} / {demo['password']})",
                f"  Client chat page:     {demo['invite_url']}",
                f"  Rasa REST channel:    {env['RASA_URL']}/webhooks/rest/webhook   (sender = {demo['chat_id']})",
                f"  Status page:          {env['PUBLIC_URL']}/status",
                "Press Ctrl-C to stop.",
                "",
            ]
        ),
        flush=True,
    )
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    signal.sigwait(stop_signals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
