"""`python -m rasa_server <rasa arguments>`: Rasa's command line, after the changes of
rasa_server/patches.py are applied in this process.

    RASA_TOKEN=... .venv/bin/python -m rasa_server run --enable-api --port 5005 --endpoints endpoints.yml ...

Rasa 3.6 serves `rasa run` in the process that parses the command line (one Sanic worker),
so the changes apply to the server that answers.

For `run` (the server; not `run actions`) two settings come from the environment instead of
the command line:
- RASA_INTERFACE (default 127.0.0.1): the interface Rasa listens on. Rasa's own default is
  0.0.0.0; ours keeps the server on this machine, where HAProxy or a reverse proxy reaches it.
- RASA_TOKEN: the token of Rasa's HTTP API (Rasa's --auth-token). On the command line it would
  be in /proc/<pid>/cmdline, which `ps` shows every user of the machine; the environment of a
  process is readable by its owner only. It is added to Rasa's arguments inside this process.
An explicit -i/--interface or -t/--auth-token on the command line wins.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Mapping, Optional

DEFAULT_INTERFACE = "127.0.0.1"


def _names_a_token(arguments: List[str]) -> bool:
    # The options of `rasa run` that protect the API; argparse's forms (-tX, --auth-token=X).
    probe = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    probe.add_argument("-t", "--auth-token")
    probe.add_argument("--jwt-secret")
    known, _ = probe.parse_known_args(arguments)
    return bool(known.auth_token or known.jwt_secret)


def server_arguments(argv: List[str], environ: Mapping[str, str]) -> List[str]:
    """Rasa's arguments: for `run`, the interface and the token from `environ` go first, so
    that the caller's own -i/--interface or -t/--auth-token, later, wins (argparse keeps the
    last). Other commands pass unchanged."""
    if argv[:1] != ["run"] or argv[1:2] == ["actions"]:
        return list(argv)
    given = argv[1:]
    from_env = ["--interface", environ.get("RASA_INTERFACE") or DEFAULT_INTERFACE]
    token = environ.get("RASA_TOKEN")
    if token:
        from_env += ["--auth-token", token]
    elif "--enable-api" in given and not _names_a_token(given):
        # As the Procfiles' ${RASA_TOKEN:?} did before the token left the command line.
        raise SystemExit(
            "RASA_TOKEN is not set: with --enable-api Rasa's HTTP API would answer anyone who reaches "
            "the port (make run writes RASA_TOKEN into var/secrets.env; set it in the environment)"
        )
    return ["run", *from_env, *given]


def main(argv: Optional[List[str]] = None) -> None:
    arguments = server_arguments(sys.argv[1:] if argv is None else argv, os.environ)
    # skops (the intent regression's file format, bot/nlu/intent_blend.py) builds its table of
    # trusted types on import by searching every loaded module for each type: 0.8 s before
    # TensorFlow and Rasa are loaded, about 3 s after. Imported first, the model loads faster.
    import skops.io  # noqa: F401
    from rasa_server import patches

    patches.install()
    from rasa.__main__ import main as rasa_main

    # Only this process's copy: /proc/<pid>/cmdline keeps what the process was started with.
    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
