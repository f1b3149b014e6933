"""The client's dossier as the bot writes it: the JSON API the action server calls, input
validation, serializers, the store of insights, contacts, actions, mood and flags, the
client's own corrections and removals ('Mijn dossier'), the client's export and erasure, and
the clients' chat ids (new ones, and the retired ones the API answers 410 for)."""
