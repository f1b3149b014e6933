"""Background work that runs beside the web app: leases so one process does each job, the
no-activity flags, retention (automatic erasure, also of Rasa's events of senders without a
client), the erasure after a withdrawn consent and the counsellor's crisis alerts."""
