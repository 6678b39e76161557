"""Overview: progress at a glance, per plan and overall, with how much of it is known."""

import streamlit as st

from action_tracker import page_data, web
from action_tracker.statuses import fmt_date

cur, ds, f = web.page("AI action plans: are governments delivering?", "overview", filters=("plan", "theme"),
                      sidebar_last=True)
view = web.cached(page_data.overview, ds, f, web.keep_params(), web.is_phone())
total = view["total"]

st.markdown(view["coverage"])
# The status mix first: it answers "how far along is each plan" before anything else loads.
st.markdown(view["status_mix"])
web.let_the_answer_show()  # the browser draws the status mix before what follows
web.headline_metrics(total)
st.markdown(web.figure_links(total))
web.claims_box(view["claims"])

# Small tables as Markdown: the data grid's JavaScript would delay the first paint by ~0.3 s, and
# HTML waits for Streamlit's HTML renderer (charts.markdown_table says why).
st.header("Per plan")
st.markdown(view["plan_table"])
st.caption(web.plan_titles(ds))

st.header("Recent updates")
if view["recent"] is None:
    web.empty("No status has been reported for any action yet: every action shows No update yet.")
else:
    st.markdown(view["recent"])

st.header("Most overdue (reported open, past the due date)")
if view["overdue"] is None:
    web.empty("No action reported open is past its due date on this day.")
else:
    st.markdown(view["overdue"])
    st.caption("— means the plan names no owner.")
st.caption(f"Last status change recorded: {fmt_date(web.last_status_change(cur))} (the latest effective date "
           "of a reported status).")

# Sidebar last: the figures above do not depend on it, and its widgets take the browser longest to draw.
web.sidebar_controls(cur, ds, f, "overview")
