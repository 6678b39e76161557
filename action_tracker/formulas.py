"""The guard against spreadsheet formulas, and its reverse, for every file the tracker writes
or reads: exports, the update template (CSV and .xlsx) and the importer.

A text cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) gets a leading apostrophe when written; the importer takes it off again,
so an exported file reads back unchanged.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(value):
    """'=HYPERLINK(…)' -> "'=HYPERLINK(…)"; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def guard_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text column of `df`, guarded."""
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(guard)
    return safe


def unguard_column(s: pd.Series) -> pd.Series:
    """The importer's reverse of guard: "'=SUM(A1)" reads back as "=SUM(A1)"."""
    quoted = s.str.startswith("'")
    if not quoted.fillna(False).any():  # the usual file: nothing to take off, and no copy made
        return s
    guarded = quoted & s.str.slice(1, 2).isin(list(FORMULA_START))
    return s.where(~guarded, s.str.slice(1))
