"""The tracker's errors, and the exit code each one means on the command line.

Every error the tracker raises on purpose derives from TrackerError, so the command line
maps them to exit codes in one place (`__main__.main`) and pages catch one type.

    0  done, or nothing to do
    1  the input has problems (each listed; nothing was written)
    2  usage error
    3  the store is busy or cannot be used (locked, damaged, newer than this code)
"""

from __future__ import annotations

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


class TrackerError(Exception):
    """Base of every error the tracker raises on purpose."""

    exit_code = EXIT_INPUT


class InputError(TrackerError):
    """A file, a row or a value given to the tracker cannot be used as it is."""

    exit_code = EXIT_INPUT


class StoreError(TrackerError):
    """The store cannot be used as asked (locked, missing, damaged, newer than this code)."""

    exit_code = EXIT_STORE
