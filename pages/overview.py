"""Overview: progress at a glance, per plan and overall."""

import streamlit as st

from action_tracker import charts, queries, web
from action_tracker.statuses import fmt_date

cur, ds, view, f = web.page("AI action plans: are governments delivering?", "overview", sidebar_last=True)
summary = queries.summary(ds.state, ds.as_of)
total = summary.loc["All plans"]

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

st.subheader("Status mix per plan")
st.html(charts.status_mix_html(queries.status_mix(ds.state)))
st.subheader("Per plan")
table = summary.reset_index()
st.dataframe(table, hide_index=True, key="summary_table", column_config={
    "completed_share": st.column_config.ProgressColumn("completed", format="percent", min_value=0, max_value=1),
    "due_next_90": "due ≤ 90 days", "no_due_date": "no due date"})
st.caption(web.plan_titles(ds))

st.subheader("Most overdue")
overdue = queries.most_overdue(ds.state, 10)
if overdue.empty:
    web.empty("Nothing is overdue on this day.")
else:
    overdue = overdue.assign(link="explorer?action=" + overdue["action_id"])
    st.dataframe(overdue, hide_index=True, key="overdue_table", column_config={
        **web.date_columns(overdue, ["due_date"]),
        "link": st.column_config.LinkColumn("open", display_text="details"),
        "lead_owner": st.column_config.TextColumn("lead owner", help="— means the plan names none")})

# Sidebar last: the figures above do not depend on it, and its widgets take the browser longest to draw.
web.sidebar_controls(cur, ds, f, "overview")
