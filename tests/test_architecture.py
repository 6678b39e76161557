"""Where things live: checks that keep the layout the README describes true."""

from __future__ import annotations

import ast
import dataclasses
import re
from importlib.metadata import version

from action_tracker.settings import Settings

from .conftest import ROOT

APP_CODE = [*ROOT.glob("action_tracker/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py"]


def test_the_streamlit_internal_behind_deep_links_is_still_there():
    # web.ensure_entrypoint() sets PagesManager.uses_pages_directory (see its docstring). If an upgrade
    # removes it, deep links opened first after a restart lose the navigation: fail here, loudly.
    from streamlit.runtime.pages_manager import PagesManager
    assert hasattr(PagesManager, "uses_pages_directory"), (
        "Streamlit no longer has PagesManager.uses_pages_directory: rework web.ensure_entrypoint()")
    pinned = re.search(r"^streamlit==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)[1]
    assert version("streamlit") == pinned, "the workaround was checked against the pinned Streamlit only"


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc[doc.index("| setting |"):]
    for f in dataclasses.fields(Settings):
        assert f"`{f.metadata['env']}`" in table, f"docs/architecture.md's settings table lacks {f.metadata['env']}"


def test_the_readme_is_short_and_its_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250 and "make run" in readme and "make test" in readme
    for target in re.findall(r"\]\(((?:docs|bench)/[^)#]*)", readme):
        assert (ROOT / target).exists(), target


def test_status_event_sql_lives_in_the_history_module_only():
    allowed = {ROOT / "action_tracker" / "history.py", ROOT / "action_tracker" / "migrations.py"}
    offenders = [str(p.relative_to(ROOT)) for p in APP_CODE
                 if p not in allowed and re.search(r"\bstatus_events\b", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_pages_hold_no_sql():
    for p in [*ROOT.glob("pages/*.py"), ROOT / "dashboard.py"]:
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\s", p.read_text(encoding="utf-8")), p.name


def test_the_dashboard_draws_no_html_but_its_svg_charts():
    # Streamlit fetches its HTML renderer when the first HTML block is drawn, and the block waits for it
    # (0.1-0.2 s after the rest of the page): the dashboard draws Markdown, escaped by text.md. HTML is
    # for the report and the public edition, and for one helper, web.svg_chart: the timeline's SVG
    # (escaped by text.html_in_markdown), where Plotly cost 4.7 MB of JavaScript.
    draws_html = re.compile(r"unsafe_allow_html\s*=\s*True|\bst\.html\(")
    found = []
    for p in [*ROOT.glob("pages/*.py"), ROOT / "dashboard.py", *ROOT.glob("action_tracker/web/*.py")]:
        text = p.read_text(encoding="utf-8")
        functions = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)]
        for number, line in enumerate(text.splitlines(), start=1):
            if draws_html.search(line):
                where = next((f.name for f in functions if f.lineno <= number <= f.end_lineno), "<module>")
                found.append(f"{p.relative_to(ROOT)}:{where}")
    assert found == ["action_tracker/web/layout.py:svg_chart"]


def test_the_markdown_colours_are_the_charts_colours():
    # statuses.MARKDOWN_COLORS names a Streamlit colour per status; .streamlit/config.toml sets each to
    # the charts' colour (statuses.COLORS), so the overview's bars match every Plotly chart. Shaded
    # statuses (No update yet, Past due) are drawn ░ in another status's or grey's colour: not checked.
    import tomllib

    from action_tracker.charts import HATCHED
    from action_tracker.statuses import COLORS, MARKDOWN_COLORS
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    solid = {status: name for status, name in MARKDOWN_COLORS.items() if status not in HATCHED}
    assert {s: theme.get(f"{name}TextColor") for s, name in solid.items()} == {s: COLORS[s] for s in solid}
    assert len(set(solid.values())) == len(solid)  # one colour per solid status: none told apart by shade alone


def test_no_function_over_60_lines_outside_schema_ddl_and_plan_loaders():
    long = []
    for p in [*ROOT.glob("action_tracker/**/*.py"), *ROOT.glob("bench/*.py")]:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 60:
                if not (p.name == "migrations.py" and node.name.startswith("m0")):
                    long.append(f"{p.relative_to(ROOT)}:{node.name}")
    assert long == []
