"""Domain errors. Their message is user-facing wording; views show it as is."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule of the business was broken; `str(error)` says which, for the user."""

    message = _l("This change is not possible.")

    def __init__(self, message=None, **details):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(DomainError):
    message = _l("This status change is not allowed.")


class StaleOrder(DomainError):
    message = _l("Someone else changed this order a moment ago. Reload it and try again.")


class OutOfStock(DomainError):
    message = _l("Not enough stock left.")
