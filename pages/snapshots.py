"""Snapshots: frozen views opened by link, listed, and compared with each other or with now."""

import streamlit as st

from action_tracker import captions, charts, exports, page_data, queries, report, snapshots, svg_charts, web
from action_tracker.text import md

web.ensure_entrypoint()
cur = web.cursor()
sid = st.query_params.get("id")

if sid:
    try:
        snap = snapshots.load(cur, sid)
    except (snapshots.SnapshotNotFound, snapshots.SnapshotCorrupt) as e:
        st.title("Snapshot")
        st.error(md(str(e)), icon="🚫")
        st.page_link("pages/snapshots.py", label="See all snapshots")
        st.stop()
    ds = snapshots.dataset(snap)
    st.title(f"📌 {md(snap.title)}")
    filters = snap.payload.get("filters") or {}
    st.info(f"**Frozen snapshot**, read-only: the tracker as it was shared on {snap.created_at:%d %b %Y %H:%M}, "
            f"data as of {snap.as_of:%d %b %Y}. Later updates do not change it. "
            f"Filters: {md(', '.join(f'{k}={v}' for k, v in filters.items()) or 'none')}. "
            f"SHA-256 {snap.payload_sha256[:16]}… verified.", icon="📌")
    total = queries.summary(ds.state, ds.as_of).loc["All plans"] if len(ds.state) else None
    if total is not None:
        st.markdown(captions.coverage_line(total, ds))
        web.headline_metrics(total)
        web.claims_box(page_data.claims(ds, None))
        st.markdown(charts.status_mix_markdown(queries.status_mix(ds.state), web.is_phone()))
        if snap.view.get("page") == "overview":  # what the overview showed, in its order
            st.header("Per plan")
            st.markdown(charts.plan_table_markdown(queries.summary(ds.state, ds.as_of)))
            st.header("Most overdue (reported open, past the due date)")
            st.markdown(charts.markdown_table(queries.most_overdue(ds.state, 10), dates=("due_date",)))
        curve = queries.completion_over_time(ds)
        if not curve.empty:
            web.svg_chart(svg_charts.completion_lines_svg(curve, "count"))  # drawn on the server: no Plotly
            st.caption(md(svg_charts.completion_lines_sentence(curve, "count")))
    web.table(ds.state[["action_id", "plan_id", "title", "lead_owner", "due_date", "status", "overdue",
                           "past_due_no_update", "status_date", "last_note", "last_source", "last_evidence_url"]],
                 key="snap_actions",
                 column_config={**web.date_columns(ds.state, ["due_date", "status_date"]),
                                "last_evidence_url": st.column_config.LinkColumn("evidence")})
    c1, c2, c3 = st.columns(3)
    c1.download_button("HTML report (opens offline)", data=lambda: report.html_report(snap),
                       file_name=f"snapshot-{snap.snapshot_id}.html", mime="text/html", key="snap_html")
    c2.download_button("Actions (.csv)", exports.to_csv(exports.actions_frame(state=ds.state)),
                       file_name=f"snapshot-{snap.snapshot_id}.csv", mime="text/csv", key="snap_csv")
    c3.download_button("Actions (.json)", exports.to_json(exports.actions_frame(state=ds.state)),
                       file_name=f"snapshot-{snap.snapshot_id}.json", mime="application/json", key="snap_json")

    st.header("What changed since")
    others = snapshots.list_snapshots(cur)
    choices = ["now"] + [s for s in others["snapshot_id"] if s != snap.snapshot_id]
    titles = dict(zip(others["snapshot_id"], others["title"] + " (" + others["as_of"] + ")"))
    other = web.compare_choice(choices, titles)
    later = snapshots.current_for(cur, snap) if other == "now" else snapshots.dataset(snapshots.load(cur, other))
    diff = snapshots.compare(ds, later)
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Changed status", int(diff["changed_status"].sum()))
    m2.metric("Completed since", int(diff["completed_since"].sum()))
    m3.metric("Became overdue", int(diff["became_overdue"].sum()))
    m4.metric("Stopped being overdue", int(diff["stopped_overdue"].sum()))
    m5.metric("Due date moved", int(diff["due_moved_days"].notna().sum()))
    if diff.empty:
        web.empty("Nothing changed.")
    else:
        web.table(diff, key="snap_diff", column_config={
            **web.date_columns(diff, ["due_date_before", "due_date_after"]),
            "due_moved_days": st.column_config.NumberColumn("due date moved (days)"),
            "evidence_url": st.column_config.LinkColumn("evidence"),
            "note": "note (after)", "source": "source (after)"})
else:
    st.title("Snapshots")
    st.caption("A snapshot freezes a view: save one from the sidebar of any page (Share this view). Its link "
               "keeps showing exactly what was shared, whatever is uploaded later.")
    total = snapshots.count_snapshots(cur)
    pages = max(1, -(-total // snapshots.PAGE_SIZE))
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key="snap_page") \
        if pages > 1 else 1
    listed = snapshots.list_snapshots(cur, page)
    if listed.empty:
        web.empty("No snapshots yet.")
    else:
        st.caption(f"{total:,} snapshots, newest first.")
        listed = listed.assign(link="snapshots?id=" + listed["snapshot_id"])
        web.table(listed.drop(columns=["payload_sha256"]), key="snap_list", column_config={
            "link": st.column_config.LinkColumn("open", display_text="open"),
            "created_at": st.column_config.DatetimeColumn("created", format="DD MMM YYYY HH:mm")})
