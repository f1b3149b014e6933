"""Alembic environment: the URL comes from backend.config (DATABASE_URL), not from an ini file."""
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from backend.config import Config, sync_url
from backend.tables import metadata

config = context.config

# Only the alembic command line has an ini file; backend.db.upgrade() must not reset the
# logging of the process that calls it.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = sync_url(config.attributes.get("database_url") or Config.from_env().database_url)


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=url.get_backend_name() == "sqlite",
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool, future=True)
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
