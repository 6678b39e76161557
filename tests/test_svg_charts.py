"""The dashboard's charts as SVG (svg_charts: the Gantt, completion and owners charts): what they draw, and that text from a
plan stays text inside Streamlit's Markdown, checked in a real browser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urlparse

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from action_tracker import page_data, queries, svg_charts
from action_tracker.statuses import COLORS
from action_tracker.text import html_in_markdown

from .browser import READY, launch, streamlit_server

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = date(2026, 6, 1)
HOSTILE = ("[sign in](https://evil.example/login) ![t](https://evil.example/t.png) <img src=https://evil.example/i> "
           ":red[alarm] $x^2$ *bold*\n\n# heading")


def rows() -> pd.DataFrame:
    """Four actions in two groups: a dated bar, an open-ended one, a milestone, and a hostile title."""
    day = pd.Timestamp
    return pd.DataFrame({
        "action_id": ["A-1", "A-2", "B-1", "B-2"],
        "title": ["Build the thing", "Keep doing it", "Publish a review", HOSTILE],
        "lead_owner": ["Office A", None, "Office B", "Office B"],
        "status": ["Completed", "In progress", "Not started", "No update yet"],
        "shown_as": ["Completed", "In progress", "Overdue", "No update yet"],
        "start": [day("2025-01-01"), day("2025-01-01"), day("2025-07-01"), day("2025-03-01")],
        "end": [day("2025-12-31"), day("2026-06-01"), day("2025-07-01"), day("2027-01-01")],
        "open_ended": [False, True, False, False],
        "milestone": [False, False, True, False],
        "group": ["Plan A", "Plan A", "Plan B", "Plan B"],
    })


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also: the chart is well-formed XML


def of_class(root: ET.Element, kind: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == kind]


def test_the_gantt_draws_each_action_in_order_under_its_group():
    events = pd.DataFrame({"action_id": ["A-1", "A-1", "ZZ-9"],
                           "effective_date": [pd.Timestamp("2025-03-01")] * 3,
                           "status": ["In progress", "Completed", "Completed"]})
    root = parse(svg_charts.gantt_svg(rows(), AS_OF, events))
    assert [t.text for t in of_class(root, "group")] == ["Plan A", "Plan B"]
    labels = [t.text for t in of_class(root, "row")]
    assert [label.split()[0] for label in labels] == ["A-1", "A-2", "B-1", "B-2"]
    bars, miles = of_class(root, "bar"), of_class(root, "milestone")
    assert len(bars) == 3 and len(miles) == 1  # B-1 is due on the day it starts: a diamond
    assert miles[0].get("fill") == "#ffffff" and miles[0].get("stroke") == COLORS["Overdue"]  # bad news: open
    first = bars[0].findall(f"{SVG}rect")
    assert first[0].get("fill") == COLORS["Completed"] and len(first) == 1  # reported: solid
    open_ended = bars[1].findall(f"{SVG}rect")
    assert len(open_ended) == 2 and open_ended[1].get("fill") == "url(#gantt-hatch)"  # no due date: hatched
    assert len(bars[2].findall(f"{SVG}rect")) == 2  # nothing reported: hatched too
    # A bar ends at its due date: A-1 (Dec 2025) ends left of A-2 (open, to the as-of day, Jun 2026).
    ends = [float(b.find(f"{SVG}rect").get("x")) + float(b.find(f"{SVG}rect").get("width")) for b in bars[:2]]
    assert ends[0] < ends[1]
    assert len(of_class(root, "change")) == 2  # ZZ-9 is not on this page
    tip = bars[0].find(f"{SVG}title").text
    assert tip.splitlines() == ["A-1 Build the thing", "Lead: Office A", "✔ Completed",
                                "Starts 01 Jan 2025 · due 31 Dec 2025"]
    assert "Lead: none named" in bars[1].find(f"{SVG}title").text
    assert "today" in [t.text for t in root.iter(f"{SVG}text")]
    assert root.get("role") == "img" and root.find(f"{SVG}desc").text.startswith("4 actions drawn as bars")


def test_on_a_phone_the_labels_are_ids_and_the_chart_is_narrower():
    wide, phone = parse(svg_charts.gantt_svg(rows(), AS_OF)), parse(svg_charts.gantt_svg(rows(), AS_OF, ids_only=True))
    assert [t.text for t in of_class(phone, "row")] == ["A-1", "A-2", "B-1", "B-2"]
    assert phone.get("viewBox").split()[2] == str(svg_charts.PHONE_WIDTH) < wide.get("viewBox").split()[2] == "860"


def test_plan_text_in_the_chart_cannot_become_markdown_or_html():
    svg = svg_charts.gantt_svg(rows(), AS_OF)
    first, rest = svg.split("\n", 1)
    assert first.startswith("<svg") and first.endswith(">") and "\n" not in rest  # one raw HTML block, no blank line
    for raw in ("<img", "](", "![", ":red[", "$x", "*bold*", "# heading"):
        assert raw not in svg, raw
    root = parse(svg)
    label = of_class(root, "row")[3].text
    assert label.startswith("B-2  [sign in](https://evil.example/login)")  # the text, as written
    assert HOSTILE.replace("\n", " ") in root.find(f".//{SVG}g[@class='bar'][3]/{SVG}title").text
    assert html_in_markdown("a\n\nb") == "a  b" and html_in_markdown(None) == "—"


def test_the_timeline_page_part_gives_the_chart_its_rows_as_a_linked_table(con):
    from action_tracker.history import load_dataset
    ds = load_dataset(con)
    part = page_data.gantt(ds, queries.Filters(plans=["UK"]), "plan", False, 1, 50, False, "as_of=2026-01-31")
    labels = [t.text.split()[0] for t in of_class(parse(part["svg"]), "row")]
    table = part["table"].splitlines()
    assert len(table) == 2 + part["shown"] == 2 + len(labels) and labels and all(i.startswith("UK-") for i in labels)
    assert f"(explorer?action={labels[0]}&as_of=2026-01-31)" in table[2]  # each row opens its action, same day
    assert part["sentence"].startswith(f"{part['shown']} actions drawn as bars")



def curve() -> pd.DataFrame:
    """Two lines' daily points: 'A' completes 1 then 3 of 4; 'B <x>' (a hostile name) never completes."""
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    a = pd.DataFrame({"plan": "A", "date": days, "actions": 4,
                      "completed": [0] * 100 + [1] * 100 + [3] * 165, "due": [0] * 200 + [2] * 165,
                      "assessed": [1] * 100 + [4] * 265})
    b = pd.DataFrame({"plan": HOSTILE, "date": days, "actions": 10, "completed": 0, "due": [0] * 300 + [5] * 65,
                      "assessed": [0] * 50 + [2] * 315})
    out = pd.concat([a, b], ignore_index=True)
    return out.assign(completed_share=out["completed"] / out["actions"],
                      completed_share_assessed=(out["completed"] / out["assessed"]).where(out["assessed"] > 0))


def _points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


@pytest.mark.parametrize("measure, ends", [
    ("count", ["A: 3 completed, 2 due", "B: 0 completed, 5 due"]),
    ("share", ["A: 75% completed, 50% due", "B: 0% completed, 50% due"]),
    ("share of assessed", ["A: 75% of assessed completed, 100% known", "B: 0% of assessed completed, 20% known"]),
])
def test_the_completion_chart_names_each_line_with_its_last_values(measure, ends):
    c = curve().replace({HOSTILE: "B"})
    root = parse(svg_charts.completion_lines_svg(c, measure))
    assert [t.text for t in of_class(root, "end")] == ends
    series = of_class(root, "series")
    assert len(series) == 2
    done = _points(series[0].find(f"{SVG}polyline[@class='done']"))
    assert len(done) == 2 * 4 - 1  # steps through the 3 values' first days and the last day, not 365 days
    ys = [y for _, y in done]
    assert ys == sorted(ys, reverse=True) and ys[0] > ys[-1]  # more completed is drawn higher
    dash = series[0].find(f"{SVG}polyline[@class='other']").get("stroke-dasharray")
    assert dash == ("2 3" if measure == "share of assessed" else "6 4")  # dotted: status known
    assert root.find(f"{SVG}desc").text.endswith(f"On the last day: {ends[0]}; {ends[1]}.")


def test_a_share_of_the_assessed_is_drawn_only_from_the_first_day_a_status_is_known():
    c = curve().replace({HOSTILE: "B"})  # B: nothing assessed for its first 50 days (no share, not 0%)
    svg = svg_charts.completion_lines_svg(c, "share of assessed")
    assert "nan" not in svg.lower()
    b_done = _points(of_class(parse(svg), "series")[1].find(f"{SVG}polyline[@class='done']"))
    a_done = _points(of_class(parse(svg), "series")[0].find(f"{SVG}polyline[@class='done']"))
    assert b_done[0][0] > a_done[0][0]  # B's line starts later, on day 51
    never = c.assign(assessed=0, completed_share_assessed=float("nan"))
    root = parse(svg_charts.completion_lines_svg(never, "share of assessed"))
    assert [t.text for t in of_class(root, "end")] == ["A: no status known yet", "B: no status known yet"]
    assert "nan" not in ET.tostring(root, encoding="unicode").lower()


def test_the_completion_chart_keeps_a_line_name_as_text_and_end_labels_apart():
    svg = svg_charts.completion_lines_svg(curve(), "count")
    for raw in ("<img", "](", "![", ":red[", "$x", "*bold*", "# heading"):
        assert raw not in svg, raw
    labels = of_class(parse(svg), "end")
    assert labels[1].text == "[sign…: 0 completed, 5 due"  # the name, as written, clipped at a word
    assert labels[1].find(f"{SVG}title").text == HOSTILE.replace("\n", " ")  # and whole in its tooltip
    many = pd.concat([curve().replace({HOSTILE: f"P{i}"}).query("plan != 'A'") for i in range(12)])
    ys = sorted(float(t.get("y")) for t in of_class(parse(svg_charts.completion_lines_svg(many, "count")), "end"))
    assert len(ys) == 12 and min(b - a for a, b in zip(ys, ys[1:])) >= 15  # twelve equal lines, labels readable


def test_the_owner_chart_draws_three_bars_an_owner_in_the_tables_order():
    card = pd.DataFrame({"owner": ["Office A", HOSTILE, "Office C"], "assigned": [9, 5, 1], "assessed": [8, 5, 1],
                         "Completed": [4, 0, 1], "In progress": [3, 2, 0], "overdue": [1, 3, 0]})
    svg = svg_charts.owner_bars_svg(card, top=2)
    assert "<img" not in svg and "](" not in svg
    root = parse(svg)
    assert [t.text for t in of_class(root, "owner")][0] == "Office A" and len(of_class(root, "owner")) == 2
    bars = of_class(root, "bar")
    assert [b.find(f"{SVG}title").text for b in bars[:3]] == [
        "Office A: 4 completed", "Office A: 3 in progress", "Office A: 1 overdue"]
    widths = [float(b.get("width")) for b in bars[:3]]
    assert widths[0] > widths[1] > widths[2]  # 4 > 3 > 1, on one scale
    assert [b.get("fill") for b in bars[:3]] == [COLORS["Completed"], COLORS["In progress"], COLORS["Overdue"]]
    assert [t.text for t in of_class(root, "value")][:3] == ["4", "3", "1"]
    assert of_class(root, "count")[0].text == "9 actions, status known for 8"  # zero bars are not zero actions
    assert root.find(f"{SVG}desc").text.startswith("The 2 owners with the most actions (of 3)")



def test_on_a_phone_the_completion_and_owner_charts_are_narrower_with_the_same_values():
    c = curve().replace({HOSTILE: "B"})
    root = parse(svg_charts.completion_lines_svg(c, "count", phone=True))
    assert root.get("viewBox").split()[2] == str(svg_charts.PHONE_WIDTH)
    assert [t.text for t in of_class(root, "end")] == ["A: 3 (2 due)", "B: 0 (5 due)"]
    card = pd.DataFrame({"owner": ["Department of Homeland Security"], "assigned": [2], "assessed": [1],
                         "Completed": [0], "In progress": [1], "overdue": [0]})
    root = parse(svg_charts.owner_bars_svg(card, phone=True))
    assert root.get("viewBox").split()[2] == str(svg_charts.PHONE_WIDTH)
    assert [t.text for t in of_class(root, "owner")] == ["Department of…"]  # clipped to fit; whole in its tooltip
    assert of_class(root, "owner")[0].find(f"{SVG}title").text == "Department of Homeland Security"


SCRIPT = """
import pandas as pd, streamlit as st
from datetime import date
from action_tracker import svg_charts
from tests.test_svg_charts import rows
st.title("chart")
st.markdown(svg_charts.gantt_svg(rows(), date(2026, 6, 1)), unsafe_allow_html=True)
"""


@pytest.fixture
def chart_app(tmp_path):
    script = tmp_path / "chart_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    with streamlit_server(tmp_path / "unused.duckdb", script=script) as base:
        yield base


def test_in_the_browser_a_hostile_title_is_text_and_fetches_nothing(chart_app):
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(chart_app)
        page.wait_for_selector(READY, timeout=60_000)
        chart = page.locator('[data-testid="stMarkdownContainer"] svg.svg-chart')
        chart.wait_for(timeout=30_000)
        inside = chart.evaluate("svg => [...svg.querySelectorAll('*')].map(e => e.localName)")
        assert not {"a", "img", "script", "em", "strong", "h1", "foreignObject"} & set(inside), set(inside)
        label = page.locator("svg.svg-chart text.row").nth(3).text_content()
        assert label.startswith("B-2  [sign in](https://evil.example/login)")
        assert chart.locator("g.bar").count() == 3 and chart.locator("polygon.milestone").count() == 1
        fill = page.evaluate("() => getComputedStyle(document.querySelector('svg.svg-chart g.bar rect')).fill")
        green = COLORS["Completed"].lstrip("#")
        assert fill == "rgb({}, {}, {})".format(*(int(green[i:i + 2], 16) for i in (0, 2, 4))), fill  # drawn, coloured
        browser.close()
    assert not [u for u in requests if urlparse(u).hostname == "evil.example"]
