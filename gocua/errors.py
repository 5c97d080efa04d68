"""Domain errors: a stable code for the API and a message a commune officer can act on."""


class DomainError(Exception):
    """A request that the rules refuse; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: str, message, *, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.message = message  # lazy translation: rendered in the caller's language
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
