"""Actions explorer: filter, search, sort, and open one action: its latest evidence first, then its history."""

import streamlit as st

from action_tracker import captions, history, queries, web
from action_tracker.text import md
from loaders import source_excerpt

cur, ds, f = web.page("Actions explorer", "explorer",
                            filters=("plan", "theme", "section", "owner", "status", "due", "stale", "q"))
found = queries.filter_actions(ds.state, f, ds.as_of)

ids = list(found["action_id"]) or list(ds.state["action_id"])
raw = st.query_params.get("action")
if raw and raw not in set(ds.state["action_id"]):
    st.warning(f"There is no action {md(raw)}; pick one below.", icon="⚠️")
action_id = st.selectbox("Open an action", sorted(set(ids) | ({raw} & set(ds.state["action_id"]) if raw else set())),
                         index=None, key="action", bind="query-params", placeholder="Type an id, e.g. UK-R01")
if action_id:
    a = ds.state.set_index("action_id").loc[action_id]
    st.subheader(f"{md(action_id)}: {md(a['title'])}")
    # The latest evidence is the first thing under the title.
    st.markdown(captions.latest_evidence_markdown(a))
    st.markdown(f"> {md(a['text'])}")
    c1, c2, c3 = st.columns(3)
    for col, text in zip((c1, c2, c3), captions.action_facts(a, web.plan_name(ds, a["plan_id"]))):
        col.markdown(text)
    parts = ds.state[ds.state["parent_action_id"] == action_id]
    if len(parts):
        st.markdown(captions.parts_markdown(parts))
    if isinstance(a["parent_action_id"], str):
        st.markdown(f"Part of [{md(a['parent_action_id'])}]({web.link('explorer', 'action=' + a['parent_action_id'])})")
    repeat = f"; printed again at line {a['repeat_lines']}" if isinstance(a["repeat_lines"], str) else ""
    with st.expander(f"Source: {md(a['source_file'])}, lines {a['line_start']}–{a['line_end']}{md(repeat, '')}"):
        st.code(source_excerpt(a["source_file"], a["line_start"], a["line_end"]), language=None, wrap_lines=True)
    st.markdown("**Status history**")
    events = history.action_history(cur, action_id)
    if events.empty:
        web.empty("No status history yet: this action shows No update yet.")
    else:
        st.dataframe(events[["effective_date", "status", "note", "source", "evidence_url", "confidence", "basis",
                             "new_due_date", "new_lead_owner", "recorded_by", "recorded_at", "upload_file",
                             "reverted"]],
                     hide_index=True, key="history_table",
                     column_config={**web.date_columns(events, ["effective_date", "new_due_date"]),
                                    "evidence_url": st.column_config.LinkColumn("evidence"),
                                    "recorded_at": st.column_config.DatetimeColumn("recorded", format="DD MMM YYYY HH:mm"),
                                    "reverted": st.column_config.CheckboxColumn("reverted",
                                                                                help="Undone by a later revert")})
    st.divider()

st.caption(f"{len(found)} of {len(ds.state)} actions match. Click a column header to sort. "
           "An empty owner or due date means the plan names none; No update yet means nothing has been reported.")
if found.empty:
    web.empty("No action matches these filters. Remove a filter in the sidebar, or shorten the search.")
else:
    table = found.assign(due_flag=queries.shown_as(found).where(found["overdue"] | found["past_due_no_update"], ""))
    table = table[["action_id", "plan_id", "title", "status", "due_date", "due_flag", "days_past_due", "lead_owner",
                   "status_date", "other_owners", "slip_days", "timing_text", "section"]].fillna(
        {"lead_owner": "—", "other_owners": "—", "timing_text": "—"})
    st.dataframe(table, hide_index=True, key="actions_table", height=min(38 * len(table) + 40, 560),
                 on_select=web.open_selected_action(list(table["action_id"])), selection_mode="single-row",
                 column_config={**web.date_columns(table, ["due_date", "status_date"]),
                                "action_id": "action", "plan_id": "plan", "lead_owner": "lead owner",
                                "other_owners": "other owners", "due_date": st.column_config.DateColumn(
                                    "due", format="DD MMM YYYY"),
                                "status_date": st.column_config.DateColumn("last assessed", format="DD MMM YYYY"),
                                "due_flag": "past due",
                                "days_past_due": st.column_config.NumberColumn("days past due"),
                                "slip_days": st.column_config.NumberColumn("slipped (days)",
                                                                           help="New due date minus the plan's own"),
                                "timing_text": "due date from"})
