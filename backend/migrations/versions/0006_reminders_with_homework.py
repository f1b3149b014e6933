"""Every open homework with a reminder time has its reminder row.

Until now the scheduler made the row at its next tick; from here on the dashboard makes it in
the same transaction as the homework. This data migration makes the rows an older backend had
not made yet, so none is lost on upgrade.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO reminders (client_id, action_id, due_at, status, attempts, created_at, updated_at) "
        "SELECT a.client_id, a.id, a.reminder_at, 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
        "FROM actions a LEFT JOIN reminders r ON r.action_id = a.id "
        "WHERE a.is_homework = true AND a.reminder_at IS NOT NULL AND a.status = 'open' AND r.id IS NULL"
    )


def downgrade() -> None:
    pass  # the rows stay valid for the scheduler of 0005, which would have made them itself
