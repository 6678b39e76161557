"""Completion over time: cumulative completed actions per plan, next to what was due."""

import streamlit as st

from action_tracker import charts, queries, web

cur, ds, view, f = web.page("Completion over time", "completion", filters=("plan",))
with st.sidebar:
    measure = st.radio("Measure", ["count", "share"], key="measure", bind="query-params", horizontal=True,
                       help="count: number of actions; share: of the plan's actions")

curve = queries.completion_over_time(ds, f.plans)
if curve.empty:
    web.empty("No action matches these filters.")
    st.stop()
if int(curve["completed"].max()) == 0:
    web.empty("No action of these plans is recorded as Completed by this day: the solid lines stay at zero.")
st.plotly_chart(charts.completion(curve, share=measure == "share"), key="completion_chart")
st.caption("Solid: actions whose latest status by that day is Completed. Dashed: actions whose due date "
           "had passed by that day. Actions with no due date never enter the dashed line.")
latest = curve.sort_values("date").groupby("plan").tail(1)[["plan", "date", "completed", "completed_share", "due", "actions"]]
st.dataframe(latest, hide_index=True, key="completion_table", column_config={
    **web.date_columns(latest, ["date"]),
    "completed_share": st.column_config.NumberColumn("completed share", format="percent"),
    "due": "due by then"})
