"""Suggest evidence: any reader may tell the editors of a source. It waits in the review queue and
changes no status until an editor accepts it."""

import streamlit as st

from action_tracker import proposals, web
from action_tracker.statuses import STATUSES
from action_tracker.text import md

web.ensure_entrypoint()
cur = web.cursor()
st.title("Suggest evidence")
st.markdown("Seen an official announcement, a report or an article that shows how an action stands? Send it "
            "here. **An editor checks every suggestion against its source before it counts**; until then it "
            "changes nothing the tracker shows. Give the address of the source, or say what happened.")
given = web.raw_params().get("action", [""])[0][:proposals.LIMITS["action_id"]]
with st.form("suggest_form"):
    action_id = st.text_input("Action id (optional, e.g. UK-R04)", value=given, max_chars=proposals.LIMITS["action_id"])
    url = st.text_input("Address of the source (http or https)", max_chars=proposals.LIMITS["evidence_url"])
    source = st.text_input("Title or publisher of the source", max_chars=proposals.LIMITS["source"])
    note = st.text_area("What happened", max_chars=proposals.LIMITS["note"])
    day = st.text_input("When it happened (YYYY-MM-DD, optional)", max_chars=10)
    status = st.selectbox("What it shows (optional)", ["", *STATUSES], key="suggest_status")
    who = st.text_input("Your name or organisation (optional; shown to editors)", max_chars=100)
    sent = st.form_submit_button("Send to the editors", type="primary")
if sent:
    fields = {"action_id": action_id, "evidence_url": url, "source": source, "note": note, "effective_date": day,
              "status": status, "proposed_by": who}
    try:
        number = proposals.suggest(cur, fields, web.client_id(), web.suggestion_rate())
    except proposals.ProposalRefused as e:
        st.error(f"Not sent: {md(str(e))}")
    else:
        st.success(f"Thank you: suggestion #{number} waits for an editor. It changes no status until an editor "
                   "accepts it.", icon="✅")
