"""Web chat devices, Telegram links, one-time link codes, reminder settings and homework reminders.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Copied, not imported: a migration must keep meaning what it meant when it was written.
REMINDER_STATES = ("active", "stopped")
REMINDER_STATUSES = ("pending", "sending", "sent", "cancelled")
LINK_PURPOSES = ("telegram", "device")


def _in(column, allowed):
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


def _client_fk(table):
    return sa.ForeignKeyConstraint(
        ["client_id"], ["clients.id"], name=op.f(f"fk_{table}_client_id_clients"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "chat_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invite_token", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _client_fk("chat_devices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_chat_devices_token_hash")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_chat_devices_invite_token")),
    )
    op.create_index("ix_chat_devices_client_id", "chat_devices", ["client_id"])

    op.create_table(
        "telegram_links",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("telegram_chat_id", sa.String(32), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        _client_fk("telegram_links"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_telegram_links")),
        sa.UniqueConstraint("telegram_chat_id", name=op.f("uq_telegram_links_telegram_chat_id")),
    )

    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in("purpose", LINK_PURPOSES), name=op.f("ck_link_codes_purpose")),
        _client_fk("link_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_link_codes_code_hash")),
    )
    op.create_index("ix_link_codes_client_id", "link_codes", ["client_id"])

    op.create_table(
        "reminder_settings",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("state", REMINDER_STATES), name=op.f("ck_reminder_settings_state")),
        _client_fk("reminder_settings"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_reminder_settings")),
    )

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("status", REMINDER_STATUSES), name=op.f("ck_reminders_status")),
        _client_fk("reminders"),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_reminders_action_id_actions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("action_id", name=op.f("uq_reminders_action_id")),
    )
    op.create_index("ix_reminders_client_id", "reminders", ["client_id"])
    op.create_index("ix_reminders_status_due_at", "reminders", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_reminders_status_due_at", table_name="reminders")
    op.drop_index("ix_reminders_client_id", table_name="reminders")
    op.drop_table("reminders")
    op.drop_table("reminder_settings")
    op.drop_index("ix_link_codes_client_id", table_name="link_codes")
    op.drop_table("link_codes")
    op.drop_table("telegram_links")
    op.drop_index("ix_chat_devices_client_id", table_name="chat_devices")
    op.drop_table("chat_devices")
