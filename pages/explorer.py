"""Actions explorer: filter, search, sort, and open one action: its latest evidence first, then its history."""

import streamlit as st

from action_tracker import captions, page_data, web
from action_tracker.text import md, page_link_md
from loaders import source_excerpt

# Filters drawn last (sidebar_last): the list draws 0.5 s sooner when eleven sidebar widgets come after it.
cur, ds, f = web.page("Actions explorer", "explorer",
                      filters=("plan", "theme", "section", "owner", "status", "due", "stale", "q"), sidebar_last=True)
found = web.cached(page_data.explorer, ds, f)

action_id = web.action_picker(ds, found["ids"])
if action_id:
    one = web.cached(page_data.action, ds, action_id)
    a = one["action"]
    st.header(f"{md(action_id)}: {md(a['title'])}")
    # The latest evidence is the first thing under the title.
    st.markdown(captions.latest_evidence_markdown(a))
    record = page_data.action_evidence(cur, action_id, ds.as_of)
    st.markdown(record["facts"])
    st.markdown(f"> {md(a['text'])}")
    c1, c2, c3 = st.columns(3)
    for col, text in zip((c1, c2, c3), captions.action_facts(a, web.plan_name(ds, a["plan_id"]))):
        col.markdown(text)
    parts = one["parts"]
    if len(parts):
        st.markdown(captions.parts_markdown(parts))
    if isinstance(a["parent_action_id"], str):
        st.markdown(f"Part of [{md(a['parent_action_id'])}]({web.link('explorer', 'action=' + a['parent_action_id'])})")
    repeat = f"; printed again at line {a['repeat_lines']}" if isinstance(a["repeat_lines"], str) else ""
    with st.expander(f"Source: {md(a['source_file'])}, lines {a['line_start']}–{a['line_end']}{md(repeat, '')}"):
        st.code(source_excerpt(a["source_file"], a["line_start"], a["line_end"]), language=None, wrap_lines=True)
    st.markdown("**Status history**")
    events = record["events"]
    if events.empty:
        web.empty("No status history yet: this action shows No update yet.")
    else:
        web.table(events[["effective_date", "status", "note", "source", "evidence_url", "retrieved_on", "archived",
                          "confidence", "basis", "new_due_date", "new_lead_owner", "proposed_by", "proposed_in",
                          "proposed_at", "recorded_by", "recorded_at", "upload_file", "reverted"]],
                     key="history_table",
                     column_config={**web.date_columns(events, ["effective_date", "new_due_date", "retrieved_on"]),
                                    "evidence_url": st.column_config.LinkColumn("evidence"),
                                    "retrieved_on": st.column_config.DateColumn("read on", format="DD MMM YYYY"),
                                    "archived": st.column_config.LinkColumn("archived copy", display_text="archive"),
                                    "proposed_by": st.column_config.TextColumn("proposed by"),
                                    "proposed_in": st.column_config.TextColumn("proposed in",
                                                                               help="The file, watcher or form it came from"),
                                    "proposed_at": st.column_config.DatetimeColumn("proposed", format="DD MMM YYYY HH:mm"),
                                    "recorded_by": st.column_config.TextColumn("recorded (accepted) by"),
                                    "recorded_at": st.column_config.DatetimeColumn("recorded", format="DD MMM YYYY HH:mm"),
                                    "reverted": st.column_config.CheckboxColumn("reverted",
                                                                                help="Undone by a later revert")})
        if (~record["sources"]["own"]).any():
            st.markdown("**Every source of its evidence**")
            web.table(record["sources"][["effective_date", "status", "source", "evidence_url", "retrieved_on",
                                         "archived"]], key="sources_table",
                      column_config={**web.date_columns(record["sources"], ["effective_date", "retrieved_on"]),
                                     "evidence_url": st.column_config.LinkColumn("evidence"),
                                     "archived": st.column_config.LinkColumn("archived copy", display_text="archive")})
    st.markdown(page_link_md("Know of evidence on this action? Suggest it", web.link("suggest", "action=" + action_id))
                + ": an editor checks every suggestion before it counts.")
    st.divider()

st.caption(f"{len(found['ids'])} of {len(ds.state)} actions match. Click a column header to sort. "
           "An empty owner or due date means the plan names none; No update yet means nothing has been reported.")
if found["table"] is None:
    web.empty("No action matches these filters. Remove a filter in the sidebar, or shorten the search.")
else:
    table = found["table"]
    phone = web.is_phone()  # a phone's width holds three columns (page_data.PHONE_COLUMNS)
    web.table(found["phone_grid" if phone else "grid"], key="actions_table",
                 height=min(38 * len(table) + 40, 560),
                 on_select=web.open_selected_action(table["action"]), selection_mode="single-row",
                 column_config={
                     "action": st.column_config.TextColumn("action", width=72 if phone else 78),
                     "title": st.column_config.TextColumn("title", width=125 if phone else 330),
                     "status": st.column_config.TextColumn("status", width=112 if phone else 118),
                     "due": st.column_config.DateColumn("due", format="DD MMM YYYY", width=98),
                     "past due": st.column_config.TextColumn("past due", width=135,
                                                             help="⚠ overdue: reported open; ◷: nothing reported"),
                     "lead owner": st.column_config.TextColumn("lead owner", width=175)})

web.sidebar_controls(cur, ds, f, "explorer")
