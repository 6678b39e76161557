"""Owners: a scorecard per body or per department, with the actions each leads."""

import streamlit as st

from action_tracker import page_data, queries, web

cur, ds, f = web.page("Owners", "owners", filters=("plan", "theme"))
with st.sidebar:
    role = st.radio("Count the actions an owner", ["leads", "is named in"], key="role", bind="query-params")
    leads = st.radio("Leads counted", list(queries.LEAD_BASES), index=2, key="leads", bind="query-params",
                     help="stated: the text names the lead; implied: the one body the text names; all: also the "
                          "plan's own government where the text names no body.")
    by = st.radio("Group by", ["body", "department"], key="by", bind="query-params", horizontal=True,
                  help="department: a department's bodies counted together (NIST and CAISI under Commerce)")
role = "lead" if role == "leads" else "any"

phone = web.is_phone()  # a phone gets the scorecard as text, with no data grid
view = web.cached(page_data.owners, ds, f, role, leads, by, phone)
card = view["card"]
st.caption(view["caption"])
if card.empty:
    web.empty("No owner is named for these actions.")
    st.stop()
web.svg_chart(view["svg"])  # SVG drawn on the server, not Plotly: see web.svg_chart
st.caption(view["sentence"])
if phone:  # five columns as text: no data grid to download on a phone
    st.markdown(view["card_table"])
else:
    web.table(view["card_grid"], key="owner_table", column_config={
        "assessed": st.column_config.NumberColumn("status known", help="Actions with a reported status"),
        "overdue": st.column_config.NumberColumn("overdue", help="Reported open and past the due date"),
        "past_due_no_update": st.column_config.NumberColumn("past due, no update"),
        "completed_share": st.column_config.ProgressColumn("completed, % of all", format="percent", min_value=0,
                                                           max_value=1),
        "completed_share_assessed": st.column_config.ProgressColumn("completed, % of assessed", format="percent",
                                                                    min_value=0, max_value=1)})

st.header("An owner's actions")
owner = st.selectbox("Owner", list(card["owner"]), index=None, key="owner", bind="query-params",
                     placeholder="Pick an owner")
if owner and phone:
    st.markdown(web.cached(page_data.owner_actions_table, ds, f, owner, role, leads, by, web.keep_params()))
elif owner:
    web.table(web.cached(page_data.owner_actions, ds, f, owner, role, leads, by),
                 key="owner_actions", column_config={
                     "due_date": "due", "status_date": "last assessed", "lead_owner": "lead (body)",
                     "lead_basis": st.column_config.TextColumn("lead read as", help="stated, implied or plan"),
                     "link": st.column_config.LinkColumn("open", display_text="details")})
