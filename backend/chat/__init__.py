"""The client's side of the backend: the web chat page and its device access, the client's own
'Mijn dossier' page next to it, Telegram linking and the channel settings."""
