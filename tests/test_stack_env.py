"""tools/stack_env.py: the development secrets in var/secrets.env, generated once."""
from __future__ import annotations

import stat

from tools import stack_env


def test_a_secrets_file_from_before_rasa_token_keeps_its_secrets_and_gets_one(tmp_path, monkeypatch):
    secrets_file = tmp_path / "secrets.env"
    secrets_file.write_text("SERVICE_TOKEN=old-service\nSESSION_SECRET=old-session")  # no final newline
    monkeypatch.setattr(stack_env, "SECRETS_FILE", secrets_file)

    env = stack_env.stack_env({}, var_dir=tmp_path)
    assert (env["SERVICE_TOKEN"], env["SESSION_SECRET"]) == ("old-service", "old-session")
    assert len(env["RASA_TOKEN"]) >= 32
    again = stack_env.stack_env({}, var_dir=tmp_path)
    assert again["RASA_TOKEN"] == env["RASA_TOKEN"] and secrets_file.read_text().count("RASA_TOKEN=") == 1
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert stack_env.stack_env({"RASA_TOKEN": "mine"}, var_dir=tmp_path)["RASA_TOKEN"] == "mine"


def test_a_new_secrets_file_holds_all_four(tmp_path, monkeypatch):
    monkeypatch.setattr(stack_env, "SECRETS_FILE", tmp_path / "var" / "secrets.env")
    env = stack_env.stack_env({}, var_dir=tmp_path)
    assert all(env[name] for name in stack_env.SECRET_NAMES)
    assert stat.S_IMODE((tmp_path / "var" / "secrets.env").stat().st_mode) == 0o600


def test_make_run_and_the_admin_cli_use_the_same_dossier_by_default(tmp_path, monkeypatch):
    """README: the admin commands, pasted into a second terminal, reach the running stack."""
    from backend.config import Config

    monkeypatch.setattr(stack_env, "SECRETS_FILE", tmp_path / "secrets.env")
    assert stack_env.stack_env({})["DATABASE_URL"] == Config.from_env({}).database_url
    assert stack_env.stack_env({})["TRACKER_STORE_URL"] == Config.from_env({}).tracker_store_url


def test_ports_from_the_environment_move_the_urls_between_the_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(stack_env, "SECRETS_FILE", tmp_path / "secrets.env")
    env = stack_env.stack_env({"RASA_PORT": "6105", "ACTIONS_PORT": "6155", "BACKEND_PORT": "6100"}, var_dir=tmp_path)
    assert env["RASA_URL"] == "http://127.0.0.1:6105"
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6155/webhook"
    assert env["BACKEND_URL"] == env["PUBLIC_URL"] == "http://127.0.0.1:6100"


def test_the_action_server_listens_on_this_machine_only_unless_told_otherwise(tmp_path):
    assert stack_env.stack_env({}, var_dir=tmp_path)["SANIC_HOST"] == "127.0.0.1"
    assert stack_env.stack_env({"SANIC_HOST": "10.0.0.5"}, var_dir=tmp_path)["SANIC_HOST"] == "10.0.0.5"
