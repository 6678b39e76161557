"""Actions explorer: filter, search, sort, and open one action with its history."""

import streamlit as st

from action_tracker import queries, web
from action_tracker.statuses import COLORS, fmt_date

cur, ds, view, f = web.page("Actions explorer", "explorer", filters=("plan", "section", "owner", "status", "due", "q"))
found = queries.filter_actions(ds.state, f, ds.as_of)

st.caption(f"{len(found)} of {len(ds.state)} actions match. Click a column header to sort. "
           "An empty owner or due date means the plan names none.")
if found.empty:
    web.empty("No action matches these filters. Remove a filter in the sidebar, or shorten the search.")
else:
    table = found[["action_id", "plan_id", "title", "lead_owner", "other_owners", "status", "due_date",
                   "days_overdue", "slip_days", "timing_text", "section"]].fillna(
        {"lead_owner": "—", "other_owners": "—", "timing_text": "—"})
    st.dataframe(table, hide_index=True, key="actions_table", height=min(38 * len(table) + 40, 560),
                 column_config={**web.date_columns(table, ["due_date"]),
                                "days_overdue": st.column_config.NumberColumn("days overdue"),
                                "slip_days": st.column_config.NumberColumn("slipped (days)",
                                                                           help="New due date minus the plan's own"),
                                "timing_text": "due date from"})

st.divider()
ids = list(found["action_id"]) or list(ds.state["action_id"])
raw = st.query_params.get("action")
if raw and raw not in set(ds.state["action_id"]):
    st.warning(f"There is no action {raw!r}; pick one below.", icon="⚠️")
action_id = st.selectbox("Open an action", sorted(set(ids) | ({raw} & set(ds.state["action_id"]) if raw else set())),
                         index=None, key="action", bind="query-params", placeholder="Type an id, e.g. UK-R01")
if action_id:
    a = ds.state.set_index("action_id").loc[action_id]
    st.subheader(f"{action_id}: {a['title']}")
    badge = f"<span style='background:{COLORS[a['status']]};color:white;padding:2px 8px;border-radius:4px'>{a['status']}</span>"
    if a["overdue"]:
        badge += f" <span style='background:{COLORS['Overdue']};color:white;padding:2px 8px;border-radius:4px'>Overdue by {int(a['days_overdue'])} days</span>"
    st.markdown(badge, unsafe_allow_html=True)
    st.markdown(f"> {a['text']}")
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**Plan** {web.plan_name(ds, a['plan_id'])}  \n**Section** {a['section'] or '—'}")
    c2.markdown(f"**Lead owner** {a['lead_owner'] if isinstance(a['lead_owner'], str) else '— (none named)'}  \n"
                f"**Other owners** {a['other_owners'] if isinstance(a['other_owners'], str) else '—'}  \n"
                f"**Read from** {a['owner_source'] if isinstance(a['owner_source'], str) else '—'}")
    slip = f" (moved {int(a['slip_days']):+d} days from the plan's {fmt_date(a['original_due_date'])})" \
        if a["slip_days"] == a["slip_days"] and a["slip_days"] else ""
    c3.markdown(f"**Due** {fmt_date(a['due_date'])}{slip}  \n"
                f"**From the words** {a['timing_text'] if isinstance(a['timing_text'], str) else '— (no date in the text)'}  \n"
                f"**How** {a['timing_derivation']} · {a['deadline_kind']}"
                + (f" · precision: {a['due_precision']}" if isinstance(a["due_precision"], str) else ""))
    repeat = f"; printed again at line {a['repeat_lines']}" if isinstance(a["repeat_lines"], str) else ""
    with st.expander(f"Source: {a['source_file']}, lines {a['line_start']}–{a['line_end']}{repeat}"):
        st.code(queries.source_excerpt(a), language=None, wrap_lines=True)
    st.markdown("**Status history**")
    history = queries.action_history(cur, action_id)
    if history.empty:
        web.empty("No status history yet: this action counts as Not started.")
    else:
        st.dataframe(history[["effective_date", "status", "note", "source", "confidence", "evidence_url",
                              "new_due_date", "new_lead_owner", "recorded_by", "recorded_at", "upload_file",
                              "reverted"]],
                     hide_index=True, key="history_table",
                     column_config={**web.date_columns(history, ["effective_date", "new_due_date"]),
                                    "evidence_url": st.column_config.LinkColumn("evidence"),
                                    "recorded_at": st.column_config.DatetimeColumn("recorded", format="DD MMM YYYY HH:mm"),
                                    "reverted": st.column_config.CheckboxColumn("reverted",
                                                                                help="Undone by a later revert")})
