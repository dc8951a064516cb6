"""Plain query and command functions: the only code that imports ``app.models``.

Functions raise :class:`DataError` subclasses with a plain-English message (and the
form field at fault, where there is one) instead of returning half-done work.
"""


class DataError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DataError):
    pass
