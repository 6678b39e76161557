"""Timeline: one bar per action from its start to its due date."""

import streamlit as st

from action_tracker import page_data, queries, web

cur, ds, f = web.page("Timeline", "timeline", filters=("plan", "theme", "owner", "status", "due"))
with st.sidebar:
    group = st.selectbox("Group by", list(queries.GROUPS), key="group", bind="query-params")
    rows_choice = st.selectbox("Rows per page", ["50", "100", "200", "all"], key="rows", bind="query-params")
    undated = st.checkbox("Include actions with no due date", key="undated", bind="query-params",
                          help="Off: the chart answers 'what is due when'. On: the undated actions follow, hatched.")

rows = web.cached(page_data.timeline, ds, f, group, undated)
if not rows["count"]:
    web.empty("No action matches these filters. Remove a filter in the sidebar"
              + ("." if undated else ", or include the actions with no due date."))
    st.stop()
n, hidden = rows["count"], rows["hidden"]
per_page = n if rows_choice == "all" else int(rows_choice)
pages = max(1, -(-n // per_page))
page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key="page") if pages > 1 else 1
chart = web.cached(page_data.gantt, ds, f, group, undated, page, per_page, web.is_phone(), web.keep_params())
st.caption(f"{n} actions, showing {chart['shown']} (rows {(page - 1) * per_page + 1}–"
           f"{(page - 1) * per_page + chart['shown']}), grouped by {group}"
           + (f"; {hidden} with no due date are left out (tick 'Include actions with no due date')" if hidden else "")
           + ". "
           "Bars run from the plan's publication (or the first reported In progress) to the due date, coloured "
           "by status, or Overdue / Past due, no update when the due date has passed. Hatched bars have no "
           "due date (and run to the as-of day) or no reported status; diamonds are actions due on or before "
           "they started; ticks are status changes.")
web.svg_chart(chart["svg"])  # SVG drawn on the server, not Plotly: see web.svg_chart
web.status_legend()
with st.expander("The chart's rows as a table"):
    st.caption(chart["sentence"])
    st.markdown(chart["table"])
