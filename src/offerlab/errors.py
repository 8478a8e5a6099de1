"""One exception hierarchy for offerlab.

Every error a user can cause is an :class:`OfferlabError`. Each class owns its HTTP status and
CLI exit status, and its message says what happened and what is expected, so the CLI prints it
as it is (exit 2) and the web API returns it in its one JSON error shape. Validation collects
:class:`Problem` records as data (as beancount does) and raises them together, one line each.

    OfferlabError
    ├── InputError                     bad input from the user (exit 2, HTTP 422)
    │   ├── InvalidMoneyError          an amount or currency that is not valid
    │   ├── CurrencyMismatchError      arithmetic across two currencies
    │   └── ProblemsError              a file or document with one or more located problems
    │       └── MalformedDocumentError text that does not parse (malformed, nested too deep)
    ├── MalformedRequestError          a request body that is not JSON at all (HTTP 400)
    ├── PayloadTooLargeError           a request body over the size limit (HTTP 413)
    ├── UnsupportedMediaTypeError      a request body of a type the route does not take (415)
    ├── NotFoundError                  a named thing that does not exist (exit 2, HTTP 404)
    ├── AuthenticationError            not signed in, or a wrong name or password (HTTP 401)
    ├── ForbiddenError                 a request the server refuses, e.g. no CSRF token (403)
    └── TooManyAttemptsError           too many failed sign-ins; try again later (HTTP 429)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "CurrencyMismatchError",
    "ForbiddenError",
    "InputError",
    "InvalidMoneyError",
    "MalformedDocumentError",
    "MalformedRequestError",
    "NotFoundError",
    "OfferlabError",
    "PayloadTooLargeError",
    "Problem",
    "ProblemsError",
    "TooManyAttemptsError",
    "UnsupportedMediaTypeError",
]


class OfferlabError(Exception):
    """Base of every error offerlab reports to a user."""

    http_status: ClassVar[int] = 400
    exit_code: ClassVar[int] = 2
    #: A short machine-readable name used in the API's error shape.
    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The command-line option the error is about (``--interview-date``), when there is
        #: one, so that a form can mark the field standing for it.
        self.option = option

    @property
    def detail(self) -> str:
        """The message without the option it starts with (for the option's form field)."""
        if self.option and self.message.startswith(self.option):
            return self.message.removeprefix(self.option).lstrip(" :")
        return self.message

    def lines(self) -> list[str]:
        """The message as lines for a terminal, one problem a line."""
        return [self.message]

    def details(self) -> list[dict[str, str]]:
        """Structured details for the API's error shape."""
        return []


class InputError(OfferlabError):
    """The user's input is not valid."""

    http_status = 422
    code = "invalid_input"


class InvalidMoneyError(InputError):
    """An amount or currency code that offerlab cannot use."""

    code = "invalid_money"


class CurrencyMismatchError(InputError):
    """Two amounts in different currencies were combined without a conversion."""

    code = "currency_mismatch"

    def __init__(self, left: str, right: str, operation: str = "combine") -> None:
        super().__init__(
            f"cannot {operation} {left} and {right} amounts; convert one of them first "
            "with an explicit, dated exchange rate"
        )
        self.left = left
        self.right = right


class MalformedRequestError(OfferlabError):
    """A request body that cannot be parsed at all (not JSON, not UTF-8)."""

    http_status = 400
    code = "malformed_request"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def details(self) -> list[dict[str, str]]:
        return [asdict(p) for p in self.problems]


class PayloadTooLargeError(OfferlabError):
    """A request body larger than the server accepts."""

    http_status = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(OfferlabError):
    """A request body of a media type the route does not accept."""

    http_status = 415
    code = "unsupported_media_type"


class NotFoundError(OfferlabError):
    """A named thing (schedule, company, offer id, ...) does not exist."""

    http_status = 404
    code = "not_found"


class ConflictError(OfferlabError):
    """Another request changed the same thing at the same moment; trying again will work."""

    http_status = 409
    code = "conflict"


class AuthenticationError(OfferlabError):
    """Not signed in, a session that has ended, or a wrong account name or password."""

    http_status = 401
    code = "unauthorized"


class ForbiddenError(OfferlabError):
    """A request the server refuses to act on (a missing CSRF token, another site's form)."""

    http_status = 403
    code = "forbidden"


class TooManyAttemptsError(OfferlabError):
    """Too many failed sign-ins in a short time; ``retry_after`` says when to try again."""

    http_status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``source`` is the file name (or ``"<body>"``), ``location`` a key path such as
    ``equity[0].schedule`` or ``line 7``, ``message`` what was wrong and ``expected`` what
    would be right.
    """

    source: str
    location: str
    message: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: {self.location}" if self.location else self.source
        text = f"{where}: {self.message}"
        return f"{text} (expected {self.expected})" if self.expected else text


class ProblemsError(InputError):
    """One or more located problems in a file or request body."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        if not problems:
            raise ValueError("ProblemsError needs at least one problem")
        self.problems = list(problems)
        count = len(self.problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))
        self.summary = head

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]

    def details(self) -> list[dict[str, str]]:
        return [asdict(p) for p in self.problems]


class MalformedDocumentError(ProblemsError):
    """Text that cannot be read as its format at all: a syntax error, lists nested deeper than
    any document needs, a number too long to read (each located by line and column)."""
