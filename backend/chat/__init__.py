"""The client's side of the backend: the web chat page and its device access, Telegram
linking and the channel settings."""
