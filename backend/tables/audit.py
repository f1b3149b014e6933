"""Who looked at or changed what (the audit trail), and the background jobs' leases."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String

from backend.tables.base import Base, UTCDateTime, utcnow

# export_dossier: the admin CLI's GDPR export (no counsellor). erase_client_data: erased at the
# client's request; retention_purge: erased by the daily purge; consent_withdrawal_erasure: what
# the client gave under consent, erased after its withdrawal (no counsellor for these three).
AUDIT_ACTIONS = (
    "view_client", "export_pop", "assign_homework", "add_note", "resolve_flag", "export_dossier",
    "set_retention", "erase_client_data", "retention_purge", "consent_withdrawal_erasure",
    # The client's own changes on their 'Mijn dossier' page (backend.dossier.client_edits).
    "client_corrected_item", "client_removed_item", "client_marked_action_done",
    "client_shares_transcript", "client_hides_transcript",
    # The counsellor's own practice (backend.dashboard.client_admin): a new client, the printed
    # invitation (it shows the link), a new link.
    "create_client", "print_invitation", "new_invite",
    # The trajectory (backend.dashboard.trajectory): ended, reopened, handed to a colleague
    # (hand_over: counsellor_id gave the client to to_counsellor_id).
    "end_trajectory", "reopen_trajectory", "hand_over",
)


class ClientView(Base):
    """When a counsellor last opened a client's page: the base of "new since your last visit"."""

    __tablename__ = "client_views"

    counsellor_id = Column(
        Integer, ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True
    )
    client_id = Column(Integer, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    viewed_at = Column(UTCDateTime, nullable=False)


class AuditEntry(Base):
    """Who read or changed which dossier. Ids only, never content; kept when a client is deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_client_id_at", "client_id", "at"),)

    id = Column(Integer, primary_key=True)
    counsellor_id = Column(
        Integer, ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True
    )
    client_id = Column(Integer, ForeignKey("clients.id", ondelete="SET NULL"), nullable=True)
    action = Column(String(32), nullable=False)
    # Only for "hand_over": the colleague who got the client.
    to_counsellor_id = Column(
        Integer, ForeignKey("counsellors.id", ondelete="SET NULL"), nullable=True
    )
    at = Column(UTCDateTime, nullable=False, default=utcnow)


class JobRun(Base):
    """A job that one backend at a time runs, e.g. the daily retention purge: claimed with a lease
    by a conditional UPDATE (as reminders are), so that two backends never run it at once."""

    __tablename__ = "job_runs"

    name = Column(String(32), primary_key=True)
    # Set while a backend runs the job; a crashed run is taken over once it has passed.
    lease_until = Column(UTCDateTime, nullable=True)
    # When the last run that ended well started; the next is due a period after it.
    last_run_at = Column(UTCDateTime, nullable=True)
