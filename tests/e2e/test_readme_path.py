"""The README walked as a new user walks it.

`make run`'s own launcher (tools.run: honcho and the Procfile) starts the stack in a copy of the
working tree, on free ports given through the environment, and the test waits for its
announcement. The admin commands of the README's "Reaching each part" section then run as
written, in a second "terminal" with no DATABASE_URL. A client made by them consents and does the
qualities exercise over the REST channel, and the counsellor finds the confirmed quality on the
dashboard. Ctrl-C (SIGINT to the launcher) stops everything.

The copy keeps the developer's own var/ (dossier, secrets) out of the test; the virtualenv,
the trained model, the browser library and the spaCy pipeline are linked, not copied.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlsplit

import pytest
import requests

from backend.config import installation_secret
from tests.chat_auth import chat_auth
from tests.stack import free_port
from tools.announce import READY_LINE
from tools.readiness import answers
from tools.stack_env import ROOT

ANNOUNCE_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 120
# Built or installed by `make run`'s set-up; linked into the copy.
LINKED = (".venv", "models", "web/node_modules", "var/spacy")
# What the launcher's caller may have set that a user's first terminal has not.
STACK_VARIABLES = (
    "DATABASE_URL", "TRACKER_STORE_URL", "OUTBOX_PATH", "PUBLIC_URL", "RASA_URL", "BACKEND_URL",
    "ACTION_ENDPOINT_URL", "SERVICE_TOKEN", "SESSION_SECRET", "RASA_TOKEN", "DEMO_PASSWORD",
    "RASA_PORT", "ACTIONS_PORT", "BACKEND_PORT", "PYTHONPATH", "CHAT_TOKEN_SECRET", "SANIC_HOST",
)


def working_copy(destination: Path) -> Path:
    """The tracked and untracked files of the working tree, as a fresh clone plus local edits."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, timeout=60,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for name in LINKED:
        assert (ROOT / name).exists(), f"{name} is missing: run `make train` first"
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).symlink_to(ROOT / name)
    return destination


def user_env() -> Dict[str, str]:
    """A user's terminal: none of the stack's variables."""
    return {key: value for key, value in os.environ.items() if key not in STACK_VARIABLES}


def readme_admin_commands(block: int = 0) -> List[str]:
    """The shell lines of one of the README's admin command blocks (0: setting up, 1: when
    something changes), in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reaching each part", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```sh\n(.*?)```", section, re.S)[block]
    return [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]



class Launcher:
    """`python -m tools.run` as `make run` starts it, with its console in a file."""

    def __init__(self, workdir: Path, ports: Dict[str, int]) -> None:
        self.workdir = workdir
        self.console = workdir / "console.log"
        env = {**user_env(), **{name: str(port) for name, port in ports.items()}}
        with self.console.open("wb") as out:
            self.process = subprocess.Popen(
                [str(workdir / ".venv" / "bin" / "python"), "-m", "tools.run"],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def text(self) -> str:
        return self.console.read_text(errors="replace")

    def wait_for_announcement(self) -> str:
        deadline = time.monotonic() + ANNOUNCE_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if READY_LINE in self.text() and "Press Ctrl-C to stop." in self.text():
                return self.text()
            if self.process.poll() is not None:
                break
            time.sleep(1)
        self.stop()
        raise AssertionError(f"no announcement from make run's launcher; its console:\n{self.text()[-6000:]}")

    def stop(self) -> int:
        """Ctrl-C: SIGINT to the whole process group, as a terminal sends it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
                raise AssertionError(f"Ctrl-C did not stop the stack; its console:\n{self.text()[-4000:]}")
        return self.process.returncode


def run_shell(line: str, workdir: Path) -> str:
    result = subprocess.run(
        ["bash", "-c", line], cwd=workdir, env=user_env(), capture_output=True, text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, f"{line}\nfailed with {result.returncode}: {result.stderr[-2000:]}"
    return result.stdout


def texts(answers_: List[dict]) -> str:
    return " ".join(answer.get("text", "") for answer in answers_)


def log_in(browser: requests.Session, backend: str, email: str, password: str) -> str:
    """The dashboard's login form, as a browser fills it in; returns the page after it."""
    form = browser.get(f"{backend}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    page = browser.post(
        f"{backend}/login", data={"csrf_token": token, "email": email, "password": password}, timeout=30
    )
    assert page.status_code == 200 and "/login" not in page.url, f"login as {email} failed"
    return page.text


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    workdir = working_copy(tmp_path_factory.mktemp("readme") / "loopbaan")
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(), "BACKEND_PORT": free_port()}
    launcher = Launcher(workdir, ports)
    try:
        announcement = launcher.wait_for_announcement()
        yield launcher, announcement, ports
    finally:
        launcher.stop()


def test_the_readme_path_from_make_run_to_the_dashboard(launched):
    launcher, announcement, ports = launched
    workdir = launcher.workdir
    backend = f"http://127.0.0.1:{ports['BACKEND_PORT']}"
    rasa = f"http://127.0.0.1:{ports['RASA_PORT']}"

    # The announcement: dashboard with a working login, chat page, REST address, status page.
    login = re.search(r"log in as (\S+) with password (\S+)", announcement)
    assert login, announcement
    assert f"{backend}/" in announcement and f"{backend}/status" in announcement
    assert f"{rasa}/webhooks/rest/webhook" in announcement
    invite_url = re.search(r"Client chat page:\s+(\S+)", announcement).group(1)
    assert requests.get(invite_url, timeout=30).status_code == 200, "the announced chat page opens"
    assert "Traceback" not in announcement

    # The README's admin commands, pasted as written into a second terminal.
    outputs = [run_shell(line, workdir) for line in readme_admin_commands()]
    created = [json_line for json_line in map(_json, outputs) if "chat_id" in json_line]
    assert len(created) == 1, outputs
    client = created[0]
    assert client["client_id"] == 2, "the README names client 2: make run's demo client is 1"

    # Without the chat token that `clients create` printed, the REST channel refuses the message.
    refused = requests.post(f"{rasa}/webhooks/rest/webhook", json={"sender": client["chat_id"], "message": "hallo"}, timeout=60)
    assert refused.status_code == 401, refused.text
    fresh = [line for line in map(_json, outputs) if set(line) == {"chat_token"}]
    assert fresh and fresh[0]["chat_token"], "the README's `clients token` prints a token"

    # The client chats over REST with it: consent, then the qualities exercise to its review.
    def say(message: str) -> str:
        response = requests.post(
            f"{rasa}/webhooks/rest/webhook", json={"sender": client["chat_id"], "message": message},
            headers={"Authorization": f"Bearer {client['chat_token']}"}, timeout=60,
        )
        response.raise_for_status()
        return texts(response.json())

    assert "computerprogramma" in say("hallo")
    consented = say("ja")
    assert "beginnen" in consented or "starten" in consented, consented
    say("/start_qualities")
    say("Vorige week heb ik een boze klant met veel geduld geholpen.")
    assert "geduldig" in say("Ik heb alles nauwkeurig nagekeken en rustig uitgelegd.")
    say("geduldig en nauwkeurig")
    review = say("Mijn collega's noemen mij behulpzaam.")
    for _ in range(10):
        if "bewaard" in review.lower():
            break
        review = say("/affirm")
    assert "bewaard" in review.lower(), review

    # The export from the README's command holds what the client confirmed.
    export_line = next(line for line in readme_admin_commands() if "clients export" in line)
    export = _json(run_shell(export_line, workdir))
    assert "geduldig" in {insight["value"] for insight in export["insights"]}

    # The counsellor made by the README logs in and finds it on the client's page.
    password = re.search(r"echo '([^']+)'", readme_admin_commands()[0]).group(1)
    email = re.search(r"--email (\S+)", readme_admin_commands()[0]).group(1)
    with requests.Session() as browser:
        assert "Anaïs De Smet" in log_in(browser, backend, email, password)
        page = browser.get(f"{backend}/clients/{client['client_id']}", timeout=30)
        assert page.status_code == 200
        assert "geduldig" in page.text and "boze klant" in page.text
    # And the demo login that make run announced works too.
    with requests.Session() as browser:
        assert "Demo Cliënt" in log_in(browser, backend, *login.groups())

    # A chat that no dossier belongs to (a token signed for it, e.g. of an erased client) hears so
    # at the consent question, before any exercise.
    stranger = {"sender": "geen-dossier-" + os.urandom(4).hex()}
    secret = installation_secret("CHAT_TOKEN_SECRET", workdir / "var")
    stranger_auth = chat_auth(stranger["sender"], {"CHAT_TOKEN_SECRET": secret})

    def stranger_says(message: str) -> str:
        response = requests.post(f"{rasa}/webhooks/rest/webhook", json={**stranger, "message": message}, headers=stranger_auth, timeout=60)
        return texts(response.json())

    assert "computerprogramma" in stranger_says("hallo")
    refused = stranger_says("ja")
    assert "dossier" in refused and "link" in refused and "beginnen" not in refused, refused

    # The README's commands for when something changes, pasted as written: a new link and chat
    # id for client 2 (the old ones stop working), An disabled, then a new password for An.
    changes = [run_shell(line, workdir) for line in readme_admin_commands(block=1)]
    renewed = _json(changes[0])
    assert renewed["client_id"] == 2 and renewed["chat_id"] != client["chat_id"]
    # (The CLI writes links with PUBLIC_URL; here the backend listens on a port of the test's own.)
    old_link = requests.get(backend + urlsplit(client["invite_url"]).path, timeout=30)
    assert old_link.status_code == 404 and "Deze link werkt niet" in old_link.text
    assert requests.get(backend + urlsplit(renewed["invite_url"]).path, timeout=30).status_code == 200
    with requests.Session() as browser:
        new_password = re.search(r"echo '([^']+)'", readme_admin_commands(block=1)[2]).group(1)
        for tried, status in ((password, 401), (new_password, 403)):  # the old password is gone; An is disabled
            form = browser.get(f"{backend}/login", timeout=30).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            answer = browser.post(f"{backend}/login", data={"csrf_token": token, "email": email, "password": tried}, timeout=30)
            assert answer.status_code == status, (tried, answer.status_code)
        assert "uitgeschakeld" in answer.text

    # Ctrl-C stops all three processes.
    assert launcher.stop() is not None
    assert not any(answers(url) for url in (f"{rasa}/version", f"{backend}/api/v1/health"))


def _json(output: str) -> dict:
    return json.loads(output) if output.strip().startswith("{") else {}
