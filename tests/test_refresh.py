"""After a write, the dashboard reads again only the actions it touched (history.refresh_dataset):
what it gets must be what reading everything gives, row for row, or it must read everything."""

from __future__ import annotations

import pandas as pd
import pytest

from action_tracker import auth, frames, history
from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.uploads import revert

from .conftest import TODAY, upload
from .small import d, make_small_db


@pytest.fixture
def small(tmp_path):
    con = connect(make_small_db(tmp_path))
    yield con
    con.close()


def assert_same(a: history.Dataset, b: history.Dataset) -> None:
    pd.testing.assert_frame_equal(a.state, b.state)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.claims, b.claims)


@pytest.mark.parametrize("min_confidence", ["any", "high"])
def test_after_an_upload_only_its_actions_are_read_again(small, min_confidence):
    before_version, before = history.data_version(small), history.load_dataset(small, TODAY, min_confidence)
    upload(small, "action_id,status,effective_date,confidence,due_date\n"
                  f"AA-5,In progress,{d(-3)},high,{d(90)}\n"
                  f"BB-2,Completed,{d(-1)},low,\n")
    after = history.data_version(small)
    assert history.changed_actions(small, before_version, after) in (["AA-5", "BB-2"], ["BB-2", "AA-5"])
    fresh = history.refresh_dataset(small, before, before_version, after)
    assert fresh is not None and fresh is not before
    assert_same(fresh, history.load_dataset(small, TODAY, min_confidence))
    assert before.state.loc[before.state["action_id"] == "AA-5", "status"].item() == "No update yet"  # untouched


def test_after_a_revert_the_undone_events_stop_counting(small):
    result = upload(small, f"action_id,status,effective_date\nAA-1,Completed,{d(-2)}\nAA-6,Blocked,{d(-2)}\n")
    v1, ds1 = history.data_version(small), history.load_dataset(small, TODAY)
    revert(small, result.upload_id, auth.command_line("test editor"))
    v2 = history.data_version(small)
    fresh = history.refresh_dataset(small, ds1, v1, v2)
    full = history.load_dataset(small, TODAY)
    assert_same(fresh, full)
    assert fresh.state.set_index("action_id").loc["AA-6", "status"] == "No update yet"


def test_a_changed_plan_means_reading_everything(small, tmp_path):
    v1, ds1 = history.data_version(small), history.load_dataset(small, TODAY)
    build(small, plans_dir=tmp_path / "plans", updates_dir=None)  # loaded again: plans' loaded_at moves
    assert history.refresh_dataset(small, ds1, v1, history.data_version(small)) is None


def test_nothing_changed_gives_the_same_dataset(small):
    v, ds = history.data_version(small), history.load_dataset(small, TODAY)
    assert history.refresh_dataset(small, ds, v, v) is ds


def test_replace_rows_keeps_order_and_dtypes_and_leaves_the_old_frame_alone():
    old = pd.DataFrame({"id": ["a", "b", "c", "d"], "n": [1, 2, 3, 4], "s": pd.array(["w", "x", None, "z"],
                                                                                      dtype="str")})
    fresh = pd.DataFrame({"id": ["d", "b"], "n": [40, 20], "s": pd.array(["Z", None], dtype="str")})
    new = frames.replace_rows(old, fresh, "id")
    assert list(new["id"]) == ["a", "b", "c", "d"] and list(new["n"]) == [1, 20, 3, 40]
    assert new["s"].tolist()[3] == "Z" and pd.isna(new["s"].tolist()[1])
    assert new.dtypes.equals(old.dtypes)
    assert list(old["n"]) == [1, 2, 3, 4] and old["s"].tolist()[3] == "z"
    assert frames.replace_rows(old, pd.DataFrame({"id": ["q"], "n": [0], "s": ["?"]}), "id") is None


def test_replace_rows_shares_the_text_a_write_did_not_change():
    """A status update leaves titles and texts as they were: those columns are shared with the old
    frame, not copied (the copy was most of a refresh at 200,000 actions); changed ones are patched."""
    text = pd.array(["long text a", "long text b", "long text c"], dtype="str")
    old = pd.DataFrame({"id": ["a", "b", "c"], "text": text, "status": pd.array(["x", "y", "z"], dtype="str")})
    fresh = pd.DataFrame({"id": ["b"], "text": pd.array(["long text b"], dtype="str"),
                          "status": pd.array(["Y"], dtype="str")})
    new = frames.replace_rows(old, fresh, "id")
    def text_buffer(df):  # where the column's characters live
        return frames._chunks(df["text"].array).chunk(0).buffers()[2].address
    assert text_buffer(new) == text_buffer(old)
    assert new["status"].tolist() == ["x", "Y", "z"] and old["status"].tolist() == ["x", "y", "z"]


def test_completion_kept_before_a_write_follows_it(small):
    from action_tracker import queries
    v1, before = history.data_version(small), history.load_dataset(small, TODAY)
    queries.completion_over_time(before)  # keeps the pass over all events with this dataset
    upload(small, f"action_id,status,effective_date\nAA-1,Completed,{d(-20)}\nAA-5,Completed,{d(-3)}\n"
                  f"BB-1,In progress,{d(-1)}\n")  # BB-1 reopened: it stops counting as completed
    fresh = history.refresh_dataset(small, before, v1, history.data_version(small))
    assert "completion_deltas_by_plan" in fresh.memo  # brought up to date, not dropped
    full = history.load_dataset(small, TODAY)
    pd.testing.assert_frame_equal(queries.completion_over_time(fresh), queries.completion_over_time(full))
    assert queries.completion_over_time(fresh).groupby("plan")["completed"].last().to_dict() == {"AA": 3, "BB": 0}


@pytest.mark.parametrize("min_confidence", ["any", "medium", "high"])
@pytest.mark.parametrize("days_back", [0, 10, 400])
def test_completion_made_with_the_load_is_the_pass_over_the_loaded_events(small, min_confidence, days_back):
    """load_dataset makes completion's pass on the stored table; snapshots and themes make it over
    frames: the same SQL, so the same deltas, reverted events and later days left out alike."""
    from action_tracker import queries
    result = upload(small, f"action_id,status,effective_date,confidence\nAA-1,Completed,{d(-20)},high\n"
                           f"AA-3,Completed,{d(-4)},medium\nAA-6,Blocked,{d(-2)},low\n")
    upload(small, f"action_id,status,effective_date,confidence\nAA-3,In progress,{d(-1)},high\n")
    revert(small, result.upload_id, auth.command_line("test editor"))
    upload(small, f"action_id,status,effective_date,confidence\nAA-2,Completed,{d(-15)},high\n"
                  f"BB-2,Completed,{d(-8)},high\n")
    as_of = TODAY - pd.Timedelta(days=days_back).to_pytimedelta()
    ds = history.load_dataset(small, as_of, min_confidence)
    def ordered(df):
        return df.sort_values(["plan_id", "day"]).reset_index(drop=True)
    kept = ordered(ds.memo[history.COMPLETION_DELTAS])
    pd.testing.assert_frame_equal(kept, ordered(queries._completion_deltas(ds.events, ds.state)))
    if days_back == 0 and min_confidence == "any":  # AA-1 and AA-3's Completed were reverted
        assert kept.groupby("plan_id")["delta"].sum().to_dict() == {"AA": 1, "BB": 2}


@pytest.mark.parametrize("min_confidence", ["any", "high"])
def test_an_earlier_day_takes_completion_from_todays_pass(small, min_confidence):
    """Asked for an earlier day, the dashboard hands today's dataset to load_dataset: the deltas it
    takes from it must be the ones its own pass would make."""
    upload(small, f"action_id,status,effective_date,confidence\nAA-1,Completed,{d(-20)},high\n"
                  f"AA-1,In progress,{d(-6)},high\nBB-2,Completed,{d(-8)},low\n")
    today = history.load_dataset(small, TODAY, min_confidence)
    for back in (0, 7, 30, 400):
        day = TODAY - pd.Timedelta(days=back).to_pytimedelta()
        taken = history.load_dataset(small, day, min_confidence, later=today).memo[history.COMPLETION_DELTAS]
        own = history.load_dataset(small, day, min_confidence).memo[history.COMPLETION_DELTAS]
        pd.testing.assert_frame_equal(taken.sort_values(["plan_id", "day"]).reset_index(drop=True),
                                      own.sort_values(["plan_id", "day"]).reset_index(drop=True),
                                      check_dtype=False)  # an empty result's columns have no type to agree on
    other = "high" if min_confidence == "any" else "any"  # other evidence counted: its own pass, not today's
    mine = history.load_dataset(small, TODAY, other, later=today).memo[history.COMPLETION_DELTAS]
    pd.testing.assert_frame_equal(mine.sort_values(["plan_id", "day"]).reset_index(drop=True),
                                  history.completion_deltas(small, TODAY, other)
                                  .sort_values(["plan_id", "day"]).reset_index(drop=True))


def _chunks_of(df: pd.DataFrame) -> dict[str, int]:
    return {c: frames._chunks(df[c].array).num_chunks for c in df.columns
            if isinstance(df[c].dtype, pd.StringDtype) and df[c].dtype.storage == "pyarrow"}


def test_text_columns_are_one_chunk_after_a_load_and_after_a_refresh(small):
    """Arrow's take on a string column of several chunks joins them first: every filter would copy
    whole columns. A load gives one chunk per column, and so does a refresh's patch of the state."""
    before_version, before = history.data_version(small), history.load_dataset(small, TODAY)
    assert _chunks_of(before.state) and set(_chunks_of(before.state).values()) == {1}
    assert set(_chunks_of(before.events).values()) == {1}
    upload(small, f"action_id,status,effective_date\nAA-5,In progress,{d(-3)}\nBB-2,Completed,{d(-1)}\n")
    fresh = history.refresh_dataset(small, before, before_version, history.data_version(small))
    assert fresh is not None and set(_chunks_of(fresh.state).values()) == {1}
    assert set(_chunks_of(fresh.events).values()) == {1}
    assert_same(fresh, history.load_dataset(small, TODAY))


def test_compact_joins_chunks_and_leaves_a_compact_frame_alone():
    import pyarrow as pa
    dtype = pd.StringDtype("pyarrow")
    split = pd.DataFrame({"a": pd.array(pa.chunked_array([pa.array(["x", "y"]), pa.array([None, "z"])]), dtype=dtype),
                          "n": [1, 2, 3, 4]})
    joined = frames.compact(split)
    assert _chunks_of(split) == {"a": 2} and _chunks_of(joined) == {"a": 1}
    pd.testing.assert_frame_equal(joined, split)
    assert frames.compact(joined) is joined
