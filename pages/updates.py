"""Updates: editors download the template, upload a file, check the preview, apply (reviewers) or
send it for review (contributors), revert (admins)."""

import streamlit as st

from action_tracker import auth, exports, proposals, uploads, web
from action_tracker.errors import InputError
from action_tracker.statuses import SYNONYMS
from action_tracker.text import md

web.ensure_entrypoint()
cur = web.cursor()
st.title("Updates")
secrets = web.editor_secrets()

if not auth.editing_enabled(secrets, web.identity_provider()):
    st.info("Uploads are switched off on this server: no editors are configured. "
            "The README's deployment section says how to add them.", icon="🔒")
    st.stop()
cred = web.sign_in(secrets)
if cred is None:
    st.stop()
editor = auth.authorize(cred, secrets)
if not editor.reviews:
    st.info(md(f"You are a contributor: {auth.scope_words(editor)}. What you upload waits in the review queue "
               "until a reviewer approves it, and is not counted before then. Rows for other bodies' actions "
               "are refused."), icon="📝")

st.header("1. Download the template")
st.caption("Every action with its current owner, due date and status. Change the status (and, if needed, the "
           "due date or lead owner), add a note and the evidence, save, and upload it below. Leave other rows as "
           "they are: rows that change nothing are skipped.")
c1, c2 = st.columns(2)
# Built when clicked, on a cursor of their own (the callables run on another thread than this script run).
scope = auth.scope(cur, editor)  # a contributor's template lists its own bodies' actions
c1.download_button("Template (.csv, opens in Excel)", key="template_csv", file_name="action-tracker-updates.csv",
                   data=lambda: exports.to_csv(exports.template(web.cursor(), only=scope), bom=True), mime="text/csv")
c2.download_button("Template (.xlsx)", key="template_xlsx", file_name="action-tracker-updates.xlsx",
                   data=lambda: exports.to_xlsx(exports.template(web.cursor(), only=scope)),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with st.expander("Columns, statuses and dates"):
    st.code(uploads.__doc__.split("Columns", 1)[1].split("\n\nOne file", 1)[0].strip(), language=None)
    st.markdown("**Statuses and the words accepted for them** (any capitals):\n" + "\n".join(
        f"- **{s}**: {', '.join(words)}" for s, words in SYNONYMS.items()))
    st.markdown(f"Files up to {uploads.describe_limit(uploads.max_bytes())}; CSV (UTF-8, with or without "
                "BOM; Windows-1252 and UTF-16 are read too) or .xlsx. Several rows may name one action on "
                "different days: they are its history. An action with no reported status needs a status in its row.")

st.header("2. Upload and check")
file = st.file_uploader("Update file (.csv or .xlsx)", key="upload")
if file is not None:
    data = file.getvalue()
    try:
        table = uploads.read_table(data, file.name)
    except uploads.UploadRejected as e:
        st.error("\n".join(f"- {md(p.describe(file.name))}" for p in e.problems) + "\n\nNothing was stored.")
        st.stop()
    bar = st.progress(0.0, text="Checking…")
    preview = uploads.validate(cur, table, progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
    bar.empty()
    for note in table.notes:
        st.info(md(note), icon="ℹ️")
    if preview.problems:
        st.error(f"**{len(preview.problems)} problems: nothing will be applied.** Fix them and upload again.\n\n"
                 + "\n".join(f"- {md(line)}" for line in preview.problem_lines()))
    m1, m2, m3 = st.columns(3)
    m1.metric("Rows that change the tracker", len(preview.change_rows))
    m2.metric("Rows that change nothing", len(preview.unchanged_rows))
    m3.metric("Problems", len(preview.problems))
    if len(preview.change_rows):
        web.table(preview.display_table(), key="preview_changes")
        if len(preview.change_rows) > uploads.SHOWN_CHANGES:
            st.caption(f"The first {uploads.SHOWN_CHANGES:,} of {len(preview.change_rows):,} changes are listed; "
                       "applying records them all.")
    if preview.already_applied:
        st.warning(f"This exact file was already applied as upload #{preview.already_applied}: applying it again "
                   "changes nothing.", icon="🔁")
    applied = st.session_state.get("applied_upload")  # (sha256, message) of the file just applied
    just_applied = applied is not None and applied[0] == preview.table.sha256
    if just_applied:
        st.success(md(applied[1]) + (". Every page now shows the new statuses." if editor.reviews else "."), icon="✅")
    ok = preview.ok and len(preview.change_rows) > 0 and not preview.already_applied and not just_applied
    label = "Apply these changes" if editor.reviews else "Send for review"
    if st.button(label, type="primary", disabled=not ok, key="apply",
                 help="Applied already: choose another file to apply more." if just_applied else None):
        bar = st.progress(0.0, text="Recording…")
        try:
            if editor.reviews:
                message = uploads.apply(cur, preview, cred, secrets=secrets,
                                        progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg)).message
            else:
                message = proposals.submit(cur, preview, cred, secrets=secrets)
        except (auth.PermissionDenied, auth.RosterError, InputError) as e:
            bar.empty()
            st.error(f"Nothing was {'applied' if editor.reviews else 'sent'}: {md(str(e))}")
        else:
            if editor.reviews:
                web.republish(cur)
            # Drawn again at once, so the button is disabled until another file is chosen.
            st.session_state["applied_upload"] = (preview.table.sha256, message)
            st.rerun()

st.header("Uploads so far")
history = uploads.list_uploads(cur)
if history.empty:
    web.empty("No uploads yet.")
else:
    web.table(history.drop(columns=["sha256"]), key="uploads_table", column_config={
        "uploaded_at": st.column_config.DatetimeColumn("uploaded", format="DD MMM YYYY HH:mm")})
    revertible = uploads.revertible(cur) if editor.at_least("admin") else []
    if revertible:
        col1, col2 = st.columns([1, 3])
        target = col1.selectbox("Upload to revert", revertible, index=None, key="revert_target")
        if col2.button("Revert it (adds new events; nothing is deleted)", disabled=target is None, key="revert"):
            try:
                st.success(uploads.revert(cur, int(target), cred, secrets=secrets).message, icon="↩️")
            except (auth.PermissionDenied, InputError) as e:
                st.error(f"Nothing was reverted: {md(str(e))}")
