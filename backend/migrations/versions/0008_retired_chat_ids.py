"""Retired chat ids (the hashes of chat ids that were erased or replaced: the API answers 410
for them) and the moment a client withdrew their consent.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retired_chat_ids",
        sa.Column("chat_id_hash", sa.String(length=64), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("chat_id_hash", name=op.f("pk_retired_chat_ids")),
    )
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("consent_withdrawn_at")
    op.drop_table("retired_chat_ids")
