"""Background work that runs beside the web app: leases so one process does each job, the
no-activity flags, retention (automatic erasure) and the counsellor's crisis alerts."""
