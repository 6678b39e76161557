"""memory.py: an upload's freed columns go back to the system, in a real process."""

import subprocess
import sys
import textwrap

from action_tracker import memory
from action_tracker.db import ROOT

# Builds and drops ~120 MB of Arrow columns three times, then prints how much of it the process
# still holds. Before memory.py (Arrow's mimalloc pool, glibc's moving mmap threshold) it held
# 108-124 MB; with it, 4-6 MB.
SCRIPT = textwrap.dedent("""
    import sys
    import pyarrow as pa, pyarrow.compute as pc
    from action_tracker import memory
    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    print(memory.give_back_freed_memory(), file=sys.stderr)
    pc.add(pa.array([1, 2]), 1)  # the compute registry's first use is not garbage
    base = rss_mb()
    for _ in range(3):
        s = pa.array([f"value {i}" for i in range(2_000_000)])
        t = pc.utf8_upper(s)
        u = pc.binary_length(t)
        del s, t, u
    print(rss_mb() - base)
""")


def test_freed_columns_go_back_to_the_system():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "'arrow_system_pool': True" in out.stderr and "'malloc_mmap_threshold': True" in out.stderr
    assert float(out.stdout) < 30, f"{float(out.stdout):.0f} MB of freed columns still held"


def test_setting_it_twice_is_harmless():
    assert memory.give_back_freed_memory() == memory.give_back_freed_memory()


# A hash join of a million rows in DuckDB, its result dropped: how much the process still holds over
# what it held before, then after release_duckdb_cache. DuckDB 2.0 kept 60-80 MB of it (measured on
# 2 Dec 2026) until its memory limit was set.
DUCKDB_SCRIPT = textwrap.dedent("""
    import duckdb
    from action_tracker import memory
    def rss_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    con = duckdb.connect()
    con.execute("CREATE TABLE a AS SELECT i, 'action ' || i AS t FROM range(1000000) r(i)")
    con.execute("CREATE TABLE b AS SELECT i, 'note ' || i AS n FROM range(1000000) r(i)")
    limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    base = rss_mb()
    rows = con.sql("SELECT a.i, t, n FROM a LEFT JOIN b USING (i)").fetchnumpy()
    del rows
    kept = rss_mb() - base
    con.execute("BEGIN")
    con.execute("INSERT INTO a VALUES (-1, 'in a transaction')")
    memory.release_duckdb_cache(con)
    con.execute("COMMIT")  # an open transaction goes on
    print(kept, rss_mb() - base, limit == con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0],
          con.execute("SELECT count(*) FROM a").fetchall()[0][0])
""")


def test_duckdb_gives_back_what_a_big_query_freed():
    out = subprocess.run([sys.executable, "-c", DUCKDB_SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True)
    kept, after, same_limit, rows = out.stdout.split()
    assert same_limit == "True" and rows == "1000001"
    assert float(kept) - float(after) > 20, f"held {float(kept):.0f} MB after the query, {float(after):.0f} MB after release"
