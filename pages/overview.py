"""Overview: progress at a glance, per plan and overall, with how much of it is known."""

import streamlit as st

from action_tracker import captions, charts, queries, web
from action_tracker.statuses import fmt_date

cur, ds, f = web.page("AI action plans: are governments delivering?", "overview", filters=("plan", "theme"),
                      sidebar_last=True)
state = queries.filter_actions(ds.state, f, ds.as_of)
summary = queries.summary(state, ds.as_of)
total = summary.loc["All plans"]

st.markdown(captions.coverage_line(total, ds))
# The status mix first: it answers "how far along is each plan" before anything else loads.
st.markdown(charts.status_mix_html(queries.status_mix(state)), unsafe_allow_html=True)
web.headline_metrics(total)
st.markdown(web.figure_links(total))
web.claims_box(ds, f.plans)

# Small tables as plain HTML: the data grid's JavaScript would delay the first paint by ~0.3 s.
st.subheader("Per plan")
st.markdown(charts.plan_table_html(summary, web.link("explorer", "plan={value}")), unsafe_allow_html=True)
st.caption(web.plan_titles(ds))

st.subheader("Recent updates")
recent = queries.recent_updates(state, 10)
if recent.empty:
    web.empty("No status has been reported for any action yet: every action shows No update yet.")
else:
    st.markdown(captions.recent_updates_html(recent, lambda a: web.link("explorer", f"action={a}")),
                unsafe_allow_html=True)

st.subheader("Most overdue (reported open, past the due date)")
overdue = queries.most_overdue(state, 10)
if overdue.empty:
    web.empty("No action reported open is past its due date on this day.")
else:
    st.markdown(charts.html_table(overdue, links={"action_id": web.link("explorer", "action={value}")},
                                  dates=("due_date",)), unsafe_allow_html=True)
    st.caption("— means the plan names no owner.")
st.caption(f"Last status change recorded: {fmt_date(web.last_status_change(cur))} (the latest effective date "
           "of a reported status).")

# Sidebar last: the figures above do not depend on it, and its widgets take the browser longest to draw.
web.sidebar_controls(cur, ds, f, "overview")
