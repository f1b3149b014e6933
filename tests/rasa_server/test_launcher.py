"""python -m rasa_server run: Rasa listens on 127.0.0.1 unless RASA_INTERFACE says otherwise, and
its API token comes from RASA_TOKEN in the environment, never from the command line that `ps`
shows every user of the machine."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from rasa_server.__main__ import server_arguments
from tests.stack import Stack

LOOPBACK = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def as_rasa_reads(arguments):
    """What Rasa's own command line makes of the arguments the launcher hands it."""
    from rasa.__main__ import create_argument_parser  # inside a test: its import warns (filtered)

    return create_argument_parser().parse_args(arguments)


def test_the_server_listens_on_127_0_0_1_with_the_token_from_the_environment():
    seen = as_rasa_reads(server_arguments(["run", "--enable-api", "--port", "5999"], {"RASA_TOKEN": "from-env"}))
    assert (seen.interface, seen.auth_token, seen.port, seen.enable_api) == ("127.0.0.1", "from-env", 5999, True)


def test_rasa_interface_moves_the_server_and_the_command_line_still_wins():
    assert as_rasa_reads(server_arguments(["run"], {"RASA_INTERFACE": "0.0.0.0"})).interface == "0.0.0.0"
    given = ["run", "--enable-api", "-i", "10.1.2.3", "--auth-token", "given"]
    seen = as_rasa_reads(server_arguments(given, {"RASA_INTERFACE": "0.0.0.0", "RASA_TOKEN": "from-env"}))
    assert (seen.interface, seen.auth_token) == ("10.1.2.3", "given")


@pytest.mark.parametrize("token_option", [["--auth-token", "given"], ["--auth-token=given"], ["-tgiven"]])
def test_a_token_passed_on_the_command_line_keeps_working_without_rasa_token(token_option):
    arguments = server_arguments(["run", "--enable-api", *token_option], {})
    assert as_rasa_reads(arguments).auth_token == "given"


def test_the_api_without_any_token_is_refused_before_rasa_starts():
    with pytest.raises(SystemExit, match="RASA_TOKEN is not set"):
        server_arguments(["run", "--enable-api", "--port", "5999"], {"RASA_TOKEN": ""})
    assert as_rasa_reads(server_arguments(["run"], {})).auth_token is None  # no API: nothing to protect


def test_other_commands_pass_unchanged():
    for argv in (["run", "actions", "--actions", "bot.actions"], ["train", "--fixed-model-name", "x"], []):
        assert server_arguments(argv, {"RASA_TOKEN": "from-env", "RASA_INTERFACE": "0.0.0.0"}) == argv


# --- a real Rasa server, started as the Procfile starts it ------------------------------------------


@pytest.fixture(scope="module")
def rasa(tmp_path_factory):
    running = Stack.create(tmp_path_factory.mktemp("launcher"), {"RASA_INTERFACE": ""})  # the default
    running.start("rasa")
    yield running
    running.stop()


def command_lines():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), (entry / "cmdline").read_bytes()
            except OSError:  # ended meanwhile
                continue


def listening_addresses(port: int) -> set:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_no_command_line_on_the_machine_shows_the_token(rasa):
    token = rasa.env["RASA_TOKEN"].encode()
    pid = rasa.processes["rasa"].pid
    lines = dict(command_lines())
    assert b"rasa_server" in lines[pid] and token in Path(f"/proc/{pid}/environ").read_bytes()
    assert [p for p, line in lines.items() if token in line] == []


def test_the_api_refuses_a_request_without_the_token_and_answers_one_with_it(rasa):
    status = f"{rasa.env['RASA_URL']}/status"
    assert requests.get(status, timeout=30).status_code == 401
    assert requests.get(status, params={"token": "wrong"}, timeout=30).status_code == 401
    answer = requests.get(status, params={"token": rasa.env["RASA_TOKEN"]}, timeout=30)
    assert answer.status_code == 200 and answer.json()["model_file"]
    # The token travels in the query string (Rasa 3.6 reads it nowhere else); Sanic's access
    # log, which would write it, stays below Rasa's LOG_LEVEL_LIBRARIES (ERROR by default).
    assert rasa.env["RASA_TOKEN"] not in (rasa.var_dir / "rasa.log").read_text(errors="replace")


def test_rasa_listens_on_this_machine_only(rasa):
    assert listening_addresses(int(rasa.env["RASA_PORT"])) == {LOOPBACK}
