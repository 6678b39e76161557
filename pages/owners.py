"""Owners: a scorecard per body or per department, with the actions each leads."""

import streamlit as st

from action_tracker import captions, charts, queries, web
from action_tracker.statuses import fmt_date

cur, ds, f = web.page("Owners", "owners", filters=("plan", "theme"))
with st.sidebar:
    role = st.radio("Count the actions an owner", ["leads", "is named in"], key="role", bind="query-params")
    leads = st.radio("Leads counted", list(queries.LEAD_BASES), index=2, key="leads", bind="query-params",
                     help="stated: the text names the lead; implied: the one body the text names; all: also the "
                          "plan's own government where the text names no body.")
    by = st.radio("Group by", ["body", "department"], key="by", bind="query-params", horizontal=True,
                  help="department: a department's bodies counted together (NIST and CAISI under Commerce)")
role = "lead" if role == "leads" else "any"

state = queries.filter_actions(ds.state, f, ds.as_of)
depts = queries.departments(ds.owners) if by == "department" else None
card = queries.owner_scorecard(state, role, leads, depts)
st.caption(captions.owners_caption(state, card, leads))
if card.empty:
    web.empty("No owner is named for these actions.")
    st.stop()
st.dataframe(card, hide_index=True, key="owner_table", column_config={
    "assessed": st.column_config.NumberColumn("status known", help="Actions with a reported status"),
    "overdue": st.column_config.NumberColumn("overdue", help="Reported open and past the due date"),
    "past_due_no_update": st.column_config.NumberColumn("past due, no update"),
    "completed_share": st.column_config.ProgressColumn("completed, % of all", format="percent", min_value=0,
                                                       max_value=1),
    "completed_share_assessed": st.column_config.ProgressColumn("completed, % of assessed", format="percent",
                                                                min_value=0, max_value=1)})
st.plotly_chart(charts.owner_bars(card), key="owner_chart")

st.subheader("An owner's actions")
owner = st.selectbox("Owner", list(card["owner"]), index=None, key="owner", bind="query-params",
                     placeholder="Pick an owner")
if owner:
    mine = queries.actions_of_owner(state, owner, role, leads, depts)
    mine = mine.assign(link="explorer?action=" + mine["action_id"], due_date=mine["due_date"].map(fmt_date),
                       status_date=mine["status_date"].map(fmt_date))  # an unknown date shows as —
    st.dataframe(mine[["action_id", "plan_id", "title", "lead_owner", "lead_basis", "status", "due_date",
                       "overdue", "past_due_no_update", "status_date", "link"]], hide_index=True,
                 key="owner_actions", column_config={
                     "due_date": "due", "status_date": "last assessed", "lead_owner": "lead (body)",
                     "lead_basis": st.column_config.TextColumn("lead read as", help="stated, implied or plan"),
                     "link": st.column_config.LinkColumn("open", display_text="details")})
