"""A self-contained HTML report: opens from disk, with no server and no network.

Plotly's JavaScript is embedded once; every table is plain HTML, escaped.
"""

from __future__ import annotations

import html


from . import charts, queries
from .snapshots import Snapshot, dataset
from .statuses import COLORS, fmt_date

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem} .meta{color:#555;font-size:.9rem;margin-bottom:1.5rem}
.metrics{display:flex;gap:2rem;flex-wrap:wrap;margin:1rem 0} .metric b{display:block;font-size:1.8rem}
table{border-collapse:collapse;font-size:.85rem;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} .status{color:#fff;padding:1px 6px;border-radius:3px;white-space:nowrap}
.note{color:#555;font-size:.85rem}
"""


def _status_cell(s: str) -> str:
    return f"<span class='status' style='background:{COLORS.get(s, '#777')}'>{html.escape(s)}</span>"


def html_report_for(ds: queries.Dataset, title: str, meta_lines: list[str]) -> str:
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
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{CSS}</style></head><body>", f"<h1>{html.escape(title)}</h1>",
             "<div class='meta'>" + "<br>".join(html.escape(m) for m in meta_lines) + "</div>"]
    if total is not None:
        parts.append("<div class='metrics'>" + "".join(
            f"<div class='metric'>{label}<b>{int(total[key])}</b></div>"
            for label, key in [("Actions", "actions"), ("Completed", "Completed"), ("In progress", "In progress"),
                               ("Not started", "Not started"), ("Overdue", "overdue"),
                               ("Due in the next 90 days", "due_next_90")]) + "</div>")
    for n, (name, fig) in enumerate(figs):
        parts.append(f"<h2>{html.escape(name)}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(n == 0), config={"displaylogo": False},
                                 div_id=f"chart-{n}"))
    parts.append("<h2>Per plan</h2>")
    parts.append(summary.reset_index().to_html(index=False, escape=True, float_format=lambda x: f"{x:.0%}"))
    parts.append("<h2>Actions</h2>")
    table = ds.state.sort_values(["plan_id", "seq"])
    rows_html = "".join(
        "<tr>" + "".join([
            f"<td>{html.escape(r.action_id)}</td>", f"<td>{html.escape(r.plan_id)}</td>",
            f"<td>{html.escape(r.title)}</td>",
            f"<td>{html.escape(r.lead_owner) if isinstance(r.lead_owner, str) else '—'}</td>",
            f"<td>{fmt_date(r.due_date)}</td>", f"<td>{_status_cell(r.status)}"
            + (" <span class='status' style='background:" + COLORS["Overdue"] + "'>Overdue</span>" if r.overdue else "")
            + "</td>",
            f"<td class='note'>{html.escape(r.last_note) if isinstance(r.last_note, str) else ''}</td>"]) + "</tr>"
        for r in table.itertuples())
    parts.append("<table><thead><tr><th>id</th><th>plan</th><th>title</th><th>lead owner</th><th>due</th>"
                 f"<th>status</th><th>latest note</th></tr></thead><tbody>{rows_html}</tbody></table>")
    parts.append("<p class='note'>Made with Action Tracker. Owners and due dates are read from the plan texts; "
                 "— means the plan gives none.</p></body></html>")
    return "\n".join(parts)


def html_report(snap: Snapshot) -> str:
    filters = snap.payload.get("filters") or {}
    return html_report_for(dataset(snap), snap.title, [
        f"Snapshot {snap.snapshot_id}, created {snap.created_at:%d %b %Y %H:%M}",
        f"Data as of {snap.as_of:%d %b %Y}",
        "Filters: " + (", ".join(f"{k}={v}" for k, v in filters.items()) or "none"),
        f"SHA-256 of the snapshot content: {snap.payload_sha256}",
    ])


def html_report_of_view(ds: queries.Dataset, filters: queries.Filters, title: str = "Action Tracker report") -> str:
    f = filters.as_dict()
    narrowed = queries.Dataset(queries.filter_actions(ds.state, filters, ds.as_of), ds.events, ds.as_of, ds.label,
                               ds.plans)
    narrowed.events = queries.events_of(narrowed, narrowed.state["action_id"])
    return html_report_for(narrowed, title, [
        f"Data as of {ds.as_of:%d %b %Y} ({'live' if ds.label == 'live' else 'from the status history'})",
        "Filters: " + (", ".join(f"{k}={v}" for k, v in f.items()) or "none")])


__all__ = ["html_report", "html_report_for", "html_report_of_view"]
