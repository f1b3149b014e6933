"""Counsellors, clients and insights.

Revision ID: 0001
Revises:
Create Date: 2024-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CATEGORIES = (
    "quality",
    "motive",
    "network",
    "labour_market",
    "action",
    "question_for_counsellor",
    "mood",
    "crisis",
)
STATUSES = ("proposed", "confirmed", "dropped")


def _in(column, allowed):
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


def upgrade() -> None:
    op.create_table(
        "counsellors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellors")),
        sa.UniqueConstraint("email", name=op.f("uq_counsellors_email")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("invite_token", sa.String(64), nullable=False),
        sa.Column("consent_given", sa.Boolean(), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_version", sa.String(50), nullable=True),
        sa.Column("formal_address", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_clients_counsellor_id_counsellors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_clients_chat_id")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_clients_invite_token")),
    )
    op.create_index(op.f("ix_clients_counsellor_id"), "clients", ["counsellor_id"])
    op.create_table(
        "insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("said_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.CheckConstraint(_in("category", CATEGORIES), name=op.f("ck_insights_category")),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_insights_status")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_insights_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights")),
        sa.UniqueConstraint(
            "client_id", "idempotency_key", name=op.f("uq_insights_client_id_idempotency_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("insights")
    op.drop_index(op.f("ix_clients_counsellor_id"), table_name="clients")
    op.drop_table("clients")
    op.drop_table("counsellors")
