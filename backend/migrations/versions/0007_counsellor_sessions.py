"""Server-side dashboard sessions (logout, idle timeout and the admin end them) and disabled
counsellor accounts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "counsellor_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_counsellor_sessions_counsellor_id_counsellors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_counsellor_sessions_token_hash")),
    )
    op.create_index(op.f("ix_counsellor_sessions_counsellor_id"), "counsellor_sessions", ["counsellor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_counsellor_sessions_counsellor_id"), table_name="counsellor_sessions")
    op.drop_table("counsellor_sessions")
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_column("disabled_at")
