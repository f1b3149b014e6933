"""The client's own say over their dossier ('Mijn dossier'): whether the counsellor may read
the whole conversation, with the moment of the choice, and when the client last corrected an
insight, contact or action.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EDITABLE_TABLES = ("insights", "contacts", "actions")


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("transcript_shared", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("transcript_choice_at", sa.DateTime(timezone=True), nullable=True))
    for table in EDITABLE_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in reversed(EDITABLE_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("client_edited_at")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("transcript_choice_at")
        batch.drop_column("transcript_shared")
