"""The scale-out set-up on this machine: two Rasa servers behind HAProxy, one stateless action
server, the dossier backend, the tracker store and the dossier on PostgreSQL, the lock store
on Redis (see docs/performance.md and deploy/scaleout/).

`Cluster` extends tests/stack.py's `Stack` (backend and action server are started by it) with
processes the stack does not know: more Rasa servers with another endpoints file, the load
balancer, and the reference bot of the benchmark. Every process runs in its own process group
and is ended by `Stack.stop`; every wait is bounded.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from tests.stack import STARTUP_TIMEOUT_SECONDS, Stack, free_port, rasa_argv
from tools.readiness import wait_until_ready
from tools.stack_env import ROOT

DEPLOY_DIR = ROOT / "deploy" / "scaleout"
ENDPOINTS = DEPLOY_DIR / "endpoints.yml"
HAPROXY_CONFIG = DEPLOY_DIR / "haproxy.cfg"

POSTGRES_ADMIN_URL = os.environ.get("SCALEOUT_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("SCALEOUT_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("SCALEOUT_REDIS_PORT", "6379"))


class Unavailable(RuntimeError):
    """PostgreSQL, Redis or HAProxy is not there: the set-up cannot run on this machine."""


class Cluster(Stack):
    """A `Stack` that can also launch processes it does not know by name."""

    def spawn(self, name: str, argv: Sequence[str], *, cwd: Path = ROOT, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
        """Starts `argv` in its own process group, logging to <var_dir>/<name>.log; does not wait."""
        log = self.log_files[name] = open(self.var_dir / f"{name}.log", "ab")
        process = self.processes[name] = subprocess.Popen(
            list(argv), cwd=cwd, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return process

    def wait_ready(self, urls: Dict[str, str], timeout_seconds: float = STARTUP_TIMEOUT_SECONDS) -> None:
        """Waits until every process in `urls` answers; stops everything and fails otherwise."""
        def exited() -> List[str]:
            return [name for name in urls if self.processes[name].poll() is not None]

        try:
            wait_until_ready(urls, timeout_seconds, exited)
        except TimeoutError as error:
            self.stop()
            raise AssertionError(f"{', '.join(urls)} did not start ({error}); logs:\n{self.logs()}")

    def launch(
        self,
        name: str,
        argv: Sequence[str],
        ready_url: str,
        *,
        cwd: Path = ROOT,
        env: Optional[Dict[str, str]] = None,
        timeout_seconds: float = STARTUP_TIMEOUT_SECONDS,
    ) -> float:
        """Starts `argv` and waits for `ready_url`; returns the seconds until it answered."""
        started = time.monotonic()
        self.spawn(name, argv, cwd=cwd, env=env)
        self.wait_ready({name: ready_url}, timeout_seconds)
        return time.monotonic() - started


# --- the engines the set-up runs on -----------------------------------------------------------------


def _admin_connection():
    import psycopg2

    try:
        connection = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=5)
    except psycopg2.OperationalError as error:
        raise Unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}: {error}") from error
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    return connection


def create_database(prefix: str) -> str:
    """Creates a fresh database `<prefix>_<random>` and returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with closing(_admin_connection()) as connection, connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    with closing(_admin_connection()) as connection, connection.cursor() as cursor:
        # Connections left over from a killed process must not keep the database alive.
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_url(name: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def _redis():
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise Unavailable(f"Redis at {REDIS_HOST}:{REDIS_PORT}: {error}") from error
    return client


def free_redis_db() -> int:
    """The highest-numbered empty Redis database (others use the low numbers first)."""
    client = _redis()
    databases = int(client.config_get("databases").get("databases", 16))
    used = {int(name[2:]) for name in client.info("keyspace")}
    for number in range(databases - 1, 0, -1):
        if number not in used:
            return number
    raise Unavailable("Redis has no empty database left")


def clear_redis_prefix(db: int, prefix: str) -> None:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=5, socket_connect_timeout=5)
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)), None)
    if not found:
        raise Unavailable("haproxy is not installed (tools/setup.sh installs it: apt-get install haproxy)")
    return found


# --- the whole set-up ----------------------------------------------------------------------------


@dataclass
class ScaleOut:
    """Backend + action server + N Rasa servers + HAProxy on PostgreSQL and Redis."""

    cluster: Cluster
    instances: List[str]
    databases: List[str] = field(default_factory=list)
    redis_db: int = 0
    lock_prefix: str = ""

    def url(self, name: str) -> str:
        """`lb` or an instance name (`rasa_a`, `rasa_b`, ...)."""
        return f"http://127.0.0.1:{self.cluster.env[port_variable(name)]}"

    @property
    def env(self) -> Dict[str, str]:
        return self.cluster.env

    def stop(self) -> None:
        try:
            self.cluster.stop()
        finally:
            for name in self.databases:
                drop_database(name)
            if self.lock_prefix:
                clear_redis_prefix(self.redis_db, self.lock_prefix)


def port_variable(name: str) -> str:
    return "LB_PORT" if name == "lb" else f"{name.upper()}_PORT"


def start_scaleout(
    var_dir: Path, instances: int = 2, model: Optional[str] = None, balancer: bool = True, extra_env: Optional[Dict[str, str]] = None
) -> ScaleOut:
    """Starts the scale-out set-up with fresh databases and a free Redis database; the caller
    must call `.stop()` (it also drops the databases). The backend reaches Rasa (reminders,
    status page) through the load balancer."""
    if balancer and instances != 2:
        raise ValueError("deploy/scaleout/haproxy.cfg balances over two Rasa servers")
    haproxy = haproxy_binary() if balancer else None
    redis_db = free_redis_db()
    lock_prefix = "scaleout" + uuid.uuid4().hex[:10]
    names = [f"rasa_{chr(ord('a') + index)}" for index in range(instances)]
    databases: List[str] = []
    try:
        tracker_db = create_database("rasa_scaleout")
        databases.append(tracker_db)
        dossier_db = create_database("dossier_scaleout")
        databases.append(dossier_db)
        lb_port = free_port()
        extra = {
            "RASA_URL": f"http://127.0.0.1:{lb_port}" if balancer else "",
            "TRACKER_STORE_URL": database_url(tracker_db),
            "DATABASE_URL": database_url(dossier_db),
            "REDIS_HOST": REDIS_HOST,
            "REDIS_PORT": str(REDIS_PORT),
            "REDIS_LOCK_DB": str(redis_db),
            "LOCK_STORE_PREFIX": lock_prefix,
            "LB_PORT": str(lb_port),
            **{port_variable(name): str(free_port()) for name in names},
            **(extra_env or {}),
        }
        if not balancer:
            extra["RASA_URL"] = f"http://127.0.0.1:{extra[port_variable(names[0])]}"
        cluster = Cluster.create(var_dir, extra)
    except BaseException:
        for name in databases:
            drop_database(name)
        raise
    scaleout = ScaleOut(cluster, names, databases, redis_db, lock_prefix)
    try:
        cluster.start("backend", "actions")
        model = model or cluster.env["RASA_MODEL"]
        urls = {}
        for index, name in enumerate(names):
            port = cluster.env[port_variable(name)]
            cluster.spawn(name, rasa_argv(port, model, ENDPOINTS, token=cluster.env["RASA_TOKEN"]))
            urls[name] = f"http://127.0.0.1:{port}/version"
            if index == 0 and len(names) > 1:
                # The first server creates the tracker store's table; the others load their
                # model meanwhile instead of racing it to CREATE TABLE.
                _wait_for_table(cluster, name, tracker_db, "events")
        cluster.wait_ready(urls)
        if haproxy:
            cluster.launch("haproxy", [haproxy, "-db", "-f", str(HAPROXY_CONFIG)], f"http://127.0.0.1:{cluster.env['LB_PORT']}/version", timeout_seconds=30)
    except BaseException:
        scaleout.stop()
        raise
    return scaleout


def _wait_for_table(cluster: Cluster, name: str, database: str, table: str, timeout_seconds: float = 120) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if cluster.processes[name].poll() is not None:
            raise AssertionError(f"{name} exited before creating its tables; logs:\n{cluster.logs()}")
        with closing(psycopg2.connect(database_url(database), connect_timeout=5)) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", (table,))
            if cursor.fetchone()[0] is not None:
                return
        time.sleep(0.5)
    raise AssertionError(f"{name} did not create the table {table!r} within {timeout_seconds:.0f} s; logs:\n{cluster.logs()}")
