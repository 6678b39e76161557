"""Owners: a scorecard per agency or body, with its actions."""

import streamlit as st

from action_tracker import charts, queries, web

cur, ds, f = web.page("Owners", "owners", filters=("plan",))
with st.sidebar:
    role = st.radio("Count the actions an owner", ["leads", "is named in"], key="role", bind="query-params")
role = "lead" if role == "leads" else "any"

state = queries.filter_actions(ds.state, f, ds.as_of)
card = queries.owner_scorecard(state, role)
unowned = int(state["lead_owner"].isna().sum())
st.caption(f"{len(card)} owners. {unowned} of {len(state)} actions name no lead owner in their plan; "
           "they are not counted here (see the explorer). Status known: actions with a reported status; the "
           "rest show No update yet.")
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
    mine = queries.actions_of_owner(state, owner, role)
    mine = mine.assign(link="explorer?action=" + mine["action_id"])
    st.dataframe(mine[["action_id", "plan_id", "title", "status", "due_date", "overdue", "past_due_no_update",
                       "status_date", "link"]], hide_index=True,
                 key="owner_actions", column_config={**web.date_columns(mine, ["due_date", "status_date"]),
                                                      "link": st.column_config.LinkColumn("open", display_text="details")})
