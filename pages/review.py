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
if not auth.editing_enabled(secrets, web.identity_provider()):
    st.info("Reviewing is switched off on this server: no editors are configured.", icon="🔒")
    st.stop()
cred = web.sign_in(secrets)
if cred is None:
    st.stop()
editor = auth.authorize(cred, secrets)
if not editor.reviews:
    st.info("Only reviewers approve or reject. What you sent waits here until one does:", icon="📝")
    withdrawn = st.session_state.pop("withdraw_message", None)
    if withdrawn:
        st.success(md(withdrawn), icon="↩️")
    mine = page_data.review_table(proposals.queue(cur))
    mine = mine[mine["proposed_by"] == editor.name]
    web.table(mine, key="my_pending") if len(mine) else web.empty("Nothing of yours waits for review.")
    sent = proposals.mine(cur, editor.name)
    if len(sent):  # a mistaken upload is taken back whole, before anyone reviews it
        c1, c2 = st.columns([2, 1])
        origin = c1.selectbox("Withdraw what you sent", list(sent["origin"]), index=None, key="withdraw_origin",
                              format_func=lambda o: o.removeprefix("upload:"), placeholder="Pick an upload")
        if c2.button("Withdraw it", disabled=origin is None, key="withdraw"):
            try:
                st.session_state["withdraw_message"] = proposals.withdraw(cur, origin, cred, secrets=secrets)
            except (auth.PermissionDenied, InputError) as e:
                st.error(f"Nothing was withdrawn: {md(str(e))}")
            else:
                st.rerun()  # drawn again without what was withdrawn
    st.stop()

counts = proposals.counts(cur)
st.caption(f"{counts['pending']} pending · {counts['accepted']} accepted · {counts['rejected']} rejected · "
           f"{counts['duplicate']} duplicates · {counts['withdrawn']} withdrawn by their proposers. Nothing here counts until it is accepted; accepting records an "
           "upload through the import path (revertible on the Updates page), naming who proposed and who accepted.")

done = st.session_state.pop("review_message", None)
if done:
    st.success(md(done), icon="✅")

with st.expander("Check the official sources now"):
    since = st.date_input("Items published from", value=dt.date.today() - dt.timedelta(days=30), key="watch_since")
    if st.button("Check sources", key="watch_now"):
        with st.spinner("Asking the sources…"):
            try:
                auth.require(cred, "reviewer", "ask the official sources", secrets)
                reports = watchers.watch(cur, since=since)
            except (auth.PermissionDenied, InputError) as e:
                st.error(md(str(e)))
                reports = []
        for r in reports:
            (st.warning if r.error else st.info)(md(r.line()))

if st.toggle("Preview with pending", key="with_pending",
             help="What the record would say if every pending proposal were accepted as it stands. "
                  "Readers and the public edition see approved evidence only."):
    pp = proposals.with_pending(cur)
    st.markdown(f"**Status known for {pp.known_now} of {pp.total} actions now; {pp.known_with} of {pp.total} "
                f"with the {pp.ready} pending proposals that name an action, a status and a day** "
                f"({pp.waiting} pending in all). Nothing is recorded by this preview.")
    if len(pp.changes):
        web.table(pp.changes, key="pending_changes")
    for line in pp.problems:
        st.caption(md(line))

batches = proposals.batches(cur)
uploaded = batches[batches["origin"].str.startswith("upload:")]
if len(uploaded):
    st.header("Contributors' uploads")
    for i, b in enumerate(uploaded.itertuples()):
        with st.container(border=True):
            st.markdown(md(f"{b.proposals} changes from {b.origin.removeprefix('upload:')}, sent by {b.proposed_by} "
                           f"on {b.sent_at:%d %b %Y %H:%M}: {b.actions}"))
            c1, c2, c3 = st.columns([1, 1, 2])
            reason = c3.text_input("Reason, to reject", key=f"batch_reason_{i}", label_visibility="collapsed",
                                   placeholder="Reason, to reject")
            verdict = "accept" if c1.button("Approve all", key=f"batch_accept_{i}", type="primary") else \
                "reject" if c2.button("Reject all", key=f"batch_reject_{i}") else None
            if verdict:
                ids = proposals.batch_ids(cur, b.origin, b.proposed_by)
                try:
                    message = proposals.review(cur, [proposals.Decision(pid, verdict, reason or None) for pid in ids],
                                               cred, secrets=secrets)
                except (auth.PermissionDenied, InputError) as e:
                    st.error(f"Nothing was reviewed: {md(str(e))}")
                else:
                    web.republish(cur)
                    st.session_state["review_message"] = message
                    st.rerun()

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
