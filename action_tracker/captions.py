"""What the pages say in words: headline figures with their coverage, the claims beside the
tracker's own count, recent updates and an action's latest evidence. Plain functions that
return escaped Markdown or HTML, so tests read them without Streamlit and the dashboard,
the report and snapshots say the same thing.
"""

from __future__ import annotations

import pandas as pd

from .history import Dataset
from .queries import claims_beside_tracker
from .statuses import COLORS, HATCHED_NOTE, NO_UPDATE, fmt_date, label
from .text import html, link_html, link_md, md


def headline_figures(total: pd.Series) -> list[tuple[str, str, str]]:
    """(label, value, help) for each headline figure; each says how much of it is known."""
    n, assessed = int(total["actions"]), int(total["assessed"])
    done = int(total["Completed"])
    of_assessed = f"{total['completed_share_assessed']:.0%} of assessed" if assessed else "none assessed"
    return [
        ("Status known", f"{assessed} of {n}", "Actions with at least one reported status. The rest show "
                                               "No update yet: nobody has reported on them, which is not a verdict."),
        ("Completed", f"{done}", f"{of_assessed}; {total['completed_share']:.0%} of all {n} actions"),
        ("In progress", f"{int(total['In progress'])}", "Reported in progress."),
        ("Overdue", f"{int(total['overdue'])}", "Reported open (not started, in progress or blocked) and past "
                                                "the due date."),
        ("Past due, no update", f"{int(total['past_due_no_update'])}", "Past the due date with nothing reported: "
                                                                       "not counted as overdue."),
        ("Due in the next 90 days", f"{int(total['due_next_90'])}", "Due from today to 90 days on, not closed."),
    ]


def coverage_line(total: pd.Series, ds: Dataset) -> str:
    """'Status known for 71 of 241 actions (29%) · latest evidence 08 Jun 2026 · 12 stale (> 180 days)'."""
    from .settings import current
    n, assessed = int(total["actions"]), int(total["assessed"])
    share = f" ({assessed / n:.0%})" if n else ""
    parts = [f"**Status known for {assessed} of {n} actions**{share}",
             f"latest evidence {fmt_date(total['latest_evidence'])}",
             f"{int(total['stale'])} with evidence older than {current().stale_days} days (stale)"]
    if ds.min_confidence != "any":
        parts.append(f"counting {md(ds.min_confidence)}+ confidence evidence only")
    return " · ".join(parts) + f" · figures as of {fmt_date(ds.as_of)}"


def claims_markdown(ds: Dataset, plans: list[str] | None = None) -> list[str]:
    """One line per government claim, beside the tracker's own count on the claim's day."""
    lines = []
    for c in claims_beside_tracker(ds, plans).itertuples():
        lines.append(
            f"**{md(c.plan_id)}: claimed {int(c.claimed_completed)} of {int(c.of_total)} · evidence here for "
            f"{int(c.tracker_completed)}** completed on {fmt_date(c.claim_date)}. Claimed by {md(c.claimed_by)} "
            f"({link_md(c.evidence_url, c.source or 'source')}; confidence {md(c.confidence)}). {md(c.note, '')}")
    return lines


def _evidence_cell(url, source, empty: str = "") -> str:
    if isinstance(url, str) and url:
        return link_html(url, source if isinstance(source, str) and source else "evidence")
    return html(source, empty)


def recent_updates_html(recent: pd.DataFrame, link_of=lambda action_id: f"explorer?action={action_id}") -> str:
    """Recent updates as a plain HTML list, newest first: date, action, status, note, source, confidence, basis."""
    items = []
    for r in recent.itertuples():
        items.append(
            f"<li><b>{fmt_date(r.status_date)}</b> · <a href='{html(link_of(r.action_id))}' target='_self'>"
            f"{html(r.action_id)}</a> {html(r.title)} → <span style='color:{COLORS.get(r.status, '#555')}'>"
            f"{html(label(r.status))}</span><br><span class='note'>{html(r.last_note, '')} "
            f"({_evidence_cell(r.last_evidence_url, r.last_source, 'no source named')}; confidence "
            f"{html(r.last_confidence, 'not rated')}; {html(r.last_basis, 'basis not recorded')})</span></li>")
    return ("<ul class='recent-updates' style='padding-left:1.2rem'>"
            "<style>.recent-updates li{margin:.35rem 0}.recent-updates .note{color:#555;font-size:.9rem}</style>"
            + "".join(items) + "</ul>")


BASIS_WORDS = {"government": "the government's own account", "independent": "an independent source"}


def latest_evidence_markdown(a: pd.Series) -> str:
    """The first thing under an action's title: its latest reported status and the evidence for it."""
    if a["status"] == NO_UPDATE:
        return ("**? No update yet**: nothing has been reported on this action. This is not a verdict: it "
                "may be under way, done or dropped. Send evidence to the editors (see Methodology).")
    when = fmt_date(a["status_date"])
    flags = []
    if a["overdue"]:
        flags.append(f"⚠ overdue by {int(a['days_overdue'])} days")
    if a["stale"]:
        flags.append(f"◷ stale: last assessed {int(a['days_since_update'])} days ago")
    basis = BASIS_WORDS.get(a["last_basis"], "basis not recorded")
    link = link_md(a["last_evidence_url"], "evidence") if isinstance(a["last_evidence_url"], str) else "no link"
    return (f"**{md(label(a['status']))}** since {when}{' · ' + ' · '.join(flags) if flags else ''}  \n"
            f"{md(a['last_note'], 'No note.')}  \n"
            f"Source: {md(a['last_source'], 'not named')} · {link} · confidence {md(a['last_confidence'], 'not rated')}"
            f" · {md(basis)}")


__all__ = ["HATCHED_NOTE", "headline_figures", "coverage_line", "claims_markdown", "recent_updates_html",
           "latest_evidence_markdown"]
