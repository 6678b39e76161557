"""`pip install .` alone gives a working `action-tracker`: every runtime dependency is declared in
pyproject.toml (requirements.txt only pins them). A fresh virtual environment, no editable install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

SKIP = shutil.ignore_patterns(".git", ".venv", "test-artifacts", "*.duckdb*", "__pycache__", "*.egg-info", "build",
                              ".pytest_cache", "archive", "backups")


@pytest.mark.timeout(900)
def test_pip_install_dot_runs_build_and_publish(tmp_path):
    source = tmp_path / "source"  # a copy: building a wheel writes build/ and egg-info beside the code
    shutil.copytree(ROOT, source, ignore=SKIP)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          str(source)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import action_tracker; print(action_tracker.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert "site-packages" in where  # the installed package, not the checkout
    # The installed command reads the plans and updates from the project folder ($ACTION_TRACKER_HOME).
    env = {**os.environ, "ACTION_TRACKER_HOME": str(source), "ACTION_TRACKER_DB": str(tmp_path / "t.duckdb")}
    env.pop("PYTHONPATH", None)
    tool = str(venv / "bin" / "action-tracker")
    built = subprocess.run([tool, "build"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    published = subprocess.run([tool, "publish", str(tmp_path / "site")], capture_output=True, text=True,
                               cwd=tmp_path, env=env)
    assert published.returncode == 0, published.stdout + published.stderr
    assert len(list((tmp_path / "site" / "actions").glob("*/index.html"))) == 250
    assert (tmp_path / "site" / "feeds" / "all.xml").stat().st_size > 0  # feedgen, declared
    assert (tmp_path / "site" / "calendar" / "all.ics").stat().st_size > 0  # icalendar, declared
