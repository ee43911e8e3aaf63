"""Operating-system and DuckDB I/O failures said in Danish: what could not be read or written, and why.

The analyst sees `Databasefilen '…' kan ikke skrives: disken er fuld.`, never `[Errno 28]` or
`IO Error: …`. Python's `OSError` carries an errno; DuckDB's `IOException` only a message that
ends in the C library's English text, so that text is mapped to the same errno.
"""

from __future__ import annotations

import errno
from typing import Literal

import duckdb

Action = Literal["læses", "skrives", "bruges"]

# The C library's English text inside DuckDB's IOException messages, by errno.
_DUCKDB_TEXTS: tuple[tuple[str, int], ...] = (
    ("no space left on device", errno.ENOSPC),
    ("disk quota exceeded", errno.EDQUOT),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("operation not permitted", errno.EPERM),
    ("is a directory", errno.EISDIR),
    ("not a directory", errno.ENOTDIR),
    ("no such file or directory", errno.ENOENT),
    ("file name too long", errno.ENAMETOOLONG),
)
_LOCKED = ("could not set lock", "conflicting lock")


def failure_errno(error: BaseException) -> int | None:
    """Return the errno behind an OSError or a DuckDB IOException (None when it names none)."""
    if isinstance(error, OSError):
        return error.errno
    text = str(error).lower()
    return next((number for words, number in _DUCKDB_TEXTS if words in text), None)


def names_a_cause(error: BaseException) -> bool:
    """True when `io_failure_sentence` can name why: a known errno, or a file locked by another program."""
    return failure_errno(error) is not None or any(words in str(error).lower() for words in _LOCKED)


def is_io_failure(error: BaseException) -> bool:
    """True for the failures `io_failure_sentence` can explain: OSError and DuckDB's IOException."""
    return isinstance(error, (OSError, duckdb.IOException))


def io_failure_sentence(error: BaseException, subject: str, action: Action) -> str:
    """Say in Danish why `subject` (e.g. "Databasefilen '/x/db.duckdb'") cannot be read or written."""
    return f"{subject} kan ikke {action}: {_reason(error, action)}."


def _reason(error: BaseException, action: Action) -> str:
    if any(words in str(error).lower() for words in _LOCKED):
        return "den er åben i et andet program, som skriver i den; luk programmet, og prøv igen"
    number = failure_errno(error)
    if number in (errno.EACCES, errno.EPERM):
        if action == "skrives":
            return "mappen er skrivebeskyttet, eller du har ikke skriveadgang til den"
        return "du har ikke adgang til at læse den" if action == "læses" else "du har ikke adgang til den"
    reasons = {
        errno.EROFS: "mappen ligger på et skrivebeskyttet drev",
        errno.EISDIR: "det er en mappe, ikke en fil",
        errno.ENOSPC: "disken er fuld",
        errno.EDQUOT: "din plads på disken er brugt op",
        errno.ENOENT: "den eller mappen, den ligger i, findes ikke",
        errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
        errno.EEXIST: "en del af stien er en fil, ikke en mappe",
        errno.ENAMETOOLONG: "stien er for lang",
    }
    if number in reasons:
        return reasons[number]
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"styresystemet meldte en fejl ({detail})"
