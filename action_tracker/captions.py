"""What the pages say in words: headline figures with their coverage, the claims beside the
tracker's own count, recent updates and an action's latest evidence. Plain functions that
return escaped Markdown or HTML, so tests read them without Streamlit and the dashboard,
the report and snapshots say the same thing.
"""

from __future__ import annotations

import pandas as pd

from .history import Dataset
from .queries import claims_beside_tracker
from .statuses import HATCHED_NOTE, MARKDOWN_COLORS, NO_UPDATE, fmt_date, label
from .text import html, link_html, link_md, md, page_link_md, safe_url


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


def evidence_md(url, source, empty: str = "") -> str:
    """evidence_html for Markdown."""
    if safe_url(url):
        return link_md(url, source if isinstance(source, str) and source else "evidence")
    return md(source, empty)


def evidence_html(url, source, empty: str = "") -> str:
    """A source as a link where there is a safe address, else its words (escaped)."""
    if isinstance(url, str) and url:
        return link_html(url, source if isinstance(source, str) and source else "evidence")
    return html(source, empty)


def recent_updates_markdown(recent: pd.DataFrame, link_of=lambda action_id: f"explorer?action={action_id}") -> str:
    """Recent updates as a Markdown list, newest first: date, action, status, note, source, confidence, basis."""
    items = []
    for r in recent.itertuples():
        status = md(label(r.status))
        color = MARKDOWN_COLORS.get(r.status)
        items.append(
            f"- **{fmt_date(r.status_date)}** · {page_link_md(r.action_id, link_of(r.action_id))} {md(r.title)} → "
            f"{f':{color}[{status}]' if color else status}  \n"
            f"  {md(r.last_note, '')} ({evidence_md(r.last_evidence_url, r.last_source, 'no source named')}; "
            f"confidence {md(r.last_confidence, 'not rated')}; {md(r.last_basis, 'basis not recorded')})")
    return "\n".join(items)


BASIS_WORDS = {"government": "the government's own account", "independent": "an independent source"}


def latest_evidence_markdown(a: pd.Series) -> str:
    """The first thing under an action's title: its latest reported status and the evidence for it."""
    if a["status"] == NO_UPDATE:
        return ("**? No update yet**: nothing has been reported on this action. This is not a verdict: it "
                "may be under way, done or dropped. Know of evidence? Suggest it: an editor checks it first.")
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


__all__ = ["HATCHED_NOTE", "headline_figures", "coverage_line", "claims_markdown", "recent_updates_markdown",
           "latest_evidence_markdown", "owners_caption"]


def owners_caption(state: pd.DataFrame, card: pd.DataFrame, leads: str) -> str:
    """How the leads on the owners page were read, and what is left out."""
    from .queries import LEAD_BASES
    basis = state["lead_basis"].fillna("none").value_counts()
    left_out = int((~state["lead_basis"].fillna("none").isin(LEAD_BASES[leads])).sum())
    uk_gov = int(((state["plan_id"] == "UK") & (state["lead_owner"] == "UK Government")).sum())
    parts = [f"{len(card)} owners. Leads of {len(state)} actions: {int(basis.get('stated', 0))} stated in the text, "
             f"{int(basis.get('implied', 0))} implied (the one body the text names), {int(basis.get('plan', 0))} "
             f"the plan's own government (the text names no body), {int(basis.get('update', 0))} changed by an update."]
    if left_out:
        parts.append(f"{left_out} leads are not counted with '{leads}'.")
    if uk_gov:
        parts.append(f"The UK Government leads {uk_gov} UK recommendations where the text says only "
                     "\u201cgovernment should\u201d.")
    parts.append("Status known: actions with a reported status; the rest show No update yet.")
    return md(" ".join(parts))


LEAD_WORDS = {"stated": "stated in the text", "implied": "implied: the only body the text names",
              "plan": "the plan's own government: the text names no body", "update": "changed by an update"}


def action_facts(a: pd.Series, plan_name: str) -> tuple[str, str, str]:
    """Three Markdown columns about one action, each fact with where it came from."""
    where = (f"**Plan** {md(plan_name)}  \n**Section** {md(a['section'])}  \n"
             f"**Title** {md(a.get('title_source'), 'rule')}"
             + (" (written once, reviewed, in data/plans/titles.csv)" if a.get("title_source") == "reviewed" else ""))
    basis = LEAD_WORDS.get(a.get("lead_basis"), "none named")
    who = (f"**Lead owner** {md(a['lead_owner'], '— (none named)')} · {md(basis)}  \n"
           f"**Other owners** {md(a['other_owners'])}  \n**Read from** {md(a['owner_source'])}")
    slip = ""
    if a["slip_days"] == a["slip_days"] and a["slip_days"]:
        slip = f" (moved {int(a['slip_days']):+d} days from the plan's {fmt_date(a['original_due_date'])})"
    how = f"{md(a['timing_derivation'])} · {md(a['deadline_kind'])}"
    if isinstance(a.get("due_precision"), str):
        how += f" · precision: {md(a['due_precision'])}"
    if a["timing_derivation"] == "relative":
        how += f"  \n**Counted from** {fmt_date(a.get('plan_start'))} ({md(a.get('plan_start_source'))})"
    when = (f"**Due** {fmt_date(a['due_date'])}{slip}  \n"
            f"**From the words** {md(a['timing_text'], '— (no date in the text)')}  \n**How** {how}  \n"
            f"**Starts** {fmt_date(a.get('plan_start'))} ({md(a.get('plan_start_source'), 'the text')})  \n"
            f"**Last assessed** {fmt_date(a['status_date'])}")
    return where, who, when


def parts_markdown(parts: pd.DataFrame) -> str:
    """A parent action's parts, each with its status, and how many are completed."""
    done = int((parts["status"] == "Completed").sum())
    lines = [f"**Parts: {done} of {len(parts)} completed**"]
    lines += [f"- {md(p.action_id)} {md(p.title)}: {md(label(p.status))}" for p in parts.itertuples()]
    return "\n".join(lines)


def theme_matrix_markdown(matrix: pd.DataFrame, link_of) -> str:
    """Themes by plans as a Markdown table; each cell: actions (linking to the list), then completed,
    in progress, past due, no update."""
    from .queries import THEMES
    plans = sorted(matrix["plan_id"].unique())
    # One dict of rows, not a MultiIndex lookup per cell (10 plans x 12 themes cost 20 ms of pandas).
    cells = {(r["theme"], r["plan_id"]): r for r in matrix.to_dict("records")}
    rows = ["| theme | " + " | ".join(md(p) for p in plans) + " |", "|" + "---|" * (len(plans) + 1)]
    for t in THEMES:
        row = [f"**{md(t.name)}**"]
        for p in plans:
            c = cells.get((t.theme_id, p))
            if c is None or int(c["actions"]) == 0:
                row.append("—")
                continue
            row.append(f"**{page_link_md(str(int(c['actions'])), link_of(p, t.theme_id))}** ✔ {int(c['Completed'])} · "
                       f"◐ {int(c['In progress'])} · ◷ {int(c['past due'])} · ? {int(c['No update yet'])}")
        rows.append("| " + " | ".join(row) + " |")
    return ("\n".join(rows) + "\n\nEach cell: actions with the theme (primary or other), linking to them; "
            "✔ completed, ◐ in progress, ◷ past due (overdue or past due with no update), ? no update yet.")


def plan_column_markdown(actions: pd.DataFrame, link_of) -> str:
    """One plan's actions under a theme, for the side-by-side view."""
    if actions.empty:
        return "_No action of this plan has this theme._"
    lines = []
    for a in actions.itertuples():
        due = fmt_date(a.due_date)
        lines.append(f"- {page_link_md(a.action_id, link_of(a.action_id))} {md(a.title)}  \n"
                     f"  {md(label(a.status))} · due {due} · {md(a.lead_owner, 'no lead')}"
                     + ("" if a.primary else " · (other theme)"))
    return "\n".join(lines)


def evidence_facts(criterion: tuple[str, str] | None, verified) -> str:
    """What counts as done and the day last verified, in words (escaped), each unknown shown as such."""
    done = f"**Done when:** {md(criterion[0])} _({md(criterion[1])})_" if criterion else \
        "**Done when:** — (no reviewed criterion yet)"
    seen = f"**Last verified:** {fmt_date(verified)} (the latest day a source of its evidence was read)" if verified \
        else "**Last verified:** — (no retrieval day recorded)"
    return f"{done}  \n{seen}"
