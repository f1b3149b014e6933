"""The end of a client's trajectory (clients.trajectory_ended_at: reminders stop, the retention
period counts from it, the client list hides the client), and the colleague a client was
handed to (audit_entries.to_counsellor_id, for the audit entry "hand_over").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-13
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("trajectory_ended_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("to_counsellor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_audit_entries_to_counsellor_id_counsellors"), "counsellors", ["to_counsellor_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint(op.f("fk_audit_entries_to_counsellor_id_counsellors"), type_="foreignkey")
        batch.drop_column("to_counsellor_id")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("trajectory_ended_at")
