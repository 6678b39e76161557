"""Overview: progress at a glance, per plan and overall."""

import streamlit as st

from action_tracker import charts, queries, web
from action_tracker.statuses import fmt_date

cur, ds, view, f = web.page("AI action plans: are governments delivering?", "overview", sidebar_last=True)
summary = queries.summary(ds.state, ds.as_of)
total = summary.loc["All plans"]

# The status mix first: it answers "how far along is each plan" before anything else loads.
st.markdown(charts.status_mix_html(queries.status_mix(ds.state)), unsafe_allow_html=True)

cols = st.columns(6)
cols[0].metric("Actions", int(total["actions"]))
cols[1].metric("Completed", int(total["Completed"]), help=f"{total['completed_share']:.0%} of all actions")
cols[2].metric("In progress", int(total["In progress"]))
cols[3].metric("Not started", int(total["Not started"]))
cols[4].metric("Overdue", int(total["overdue"]))
cols[5].metric("Due in the next 90 days", int(total["due_next_90"]))

updated = queries.last_updated(cur)
st.caption(f"Last status change recorded: {fmt_date(updated['last_status_change'])} · "
           f"plans last loaded: {fmt_date(updated['last_build'])} · dates are the tracker's as-of day "
           f"{fmt_date(ds.as_of)}")
if ds.events.empty:
    web.empty("No status history yet: every action counts as Not started until an update is applied "
              "(editors use the Updates page).")

# Small tables as plain HTML: the data grid's JavaScript would delay the first paint by ~0.3 s.
st.subheader("Per plan")
table = summary.reset_index().rename(columns={"due_next_90": "due ≤ 90 days", "completed_share": "completed"})
st.markdown(charts.html_table(table, links={"plan": "explorer?plan={value}"}, percent=("completed",),
                              unlinked=("All plans",)),
            unsafe_allow_html=True)
st.caption(web.plan_titles(ds))

st.subheader("Most overdue")
overdue = queries.most_overdue(ds.state, 10)
if overdue.empty:
    web.empty("Nothing is overdue on this day.")
else:
    st.markdown(charts.html_table(overdue, links={"action_id": "explorer?action={value}"}, dates=("due_date",)),
                unsafe_allow_html=True)
    st.caption("— means the plan names no owner.")

# Sidebar last: the figures above do not depend on it, and its widgets take the browser longest to draw.
web.sidebar_controls(cur, ds, f, "overview")
