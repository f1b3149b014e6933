"""The one adapter that knows Rasa: its tracker-store tables (transcripts, history, erasure)
and its HTTP API (triggering a reminder)."""
