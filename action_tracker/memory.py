"""Freed memory goes back to the system, so a large upload's peak is what it holds, not what it held.

A million-row upload builds and drops several hundred MB of columns. By default neither allocator
gives them back: Arrow's mimalloc pool keeps freed pages for reuse, and glibc's malloc raises its
mmap threshold after the first large free (up to 32 MB), so later large arrays come from the heap
and stay there once freed. Each step then stacked its garbage on the last one's: the import of a
million rows peaked at 834 MB, 190 MB of it already freed (bench: `python -m bench --imports
1000000`). Arrow on the system allocator and a fixed mmap threshold return every large array to the
system when it is freed; the import then peaks 190 MB lower and runs no slower.

Called once per process by the entry points (the command line, the dashboard's store handle).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
MMAP_THRESHOLD = 1 << 20  # arrays of 1 MB and more are mapped, and unmapped when freed


@functools.cache
def give_back_freed_memory() -> dict[str, bool]:
    """Set both allocators (once; later calls return the first answer). Says what took effect:
    on a C library other than glibc, or an Arrow without the system pool, that part is left alone."""
    import pyarrow as pa
    done = {"arrow_system_pool": False, "malloc_mmap_threshold": False}
    try:
        pa.set_memory_pool(pa.system_memory_pool())
        done["arrow_system_pool"] = True
    except (AttributeError, NotImplementedError, pa.ArrowException):
        pass
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = getattr(libc, "mallopt", None)
        # A fixed threshold also stops glibc's adjustment that kept large frees on the heap.
        done["malloc_mmap_threshold"] = bool(mallopt and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1)
    except OSError:
        pass
    return done


def release_duckdb_cache(con) -> None:
    """Give back what DuckDB keeps of the memory its last queries freed.

    DuckDB's allocator keeps freed memory for reuse: after the join of a million-row upload with the
    store (history.upload_state), 75-100 MB it no longer used stayed with the process through the
    checks and the insert, at the import's peak. DuckDB flushes that cache whenever its memory limit
    is set. RESET sets it to DuckDB's default, which it already is: the tracker never sets a limit
    (setting the value DuckDB reports would lower it, as the report is rounded down to a tenth of a
    GiB). So queries of other readers running at the same moment are not affected, and an open
    transaction goes on (tests/test_memory.py checks both, and that the memory goes back)."""
    con.execute("RESET memory_limit")
