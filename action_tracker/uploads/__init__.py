"""Status updates from a CSV or .xlsx file: read, validate, preview, apply, revert.

The dashboard's Updates page and `python -m action_tracker import` share every step, one
module per stage:

    table = read_table(data, file_name)      # reading.py: bytes -> table (encodings, CSV, xlsx, limits)
    preview = validate(con, table)           # checking.py: table -> preview (every problem, every change)
    result = apply(con, preview, cred)       # recording.py: preview -> events, one transaction

Columns (header names are matched case-insensitively; spaces count as "_"):

    action_id       required  an id from the template
    status          required  a status or one of its synonyms (see statuses.py); empty keeps
                              the action's reported status (an action with none needs one)
    effective_date  optional  YYYY-MM-DD; empty means today; never after today
    note            optional  free text
    evidence_url    optional  http(s) address of the evidence
    source          optional  who reported it ("Federal Register, 26 Sep 2025")
    confidence      optional  high, medium or low
    basis           optional  government (the government's own account) or independent
    due_date        optional  YYYY-MM-DD: moves the due date (the plan's own is kept)
    lead_owner      optional  a name from the owner list: changes the lead owner
    retrieved_on    optional  YYYY-MM-DD: the day the evidence was read at its source (never
                              after today); the action's "last verified" day
    plan, title     ignored   they come with the template, to help people edit it

One file may carry several rows for one action with different effective dates: they are
its history, applied in date order. Two rows for one action on one day are refused.

Dates are ISO (YYYY-MM-DD) only: 03/04/2025 is refused, never guessed. Spreadsheet
cells holding real dates are read as dates.
"""


from .checking import SHOWN_CHANGES, Change, Preview, validate
from .reading import (
                   ALLOWED,
                   MAX_CELL_CHARS,
                   MAX_COLUMNS,
                   Problem,
                   Table,
                   UploadRejected,
                   describe_limit,
                   max_bytes,
                   read_file,
                   read_table,
)
from .recording import ApplyResult, apply, apply_file_if_new, import_file, list_uploads, revert, revertible

__all__ = ["ALLOWED", "MAX_CELL_CHARS", "MAX_COLUMNS", "SHOWN_CHANGES", "ApplyResult", "Change", "Preview", "Problem", "Table",
           "UploadRejected", "apply", "apply_file_if_new", "describe_limit", "import_file", "list_uploads", "max_bytes",
           "read_file", "read_table", "revert", "revertible", "validate"]
