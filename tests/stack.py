"""Starts the real processes (backend, action server, Rasa) on free ports for a test."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

from tests.chat_auth import chat_auth
from tools.readiness import health_urls, wait_until_ready
from tools.stack_env import ROOT, stack_env

VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 20


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rasa_argv(
    port: int | str, model: str, endpoints: Path | str = "endpoints.yml", credentials: Path | str = "credentials.yml",
    *, token: Optional[str] = None, plain: bool = False,
) -> List[str]:
    """Our Rasa server as the Procfile starts it (`python -m rasa_server run`, Rasa with the
    changes of rasa_server/patches.py), or with `plain` Rasa's own `rasa run`.

    Our launcher takes Rasa's API token from RASA_TOKEN and the interface from RASA_INTERFACE
    (127.0.0.1 by default) in the environment the process is started with, so neither is on its
    command line. Plain Rasa reads neither: it gets `token` (the test stack's RASA_TOKEN) as
    --auth-token and 127.0.0.1 as --interface; without a token its API is open to anyone who
    reaches the port."""
    if plain:
        launcher = [str(VENV_BIN / "rasa"), "run", "--interface", "127.0.0.1", *(["--auth-token", token] if token else [])]
    else:
        launcher = [sys.executable, "-m", "rasa_server", "run"]
    return [
        *launcher, "--enable-api", "--port", str(port), "--model", str(model),
        "--endpoints", str(endpoints), "--credentials", str(credentials),
    ]


def commands(env: Dict[str, str]) -> Dict[str, List[str]]:
    return {
        "backend": [sys.executable, "-m", "backend", "serve", "--port", env["BACKEND_PORT"]],
        "actions": [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "bot.actions", "--port", env["ACTIONS_PORT"]],
        "rasa": rasa_argv(env["RASA_PORT"], env["RASA_MODEL"], token=env["RASA_TOKEN"]),
    }


@dataclass
class Stack:
    var_dir: Path
    env: Dict[str, str]
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    log_files: Dict[str, object] = field(default_factory=dict)

    @classmethod
    def create(cls, var_dir: Path, extra_env: Optional[Dict[str, str]] = None) -> "Stack":
        from cryptography.fernet import Fernet

        base = {
            **os.environ,
            "SERVICE_TOKEN": "test-token-" + os.urandom(8).hex(),
            "SESSION_SECRET": Fernet.generate_key().decode(),
            "RASA_TOKEN": "test-rasa-token-" + os.urandom(8).hex(),
            "OUTBOX_RETRY_SECONDS": "1",
            **(extra_env or {}),
        }
        env = stack_env(base, rasa_port=free_port(), actions_port=free_port(), backend_port=free_port(), var_dir=var_dir)
        return cls(var_dir=var_dir, env=env)

    def start(self, *names: str) -> None:
        names = names or ("backend", "actions", "rasa")
        for name in names:
            log = self.log_files[name] = open(self.var_dir / f"{name}.log", "ab")
            self.processes[name] = subprocess.Popen(
                commands(self.env)[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        urls = {name: url for name, url in health_urls(self.env).items() if name in names}
        def exited() -> List[str]:
            return [name for name in names if self.processes[name].poll() is not None]

        try:
            wait_until_ready(urls, STARTUP_TIMEOUT_SECONDS, exited)
        except TimeoutError as error:
            self.stop()
            raise AssertionError(f"stack did not start ({error}); logs:\n{self.logs()}")

    def stop(self, *names: str) -> None:
        for name in names or list(self.processes):
            process = self.processes.pop(name, None)
            if process is None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            self.log_files.pop(name).close()

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in self.var_dir.glob("*.log"))

    def admin(self, *args: str, stdin: str = "") -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "backend", *args], cwd=ROOT, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def say(self, chat_id: str, text: str) -> List[dict]:
        """One REST message from `chat_id`, with a chat token signed as the backend signs it."""
        response = requests.post(
            f"{self.env['RASA_URL']}/webhooks/rest/webhook", json={"sender": chat_id, "message": text},
            headers=chat_auth(chat_id, self.env), timeout=60,
        )
        response.raise_for_status()
        return response.json()
