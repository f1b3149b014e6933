"""Contacts, actions, mood, flags, notes, audit trail, last views; topic and retention on clients.

Revision ID: 0002
Revises: 0001
Create Date: 2024-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Copied, not imported: a migration must keep meaning what it meant when it was written.
CIRCLES = ("family", "friends", "colleagues", "professional", "associations")
ACTION_STATUSES = ("open", "done", "blocked")
CREATORS = ("client", "counsellor")
MOODS = ("good", "bad")
FLAG_KINDS = ("crisis", "stuck", "no_activity")


def _in(column, allowed):
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


def _id():
    return sa.Column("id", sa.Integer(), nullable=False)


def _client_id(table):
    return (
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f(f"fk_{table}_client_id_clients"), ondelete="CASCADE"
        ),
    )


def upgrade() -> None:
    op.add_column("clients", sa.Column("last_topic", sa.String(32), nullable=True))
    op.add_column("clients", sa.Column("retention_days", sa.Integer(), nullable=True))
    op.create_index("ix_insights_client_id_created_at", "insights", ["client_id", "created_at"])

    op.create_table(
        "contacts",
        _id(),
        *_client_id("contacts"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("circle", sa.String(16), nullable=True),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("help", sa.Text(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("contacted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.CheckConstraint(_in("circle", CIRCLES), name=op.f("ck_contacts_circle")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("client_id", "idempotency_key", name=op.f("uq_contacts_client_id_idempotency_key")),
    )
    op.create_table(
        "actions",
        _id(),
        *_client_id("actions"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("obstacle", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(16), nullable=False),
        sa.Column("is_homework", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reminder_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_insight", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=True),
        sa.CheckConstraint(_in("status", ACTION_STATUSES), name=op.f("ck_actions_status")),
        sa.CheckConstraint(_in("created_by", CREATORS), name=op.f("ck_actions_created_by")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("client_id", "idempotency_key", name=op.f("uq_actions_client_id_idempotency_key")),
    )
    op.create_index("ix_actions_client_id_status", "actions", ["client_id", "status"])
    op.create_table(
        "mood_entries",
        _id(),
        *_client_id("mood_entries"),
        sa.Column("mood", sa.String(8), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.CheckConstraint(_in("mood", MOODS), name=op.f("ck_mood_entries_mood")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mood_entries")),
        sa.UniqueConstraint(
            "client_id", "idempotency_key", name=op.f("uq_mood_entries_client_id_idempotency_key")
        ),
    )
    op.create_index("ix_mood_entries_client_id_at", "mood_entries", ["client_id", "at"])
    op.create_table(
        "flags",
        _id(),
        *_client_id("flags"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(120), nullable=True),
        sa.Column("insight_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_in("kind", FLAG_KINDS), name=op.f("ck_flags_kind")),
        sa.ForeignKeyConstraint(
            ["insight_id"], ["insights.id"], name=op.f("fk_flags_insight_id_insights"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint("client_id", "idempotency_key", name=op.f("uq_flags_client_id_idempotency_key")),
        sa.UniqueConstraint("insight_id", name=op.f("uq_flags_insight_id")),
    )
    op.create_index("ix_flags_client_id_resolved_at", "flags", ["client_id", "resolved_at"])
    op.create_table(
        "notes",
        _id(),
        *_client_id("notes"),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_notes_counsellor_id_counsellors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index("ix_notes_client_id_created_at", "notes", ["client_id", "created_at"])
    op.create_table(
        "client_views",
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_client_views_counsellor_id_counsellors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_views_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("counsellor_id", "client_id", name=op.f("pk_client_views")),
    )
    op.create_table(
        "audit_entries",
        _id(),
        sa.Column("counsellor_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_audit_entries_counsellor_id_counsellors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_audit_entries_client_id_clients"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_client_id_at", "audit_entries", ["client_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_client_id_at", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("client_views")
    op.drop_index("ix_notes_client_id_created_at", table_name="notes")
    op.drop_table("notes")
    op.drop_index("ix_flags_client_id_resolved_at", table_name="flags")
    op.drop_table("flags")
    op.drop_index("ix_mood_entries_client_id_at", table_name="mood_entries")
    op.drop_table("mood_entries")
    op.drop_index("ix_actions_client_id_status", table_name="actions")
    op.drop_table("actions")
    op.drop_table("contacts")
    op.drop_index("ix_insights_client_id_created_at", table_name="insights")
    # SQLite cannot drop columns in place; batch mode copies the table.
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("retention_days")
        batch.drop_column("last_topic")
