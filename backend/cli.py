"""`python -m backend`: serve the app, and the admin commands of CONTRACT.md.

Each admin command migrates first, prints one JSON object on stdout and exits 0; a mistake
prints a message on stderr and exits 2.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import Any, Awaitable, Callable, Dict, List, Optional

from sqlalchemy.exc import OperationalError

from backend import db
from backend.config import Config, ConfigError
from backend.dashboard.passwords import check_new_password, hash_password
from backend.dossier import accounts, validation
from backend.dossier.export import dossier_export
from backend.errors import DossierError
from backend.jobs.purge_command import purge_by_hand
from backend.rasa.tracker_store import TrackerStore
from backend.rasa.transcripts import TranscriptReader
from contract import chat_token

logger = logging.getLogger(__name__)

EXIT_USAGE = 2


def _print_json(data: Dict[str, Any], indent: Optional[int] = None) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=indent))


def _invite_url(config: Config, invite_token: str) -> str:
    return accounts.invite_url(config.public_url, invite_token)


async def _with_session(config: Config, work: Callable[[Any], Awaitable[Dict[str, Any]]]):
    engine = db.create_engine(config.database_url)
    try:
        async with db.make_sessionmaker(engine)() as s:
            return await work(s)
    finally:
        await engine.dispose()


def _read_password(stdin) -> str:
    # One line from a pipe or a prompt; only the line ending is not part of the password.
    return validation.password(stdin.readline().rstrip("\r\n"))


async def _create_counsellor(config: Config, args) -> Dict[str, Any]:
    email = validation.email(args.email)
    name = validation.name(args.name)
    password = _read_password(sys.stdin)
    check_new_password(password, email)
    password_hash = hash_password(password)

    async def work(s):
        counsellor = await accounts.create_counsellor(s, email, name, password_hash)
        return {"counsellor_id": counsellor.id}

    return await _with_session(config, work)


async def _disable_counsellor(config: Config, args) -> Dict[str, Any]:
    from backend.dashboard.account_admin import set_disabled

    email = validation.email(args.email)
    return await _with_session(config, lambda s: set_disabled(s, email, args.action == "disable"))


async def _reset_password(config: Config, args) -> Dict[str, Any]:
    from backend.dashboard.account_admin import reset_password

    email = validation.email(args.email)
    password = _read_password(sys.stdin)
    return await _with_session(config, lambda s: reset_password(s, email, password))


async def _create_client(config: Config, args) -> Dict[str, Any]:
    email = validation.email(args.counsellor)
    name = validation.name(args.name)

    async def work(s):
        counsellor = await accounts.counsellor_by_email(s, email)
        client = await accounts.create_client(s, counsellor.id, name)
        return {
            "client_id": client.id,
            "chat_id": client.chat_id,
            "chat_token": _chat_token(config, client.chat_id),
            "invite_url": _invite_url(config, client.invite_token),
        }

    return await _with_session(config, work)


def _chat_token(config: Config, chat_id: str) -> str:
    """A signed token for Rasa's REST channel (`Authorization: Bearer ...`), valid for hours."""
    if not config.chat_token_secret:
        raise ConfigError("CHAT_TOKEN_SECRET is not set (make run writes it into var/secrets.env)")
    return chat_token.issue(chat_id, config.chat_token_secret)


async def _client_token(config: Config, args) -> Dict[str, Any]:
    async def work(s):
        client = await accounts.client_by_id(s, args.client)
        return {"chat_token": _chat_token(config, client.chat_id)}

    return await _with_session(config, work)


async def _export_client(config: Config, args) -> Dict[str, Any]:
    with TrackerStore(config.tracker_store_url) as store:
        reader = TranscriptReader(store)
        return await _with_session(
            config, lambda s: dossier_export(s, reader, args.client, audit_as="export_dossier")
        )


async def _reissue_invite(config: Config, args) -> Dict[str, Any]:
    from backend.chat.access import reissue_invite
    from backend.rasa.rekey import mover

    async def work(s):
        client, revoked, unlinked = await reissue_invite(s, args.client, mover(store))
        return {
            "client_id": client.id,
            "chat_id": client.chat_id,
            "chat_token": _chat_token(config, client.chat_id),
            "invite_url": _invite_url(config, client.invite_token),
            "signed_out_browsers": revoked,
            "telegram_unlinked": unlinked,
        }

    with TrackerStore(config.tracker_store_url) as store:
        return await _with_session(config, work)


async def _demo(config: Config, args) -> Dict[str, Any]:
    from backend.demo import ensure_demo_accounts

    async def work(s):
        accounts = await ensure_demo_accounts(s, config.public_url, lambda token: _invite_url(config, token))
        return accounts.to_json()

    return await _with_session(config, work)


def _serve(config: Config, args) -> None:
    from aiohttp import web

    from backend.app import create_app
    from backend.web.log_redaction import RedactingAccessLogger

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config.check_serving()
    # create_app's engine context migrates to head before the first request.
    host = args.host or config.host
    port = args.port or config.port
    logger.info("dashboard: %s/  status: %s/status", config.public_url, config.public_url)
    # run_app turns SIGINT and SIGTERM into a graceful exit; do not wait long for stragglers.
    web.run_app(
        create_app(config), host=host, port=port, shutdown_timeout=5, handle_signals=True,
        access_log_class=RedactingAccessLogger,  # no invite tokens or chat ids in the log
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m backend", description="Dossier backend and admin commands."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate the database, then serve the API and dashboard")
    serve.add_argument("--host", help="address to listen on (default: BACKEND_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default: BACKEND_PORT)")
    serve.set_defaults(run=_serve, is_async=False)

    demo = commands.add_parser("demo", help="create a demo counsellor and client (idempotent)")
    demo.set_defaults(run=_demo, is_async=True)

    counsellors = commands.add_parser("counsellors", help="manage counsellors")
    counsellor_commands = counsellors.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = counsellor_commands.add_parser("create", help="create a counsellor")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--password-stdin", action="store_true", required=True,
        help="read the password from the first line of standard input",
    )
    create.set_defaults(run=_create_counsellor, is_async=True)
    for action, text in (("disable", "no more logins, and every sign-in ends now"), ("enable", "allow logins again")):
        toggle = counsellor_commands.add_parser(action, help=text)
        toggle.add_argument("--email", required=True)
        toggle.set_defaults(run=_disable_counsellor, is_async=True)
    reset = counsellor_commands.add_parser("reset-password", help="a new password; every sign-in ends now")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true", required=True, help="read it from standard input")
    reset.set_defaults(run=_reset_password, is_async=True)

    clients = commands.add_parser("clients", help="manage clients")
    client_commands = clients.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = client_commands.add_parser("create", help="create a client for a counsellor")
    create.add_argument("--counsellor", required=True, metavar="EMAIL", help="the counsellor's e-mail")
    create.add_argument("--name", required=True)
    create.set_defaults(run=_create_client, is_async=True)
    export = client_commands.add_parser("export", help="print a client's whole dossier as JSON")
    export.add_argument("--client", required=True, type=int, metavar="ID")
    export.set_defaults(run=_export_client, is_async=True)
    token = client_commands.add_parser(
        "token", help="a signed chat token for the client's REST messages (Authorization: Bearer ...)"
    )
    token.add_argument("--client", required=True, type=int, metavar="ID")
    token.set_defaults(run=_client_token, is_async=True)
    invite = client_commands.add_parser(
        "invite", help="a new invite link for the chat page; the old link and its browsers stop working"
    )
    invite.add_argument("--client", required=True, type=int, metavar="ID")
    invite.set_defaults(run=_reissue_invite, is_async=True)

    purge = commands.add_parser(
        "purge-expired",
        help="erase the dossier and chat of every client quiet for longer than their retention period",
    )
    purge.add_argument("--dry-run", action="store_true", help="only list the client ids that are due")
    purge.set_defaults(run=purge_by_hand, is_async=True)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    # JSON is UTF-8 whatever the locale says ("Cliënt" must not crash a C-locale shell).
    sys.stdout.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        config = Config.from_env()
        if not args.is_async:
            args.run(config, args)
            return 0
        config.check_database_url()
        db.upgrade(config.database_url)
        result = asyncio.run(args.run(config, args))
    except (ConfigError, DossierError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as exc:
        print(f"error: the database cannot be used: {exc.orig}", file=sys.stderr)
        return 1
    _print_json(result, indent=2 if args.command == "clients" and args.action == "export" else None)
    return 0
