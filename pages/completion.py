"""Completion over time: cumulative completed actions per plan, next to what was due."""

import streamlit as st

from action_tracker import page_data, web

cur, ds, f = web.page("Completion over time", "completion", filters=("plan", "theme"))
with st.sidebar:
    per = st.radio("One line per", ["plan", "theme"], key="per", bind="query-params", horizontal=True,
                   help="theme: each action counted under its primary theme")
    measure = st.radio("Measure", ["count", "share", "share of assessed"], key="measure", bind="query-params",
                       help="count: number of actions; share: of all the plan's actions; share of assessed: of "
                            "the actions with a reported status by that day")

web.claims_box(web.cached(page_data.claims, ds, f.plans))
view = web.cached(page_data.completion, ds, f.plans, per, f.themes, measure, web.is_phone())
if view["empty"]:
    web.empty(f"No plan had come out by {ds.as_of:%d %b %Y}: there is nothing to draw yet."
              if view["before"] else "No action matches these filters.")
    st.stop()
if view["none_completed"]:
    web.empty("No action of these plans is recorded as Completed by this day: the solid lines stay at zero.")
web.svg_chart(view["svg"])  # SVG drawn on the server, not Plotly: see web.svg_chart
st.caption("Solid: actions whose latest status by that day is Completed. Dashed: actions whose due date "
           "had passed by that day (with 'share of assessed': actions with a reported status by then, as a share "
           "of all). Actions with no due date never enter the due line. " + view["sentence"])
st.markdown(view["latest_table"])  # each line's last values: the chart's numbers as text
