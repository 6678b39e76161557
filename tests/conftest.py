"""Fixtures: real DuckDB files in tmp_path, built from the real plan documents."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from action_tracker import auth
from action_tracker.build import build
from action_tracker.db import connect

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# One clock for every test: the real today, as the pages use it ("overdue", "next 90 days").
TODAY = date.today()


@pytest.fixture(autouse=True)
def _no_roster_of_this_machine(monkeypatch, tmp_path_factory):
    """A data/editors.toml made on this machine must not change what the tests see: no roster unless a test gives one."""
    monkeypatch.setenv("ACTION_TRACKER_EDITORS_FILE", str(tmp_path_factory.getbasetemp() / "no-roster.toml"))


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """The five plans built once, with no updates applied; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "tracker.duckdb"
    con = connect(path)
    build(con, updates_dir=None)
    con.close()
    return path


@pytest.fixture
def db_file(built_template, tmp_path) -> Path:
    path = tmp_path / "tracker.duckdb"
    shutil.copy(built_template, path)
    return path


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    yield c
    c.close()


@pytest.fixture
def editor():
    return auth.command_line("test editor")


def shipped_event_rows() -> int:
    """How many status events the files in data/updates/ carry (each data row is one event)."""
    import csv
    return sum(sum(1 for _ in csv.DictReader(open(p, encoding="utf-8-sig")))
               for p in sorted((ROOT / "data" / "updates").glob("*.csv")))


def table_counts(con) -> dict[str, int]:
    """Row counts of every table: 'nothing was written' means these did not move."""
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}


def upload(con, text: str, name: str = "u.csv", who: str = "test editor"):
    """Read, check and apply an update file given as text, as an editor would; the file must be clean."""
    from action_tracker.uploads import apply, read_table, validate
    preview = validate(con, read_table(text.encode(), name), today=TODAY)
    assert preview.ok, preview.problem_lines()
    return apply(con, preview, auth.command_line(who))
