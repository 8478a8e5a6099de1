"""Paging through saved offers: page sizes and the opaque cursors of the next page."""

from __future__ import annotations

import base64

from offerlab.errors import Problem, ProblemsError
from offerlab.store.offer_repository import MAX_ID
from offerlab.validation import show_value

__all__ = ["MAX_PAGE_SIZE", "PAGE_SIZE", "PICK_LIMIT", "decode_cursor", "encode_cursor"]


#: Saved offers per page (API and ``/offers``) unless ``limit`` says otherwise, and the most.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The most offers a list to pick from (compare, negotiate, market) shows: the newest.
PICK_LIMIT = 200
_CURSOR_PREFIX = "offers-after:"


def encode_cursor(after: int) -> str:
    """An opaque cursor for the page after offer ``after``."""
    raw = f"{_CURSOR_PREFIX}{after}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offer id a cursor from :func:`encode_cursor` continues after (0: the first page);
    anything else is a located 422."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raw = ""
    after = raw.removeprefix(_CURSOR_PREFIX)
    if not raw.startswith(_CURSOR_PREFIX) or not (after.isascii() and after.isdigit()):
        problem = Problem(
            "<query>",
            "cursor",
            f"{show_value(cursor)} is not a cursor this server gave",
            "the `next` value of the previous page, or no cursor for the first",
        )
        raise ProblemsError([problem], "invalid cursor")
    return min(int(after[:12]), MAX_ID)
