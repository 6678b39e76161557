"""Pandas plumbing for large frames whose strings stay in Arrow.

Replacing a hundred rows of a 200,000-row frame the obvious ways (a boolean filter and concat,
iloc assignment, pyarrow's replace_with_mask) copies every string of every column: 0.2-0.6 s.
replace_rows copies the numeric and date columns, shares the string columns whose replaced values
did not change (a status update leaves titles and texts alone), and rebuilds the others from
slices of the old one joined by Arrow (one chunk, so later filters stay quick).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

# A patched string column holds up to two more chunks per replaced row; past this many, reading
# everything again is the better choice (scans of a column slow down with its number of chunks).
MAX_CHUNKS = 2_000


def _chunks(values) -> pa.ChunkedArray:
    arr = pa.array(values)
    return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])


def _one_chunk(pieces: list, type) -> pa.ChunkedArray:
    """The pieces joined into one chunk (see db.arrow_frame for why); over 2 GB of text they cannot
    be, and stay as they are."""
    try:
        return pa.chunked_array([pa.concat_arrays(pieces)], type=type)
    except pa.ArrowInvalid:
        return pa.chunked_array(pieces, type=type)


def compact(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with each Arrow string column in one chunk (see db.arrow_frame for why); a column over
    2 GB of text keeps its chunks. Returns `df` itself when nothing needed joining."""
    joined = {}
    for c in df.columns:
        col = df[c]
        if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
            chunked = _chunks(col.array)
            if chunked.num_chunks > 1:
                joined[c] = pd.array(_one_chunk(chunked.chunks, chunked.type), dtype=col.dtype)
    return df.assign(**joined) if joined else df


def replace_rows(old: pd.DataFrame, fresh: pd.DataFrame, key: str) -> pd.DataFrame | None:
    """`old` with the rows whose `key` is in `fresh` replaced by fresh's, in old's order and dtypes.
    None when a fresh key is not in old, or the result would be too fragmented (read it all again).
    `old` is not changed: it may be shared with other readers."""
    pos = pd.Index(old[key]).get_indexer(fresh[key])
    if (pos < 0).any() or list(fresh.columns) != list(old.columns):
        return None
    order = np.argsort(pos, kind="stable")
    pos, fresh = pos[order], fresh.iloc[order].reset_index(drop=True)
    columns = {}
    for c in old.columns:
        col, new = old[c], fresh[c]
        if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
            base = _chunks(col.array)
            repl = _chunks(new.array).combine_chunks().cast(base.type)
            if base.take(pa.array(pos)).combine_chunks().equals(repl):
                columns[c] = col.array  # unchanged by the write (a title, a text): shared, not copied
                continue
            pieces, start = [], 0
            for k, p in enumerate(pos):
                if p > start:
                    pieces.extend(base.slice(start, p - start).chunks)
                pieces.append(repl.slice(k, 1))
                start = p + 1
            if start < len(base):
                pieces.extend(base.slice(start).chunks)
            if len(pieces) > MAX_CHUNKS:
                return None
            # One chunk again: a few ms of copying, saved on every later filter.
            columns[c] = pd.array(_one_chunk(pieces, base.type), dtype=col.dtype)
        else:
            values = col.to_numpy(copy=True)
            if isinstance(col.dtype, np.dtype) and isinstance(new.dtype, np.dtype) and new.dtype != col.dtype:
                values = values.astype(np.result_type(col.dtype, new.dtype))  # e.g. whole days and NaN
            values[pos] = new.to_numpy()
            columns[c] = values if isinstance(col.dtype, np.dtype) else pd.array(values, dtype=col.dtype)
    return pd.DataFrame(columns, index=old.index)


# Bytes that may start or end a value str.strip would change: ASCII whitespace, and any non-ASCII
# byte (Unicode has spaces of its own; a value with one at an end is stripped the slow way).
_EDGE = np.zeros(256, bool)
_EDGE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_EDGE[128:] = True


def strip(s: pd.Series) -> pd.Series:
    """s.str.strip(), or `s` itself when no value has a space at either end: a file's cells
    seldom do, and a stripped copy of every column was 80 MB of a million-row upload."""
    chunks = _chunks(s.array).chunks if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" else None
    if chunks is None:
        return s.str.strip()
    for chunk in chunks:
        width = {pa.string(): np.int32, pa.large_string(): np.int64}.get(chunk.type)
        if width is None or chunk.offset:
            return s.str.strip()
        _, offsets, data = chunk.buffers()
        if data is None:
            continue
        ends = np.frombuffer(offsets, width, len(chunk) + 1)
        filled = ends[1:] > ends[:-1]  # empty and missing values have nothing to strip
        text = np.frombuffer(data, np.uint8)
        if _EDGE[text[ends[:-1][filled]]].any() or _EDGE[text[ends[1:][filled] - 1]].any():
            return s.str.strip()
    return s

