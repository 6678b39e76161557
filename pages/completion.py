"""Completion over time: cumulative completed actions per plan, next to what was due."""

import streamlit as st

from action_tracker import charts, queries, web

cur, ds, f = web.page("Completion over time", "completion", filters=("plan", "theme"))
with st.sidebar:
    per = st.radio("One line per", ["plan", "theme"], key="per", bind="query-params", horizontal=True,
                   help="theme: each action counted under its primary theme")
    measure = st.radio("Measure", ["count", "share", "share of assessed"], key="measure", bind="query-params",
                       help="count: number of actions; share: of all the plan's actions; share of assessed: of "
                            "the actions with a reported status by that day")

web.claims_box(ds, f.plans)
curve = queries.completion_over_time(ds, f.plans, by=per, themes=f.themes)
if curve.empty:
    web.empty(f"No plan had come out by {ds.as_of:%d %b %Y}: there is nothing to draw yet."
              if curve.attrs.get("before") else "No action matches these filters.")
    st.stop()
if int(curve["completed"].max()) == 0:
    web.empty("No action of these plans is recorded as Completed by this day: the solid lines stay at zero.")
st.plotly_chart(charts.completion(curve, share={"count": False, "share": True}.get(measure, "assessed")),
                key="completion_chart")
st.caption("Solid: actions whose latest status by that day is Completed. Dashed: actions whose due date "
           "had passed by that day (with 'share of assessed': actions with a reported status by then, as a share "
           "of all). Actions with no due date never enter the due line.")
latest = curve.sort_values("date").groupby("plan").tail(1)[
    ["plan", "date", "completed", "assessed", "actions", "completed_share", "completed_share_assessed", "due"]]
st.dataframe(latest, hide_index=True, key="completion_table", column_config={
    **web.date_columns(latest, ["date"]),
    "assessed": st.column_config.NumberColumn("status known"),
    "completed_share": st.column_config.NumberColumn("completed, % of all", format="percent"),
    "completed_share_assessed": st.column_config.NumberColumn("completed, % of assessed", format="percent"),
    "due": "due by then"})
