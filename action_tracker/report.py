"""A self-contained HTML report: opens from disk, with no server and no network.

Plotly's JavaScript is embedded once; every table is plain HTML, escaped.
"""

from __future__ import annotations

from . import charts, queries
from .captions import evidence_html, headline_figures
from .history import Dataset
from .snapshots import Snapshot, dataset
from .statuses import COLORS, OVERDUE, PAST_DUE_NO_UPDATE, fmt_date, label
from .text import html, link_html

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem} .meta{color:#555;font-size:.9rem;margin-bottom:1.5rem}
.metrics{display:flex;gap:1.5rem;flex-wrap:wrap;margin:1rem 0} .metric{max-width:14rem}
.metric b{display:block;font-size:1.8rem} .metric .note{display:block}
table{border-collapse:collapse;font-size:.85rem;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} .status{color:#fff;padding:1px 6px;border-radius:3px;white-space:nowrap}
.note{color:#555;font-size:.85rem}
"""


def _status_cell(s: str) -> str:
    return f"<span class='status' style='background:{COLORS.get(s, '#777')}'>{html(label(s))}</span>"


def _claims_html(ds: Dataset) -> str:
    claims = queries.claims_beside_tracker(ds, sorted(ds.state["plan_id"].unique()))
    if claims.empty:
        return ""
    items = "".join(
        f"<li><b>{html(c.plan_id)}</b>: {html(c.claimed_by)} claims {int(c.claimed_completed)} of {int(c.of_total)} "
        f"completed on {fmt_date(c.claim_date)} · evidence here for {int(c.tracker_completed)} on that day "
        f"({link_html(c.evidence_url, c.source)})</li>" for c in claims.itertuples())
    return f"<h2>What governments claim</h2><ul>{items}</ul>"


def html_report_for(ds: Dataset, title: str, meta_lines: list[str]) -> str:
    summary = queries.summary(ds.state, ds.as_of)
    total = summary.loc["All plans"] if len(ds.state) else None
    figs = [("Status mix per plan", charts.status_mix(queries.status_mix(ds.state)))]
    curve = queries.completion_over_time(ds)
    if not curve.empty:
        figs.append(("Completion over time", charts.completion(curve)))
    if 0 < len(ds.state) <= 300:
        rows = queries.timeline_page(queries.timeline_rows(ds, ds.state, "plan"), 1, 300)
        figs.append(("Timeline", charts.gantt(rows, ds.as_of, queries.events_of(ds, rows["action_id"]),
                                              f"as of {ds.as_of:%d %b %Y}")))
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html(title)}</title>",
             f"<style>{CSS}</style></head><body>", f"<h1>{html(title)}</h1>",
             "<div class='meta'>" + "<br>".join(html(m) for m in meta_lines) + "</div>"]
    if total is not None:
        parts.append("<div class='metrics'>" + "".join(
            f"<div class='metric'>{html(name)}<b>{html(value)}</b><span class='note'>{html(why)}</span></div>"
            for name, value, why in headline_figures(total))
            + "</div>")
        parts.append(_claims_html(ds))
    for n, (name, fig) in enumerate(figs):
        fig = charts.standalone(fig)
        parts.append(f"<h2>{html(name)}</h2>")
        # A printed report needs no toolbar, and without it nothing sits over a legend.
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(n == 0), config={"displayModeBar": False},
                                 div_id=f"chart-{n}"))
    parts.append("<h2>Per plan</h2>")
    parts.append(charts.plan_table_html(summary))
    parts.append("<h2>Actions</h2>")
    table = ds.state.sort_values(["plan_id", "seq"])
    rows_html = "".join(
        "<tr>" + "".join([
            f"<td>{html(r.action_id)}</td>", f"<td>{html(r.plan_id)}</td>", f"<td>{html(r.title)}</td>",
            f"<td>{html(r.lead_owner)}</td>", f"<td>{fmt_date(r.due_date)}</td>",
            f"<td>{_status_cell(r.status)}"
            + (f" {_status_cell(OVERDUE)}" if r.overdue else "")
            + (f" {_status_cell(PAST_DUE_NO_UPDATE)}" if r.past_due_no_update else "") + "</td>",
            f"<td>{fmt_date(r.status_date)}</td>",
            f"<td class='note'>{html(r.last_note, '')} {evidence_html(r.last_evidence_url, r.last_source)}</td>"])
        + "</tr>" for r in table.itertuples())
    parts.append("<table><thead><tr><th>id</th><th>plan</th><th>title</th><th>lead owner</th><th>due</th>"
                 "<th>status</th><th>last assessed</th><th>latest evidence</th></tr></thead>"
                 f"<tbody>{rows_html}</tbody></table>")
    parts.append("<p class='note'>Made with Action Tracker. Owners and due dates are read from the plan texts; "
                 "— means the plan gives none. \u201cNo update yet\u201d means no evidence has been recorded for "
                 "the action: it is not a verdict.</p></body></html>")
    return "\n".join(parts)


def html_report(snap: Snapshot) -> str:
    filters = snap.payload.get("filters") or {}
    return html_report_for(dataset(snap), snap.title, [
        f"Snapshot {snap.snapshot_id}, created {snap.created_at:%d %b %Y %H:%M}",
        f"Data as of {snap.as_of:%d %b %Y}",
        "Filters: " + (", ".join(f"{k}={v}" for k, v in filters.items()) or "none"),
        f"SHA-256 of the snapshot content: {snap.payload_sha256}",
    ])


def html_report_of_view(ds: Dataset, filters: queries.Filters, title: str = "Action Tracker report") -> str:
    f = filters.as_dict()
    narrowed = Dataset(queries.filter_actions(ds.state, filters, ds.as_of), ds.events, ds.as_of, ds.label,
                       ds.plans, ds.claims, ds.min_confidence)
    narrowed.events = queries.events_of(narrowed, narrowed.state["action_id"])
    return html_report_for(narrowed, title, [
        f"Data as of {ds.as_of:%d %b %Y} ({'live' if ds.label == 'live' else 'from the status history'})",
        "Filters: " + (", ".join(f"{k}={v}" for k, v in f.items()) or "none")])


__all__ = ["html_report", "html_report_for", "html_report_of_view"]
