"""Domain errors raised by the query and validation functions.

The HTTP layer (backend.web.middleware) and the CLI map them to answers; nothing here knows HTTP.
"""


class DossierError(Exception):
    """Base class; the message is safe to show (it never contains personal data)."""


class ClientNotFound(DossierError):
    pass


class ChatRetired(ClientNotFound):
    """The chat id belonged to a client once and no longer does (erased, or a new invite link):
    the API says 410 Gone, so that whoever still holds writes for it drops them."""


class CounsellorNotFound(DossierError):
    pass


class DuplicateEmail(DossierError):
    pass


class NoConsent(DossierError):
    pass


class InvalidInput(DossierError):
    pass


class ActionNotFound(DossierError):
    pass


class FlagNotFound(DossierError):
    pass


class ContactNotFound(DossierError):
    pass


class ItemNotFound(DossierError):
    """No such item in this client's dossier (or one the client cannot change: a crisis signal)."""
