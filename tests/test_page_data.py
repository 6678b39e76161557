"""What each page draws, computed once per view (page_data), and the bounded store that keeps it (web)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pandas as pd
import pytest

from action_tracker import charts, page_data, queries, views, web
from action_tracker.db import connect
from action_tracker.history import load_dataset

from .small import EXPECTED, TODAY, make_small_db


@pytest.fixture
def ds(tmp_path):
    con = connect(make_small_db(tmp_path))
    yield load_dataset(con, TODAY)
    con.close()


@pytest.fixture
def seed_ds(con):
    """The five plans as built: enough dated and undated actions for several timeline pages."""
    return load_dataset(con)


@pytest.mark.parametrize("query, keep, expected", [
    ("", "", "explorer"),
    ("plan=AA", "", "explorer?plan=AA"),
    ("plan=AA", "as_of=2025-09-01&confidence=high", "explorer?plan=AA&as_of=2025-09-01&confidence=high"),
    # The link's own day wins over the view's.
    ("action=AA-1&as_of=2025-01-31", "as_of=2025-09-01&confidence=high",
     "explorer?action=AA-1&as_of=2025-01-31&confidence=high"),
])
def test_internal_links_carry_the_day_and_evidence_counted(query, keep, expected):
    assert page_data.link("explorer", query, keep) == expected


def test_overview_parts_agree_with_the_hand_count(ds):
    view = page_data.overview(ds, queries.Filters(), "as_of=2025-09-01")
    assert int(view["total"]["actions"]) == EXPECTED["actions"]
    assert int(view["total"]["assessed"]) == EXPECTED["assessed"]
    assert f"Status known for {EXPECTED['assessed']} of {EXPECTED['actions']} actions" in view["coverage"]
    # Links in the per-plan table and the recent updates keep the view's day.
    assert "[AA](explorer?plan=AA&as_of=2025-09-01)" in view["plan_table"]
    assert "as_of=2025-09-01" in view["recent"]


def test_compare_works_for_plans_with_no_themes(ds):
    # Actions with no theme at all (a plan loaded before themes were suggested; the synthetic
    # benchmark data): the side-by-side view says so instead of failing.
    ds = dataclasses.replace(ds, state=ds.state.assign(themes=None, theme=None))
    side = page_data.compare_theme(ds, queries.Filters(), "compute", "", "")
    assert [plan for plan, _ in side["columns"]] == ["AA", "BB"]
    assert all("No action of this plan has this theme" in text for _, text in side["columns"])
    assert side["delivered"].startswith("| plan | actions |")
    assert queries.theme_actions(ds.state.iloc[0:0], "compute").empty


def _step_value(points: pd.DataFrame, day, column):
    """The value a step ('hv') line through `points` shows on `day`."""
    return points.loc[points["date"] <= day, column].iloc[-1]


def test_completion_line_through_its_change_points_is_the_daily_line(ds):
    curve = queries.completion_over_time(ds)
    fig = charts.completion(curve)
    for plan, g in curve.groupby("plan"):
        drawn = next(t for t in fig.data if t.name == f"{plan} completed")
        points = pd.DataFrame({"date": pd.to_datetime(drawn.x), "completed": drawn.y})
        assert len(points) < len(g)  # fewer points sent ...
        for row in g.itertuples():  # ... and the same line on every day
            assert _step_value(points, pd.Timestamp(row.date), "completed") == row.completed


def test_page_parts_are_kept_up_to_a_bound_most_recent_first():
    kept, calls = web.data._Kept(2), []

    def compute(v):
        calls.append(v)
        return v * 10

    assert kept.get("a", lambda: compute(1)) == 10
    assert kept.get("a", lambda: compute(99)) == 10  # kept: not computed again
    kept.get("b", lambda: compute(2))
    kept.get("a", lambda: compute(99))  # "a" is now the most recent
    kept.get("c", lambda: compute(3))  # so "b" goes
    assert list(kept.items) == ["a", "c"] and calls == [1, 2, 3]


def test_streamlit_cache_hits_are_kept_by_plain_lookup_and_emptied_with_streamlit_caches():
    import streamlit as st
    calls = []

    @st.cache_resource(show_spinner=False)
    def opened(path: str, _handle=None):
        calls.append(path)
        return [path]

    st.cache_resource.clear()
    first = web.data._quickly(opened, "a.duckdb", _handle=object())
    opened.clear()  # Streamlit's own copy gone: the plain one still answers, without computing
    assert web.data._quickly(opened, "a.duckdb", _handle=object()) is first and calls == ["a.duckdb"]
    st.cache_resource.clear()  # what tests and a new store do: both copies go
    assert web.data._quickly(opened, "a.duckdb") is not first and calls == ["a.duckdb", "a.duckdb"]


def test_only_the_last_datasets_are_kept_beside_streamlit_cache():
    import streamlit as st

    @st.cache_resource(show_spinner=False, max_entries=web.DATASETS_KEPT)
    def _dataset(day: int):
        return {"day": day}

    st.cache_resource.clear()
    for day in range(10):
        web.data._quickly(_dataset, day)
    kept = web.data._stores()["_dataset"].items
    assert [args for _, args in kept] == [(8,), (9,)] == [(d,) for d in range(10 - web.data.QUICK_DATASETS_KEPT, 10)]
    assert not any(name == "_dataset" for name, _ in web.data._stores()["others"].items)


def test_a_dataset_nobody_caches_is_computed_each_time(ds):
    assert ds.key == ()
    assert web.cached(page_data.plan_titles, ds) == page_data.plan_titles(ds)


def test_completion_of_some_plans_is_the_same_from_the_kept_pass_over_all_events(ds):
    everything = queries.completion_over_time(ds)  # fills ds.memo with the pass over all events
    assert "completion_deltas_by_plan" in ds.memo
    only_aa = dataclasses.replace(ds, state=ds.state[ds.state["plan_id"] == "AA"], memo={})
    pd.testing.assert_frame_equal(queries.completion_over_time(ds, ["AA"]), queries.completion_over_time(only_aa))
    assert set(everything["plan"]) == {"AA", "BB"}


@pytest.mark.parametrize("group", queries.GROUPS)
@pytest.mark.parametrize("undated", [False, True])
def test_a_timeline_page_is_the_same_slice_of_all_the_rows(seed_ds, group, undated):
    """The timeline builds columns only for the rows it draws: each page must be the rows a full
    build puts there, in the same order and with the same bars."""
    everything = queries.timeline_rows(seed_ds, seed_ds.state, group, dated_only=not undated)
    t = page_data.timeline(seed_ds, queries.Filters(), group, undated)
    assert t["count"] == len(everything) and t["hidden"] == len(seed_ds.state) - len(everything)
    per_page = 40
    for page in (1, 2, -(-len(everything) // per_page)):
        shown = page_data.timeline_shown(seed_ds, queries.Filters(), group, undated, page, per_page)
        expected = queries.timeline_page(everything, page, per_page)
        assert len(shown) > 0
        pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected.reset_index(drop=True))


@pytest.mark.parametrize("counts, cells", [
    ([("Completed", 1), ("In progress", 2), ("No update yet", 97)], 40),  # a 1% status still shows
    ([("Completed", 5), ("Blocked", 5)], 7),
    ([("Not started", 1), ("In progress", 1), ("Completed", 1), ("Blocked", 1), ("Cancelled", 1),
      ("No update yet", 1)], 3),  # more statuses than cells: one cell each
    ([("Completed", 0), ("No update yet", 0)], 40),
])
def test_markdown_bar_is_as_long_as_asked_and_shows_every_status_present(counts, cells):
    bar = charts.markdown_bar(counts, cells)
    runs = re.findall(r"(?::(\w+)\[)?([█░]+)\]?", bar)
    present = [s for s, n in counts if n]
    assert len(runs) == len(present)
    assert sum(len(glyphs) for _, glyphs in runs) == (max(cells, len(present)) if present else 0)
    # Each run in its status's colour; No update yet as a light shade, as hatched in the charts.
    assert [c or None for c, _ in runs] == [charts.MARKDOWN_COLORS.get(s) for s in present]
    assert all((g[0] == "░") == (s == "No update yet") for (_, g), s in zip(runs, present))


def test_markdown_tables_keep_their_shape_and_show_values_as_text():
    df = pd.DataFrame({"plan": ["A|B", "[x](javascript:alert(1))", None], "title": ["t|u", "<img src=x>", "ok"],
                       "share": [0.25, None, 1.0]})
    table = charts.markdown_table(df, links={"plan": "explorer?plan={value}"}, meters=("share",))
    lines = table.splitlines()
    assert len(lines) == 2 + len(df)
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    assert unescaped_pipes == [len(df.columns) + 1] * len(lines)  # a | in a value does not add a column
    assert "[A\\|B](explorer?plan=A%7CB)" in lines[2]  # linked by its encoded value, label escaped
    assert "(explorer?plan=%5Bx%5D%28javascript%3Aalert%281%29%29)" in lines[3]  # the payload stays a value
    assert "\\<img src=x\\>" in lines[3] and "| — |" in lines[4]  # unknown plan: no link
    assert lines[2].endswith("25% :green[██]:gray[░░░░░░░░] |") and lines[4].endswith("100% :green[██████████] |")


def test_the_timeline_legend_names_each_colour_as_the_gantt_draws_it():
    legend = charts.status_legend_markdown()
    # Overdue solid, past due with no update hatched (a light shade), then every status; each with its symbol.
    assert legend.startswith(":red[██] ⚠ Overdue · :red[░░] ◷ Past due, no update · :violet[██] ○ Not started")
    assert "██ ✕ Cancelled" in legend and ":gray[░░] ? No update yet" in legend and "Hatched" in legend


def test_the_status_mix_on_a_phone_is_a_shorter_bar_without_the_counts(ds):
    import re
    mix = queries.status_mix(ds.state)
    wide, phone = charts.status_mix_markdown(mix), charts.status_mix_markdown(mix, phone=True)
    bars = [re.findall(r"[█░]", line) for line in phone.splitlines() if line.startswith("| **")]
    assert max(len(b) for b in bars) == charts.PHONE_BAR_CELLS < charts.BAR_CELLS
    assert "✔ 1" in wide and "✔" not in phone.split("\n\n")[0]  # counts beside the bars on a wide screen only
    assert phone.split("\n\n")[1] == wide.split("\n\n")[1]  # the same legend
    # Every count by status is still on the page: the phone's per-plan table keeps a column per status.
    heads = {w: page_data.overview(ds, queries.Filters(), "", phone=w)["plan_table"].splitlines()[0] for w in (False, True)}
    assert "No update yet" in heads[True] and "Blocked" in heads[True] and "Blocked" not in heads[False]


@pytest.mark.parametrize("params, kept", [
    ({"as_of": ["2025-09-01"], "confidence": ["high"]}, "as_of=2025-09-01&confidence=high"),
    ({"as_of": ["{"], "confidence": ["}"]}, ""),  # invalid: warned about on the page, not passed on
    ({"as_of": ["2999-01-01"]}, ""),
    ({"as_of": ["2025-09-01&plan=US"]}, ""),
    ({"plan": ["US"]}, ""),
])
def test_links_carry_on_only_a_valid_day_and_evidence(params, kept):
    assert views.kept_query(params, date(2026, 1, 1)) == kept


def test_a_link_template_is_not_a_format_string():
    table = charts.markdown_table(pd.DataFrame({"plan": ["US"]}), links={"plan": "explorer?plan={value}&q={"})
    assert "(explorer?plan=US&q={)" in table


def test_on_a_phone_the_owners_scorecard_is_text_and_an_owners_actions_open(seed_ds):
    f, leads = queries.Filters(), list(queries.LEAD_BASES)[2]
    desk, phone = (page_data.owners(seed_ds, f, "lead", leads, "body", phone=p) for p in (False, True))
    assert phone["card_grid"] is None and desk["card_table"] is None  # no grid to send to a phone
    lines = phone["card_table"].splitlines()
    assert lines[0] == "| owner | actions | status known | completed | overdue |"
    assert len(lines) == 2 + len(desk["card"])  # every owner of the desktop's grid
    top = desk["card"].iloc[0]
    cells = [c.strip() for c in lines[2].strip("| ").split("|")]
    assert cells[1:5] == [str(int(top[c])) for c in ("assigned", "assessed", "Completed", "overdue")]
    mine = page_data.owner_actions_table(seed_ds, f, top["owner"], "lead", leads, "body", "as_of=2026-06-01")
    ids = page_data.owner_actions(seed_ds, f, top["owner"], "lead", leads, "body")["action_id"]
    assert f"(explorer?action={ids[0]}&as_of=2026-06-01)" in mine.splitlines()[2]  # opens it, on the same day
    assert len(mine.splitlines()) == 2 + len(ids)


@pytest.mark.parametrize("part", ["owners", "explorer", "explorer on a phone"])
def test_a_table_is_sent_as_streamlit_would_send_its_frame(seed_ds, part):
    """page_data gives each grid its Arrow table, made once: the bytes st.dataframe sends for it are
    those it makes of the DataFrame on every run."""
    import pyarrow as pa
    from streamlit import dataframe_util

    f = queries.Filters()
    if part == "owners":
        view = page_data.owners(seed_ds, f, "lead", list(queries.LEAD_BASES)[2], "body")
        frame, grid = view["card"], view["card_grid"]
    else:
        view = page_data.explorer(seed_ds, f)
        phone = part.endswith("phone")
        frame = view["table"][page_data.PHONE_COLUMNS] if phone else view["table"]
        grid = view["phone_grid" if phone else "grid"]
    assert isinstance(grid, pa.Table) and grid.num_rows == len(frame) > 3
    assert (dataframe_util.convert_arrow_table_to_arrow_bytes(grid)
            == dataframe_util.convert_pandas_df_to_arrow_bytes(frame))


def test_a_frame_arrow_cannot_take_stays_a_frame_for_streamlit_to_mend():
    mixed = pd.DataFrame({"value": [1, "one", 2.5]})  # mixed types: Arrow refuses the column
    assert page_data.for_the_grid(mixed) is mixed
