"""Review queue: editors accept (after editing, if needed), reject or mark duplicate the proposed
evidence, a batch at once; and ask the official sources for new items."""

import datetime as dt

import streamlit as st

from action_tracker import auth, page_data, proposals, watchers, web
from action_tracker.errors import InputError
from action_tracker.statuses import STATUSES
from action_tracker.text import md

web.ensure_entrypoint()
cur = web.cursor()
st.title("Review queue")
secrets = web.editor_secrets()
if not auth.editing_enabled(secrets):
    st.info("Reviewing is switched off on this server: no editors are configured.", icon="🔒")
    st.stop()
cred = web.sign_in(secrets)
if cred is None:
    st.stop()

counts = proposals.counts(cur)
st.caption(f"{counts['pending']} pending · {counts['accepted']} accepted · {counts['rejected']} rejected · "
           f"{counts['duplicate']} duplicates. Nothing here counts until it is accepted; accepting records an "
           "upload through the import path (revertible on the Updates page), naming who proposed and who accepted.")

with st.expander("Check the official sources now"):
    since = st.date_input("Items published from", value=dt.date.today() - dt.timedelta(days=30), key="watch_since")
    if st.button("Check sources", key="watch_now"):
        with st.spinner("Asking the sources…"):
            try:
                auth.require_editor(cred, secrets)
                reports = watchers.watch(cur, since=since)
            except (auth.PermissionDenied, InputError) as e:
                st.error(md(str(e)))
                reports = []
        for r in reports:
            (st.warning if r.error else st.info)(md(r.line()))

queue = proposals.queue(cur)
if queue.empty:
    web.empty("Nothing waits for review.")
    st.stop()
st.markdown("Choose a **decision** per row (Tab and arrow keys move between cells; type to edit), edit the action, "
            "status, day or note before accepting if needed, give a **reason** to reject, or the proposal number it "
            "**duplicates**. Then apply the whole batch at once: all of it is recorded, or none.")
table = page_data.review_table(queue)
edited = web.editor(
    table, key="review_editor", num_rows="fixed",
    disabled=[c for c in table.columns if c not in ("decision", "action_id", "status", "effective_date", "note",
                                                    "reason", "duplicate_of")],
    column_config={
        "decision": st.column_config.SelectboxColumn("decision", options=list(proposals.VERDICTS), width="small"),
        "status": st.column_config.SelectboxColumn("status", options=list(STATUSES)),
        "effective_date": st.column_config.DateColumn("effective", format="DD MMM YYYY"),
        "evidence_url": st.column_config.LinkColumn("evidence"),
        "duplicate_of": st.column_config.NumberColumn("duplicate of", step=1),
        "action_text": st.column_config.TextColumn("the action's text", width="large"),
    })
decisions = page_data.decisions_from(edited)
if st.button(f"Apply {len(decisions)} decisions", type="primary", disabled=not decisions, key="apply_review"):
    try:
        message = proposals.review(cur, decisions, cred, secrets=secrets)
    except (auth.PermissionDenied, InputError) as e:
        st.error(f"Nothing was reviewed: {md(str(e))}")
    else:
        web.republish(cur)
        st.success(md(message), icon="✅")
