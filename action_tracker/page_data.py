"""What each dashboard page shows, computed from a Dataset and the page's options.

One plain function per page part, no Streamlit: the page draws what it returns. The dashboard
calls them through web.cached(), which keeps each result per data version, day, evidence counted
and options, shared by every reader: a view that a thousand readers open is computed once, and a
reader's script run only draws. So results are shared: never change one in place.

`keep` is the part of the current link that internal links carry on (the day and the evidence
counted, e.g. "as_of=2026-01-31&confidence=high"); see web.keep_params().
"""

from __future__ import annotations

import pandas as pd

from . import captions, charts, queries, svg_charts
from .history import Dataset
from .text import md


def link(page: str, query: str = "", keep: str = "") -> str:
    """An internal link that carries the view's day and evidence counted, unless `query` sets them."""
    kept = [p for p in keep.split("&") if p and f"{p.split('=', 1)[0]}=" not in query]
    params = "&".join(p for p in [query, *kept] if p)
    return f"{page}?{params}" if params else page


def overview(ds: Dataset, f: queries.Filters, keep: str, phone: bool = False) -> dict:
    """The overview: coverage, status mix, headline figures, per plan, recent updates, most overdue.
    `phone`: the status mix drawn for a phone's width, its counts by status in the per-plan table instead."""
    state = queries.filter_actions(ds.state, f, ds.as_of)
    summary = queries.summary(state, ds.as_of)
    total = summary.loc["All plans"]
    recent = queries.recent_updates(state, 10)
    overdue = queries.most_overdue(state, 10)
    return {
        "total": total,
        "coverage": captions.coverage_line(total, ds),
        "status_mix": charts.status_mix_markdown(queries.status_mix(state), phone),
        "claims": claims(ds, f.plans),
        "plan_table": charts.plan_table_markdown(summary, link("explorer", "plan={value}", keep), per_status=phone),
        "recent": None if recent.empty else captions.recent_updates_markdown(
            recent, lambda a: link("explorer", f"action={a}", keep)),
        "overdue": None if overdue.empty else charts.markdown_table(
            overdue, links={"action_id": link("explorer", "action={value}", keep)}, dates=("due_date",)),
    }


def plan_titles(ds: Dataset) -> str:
    """Each plan's id and title, as Markdown (escaped)."""
    return "  \n".join(f"**{md(r.plan_id)}** {md(r.title)}" for r in ds.plans.itertuples()) if len(ds.plans) else ""


def claims(ds: Dataset, plans: list[str] | None) -> list[str]:
    """Governments' claims, one Markdown line each, beside the tracker's count on the claim's day."""
    return captions.claims_markdown(ds, plans)


def timeline(ds: Dataset, f: queries.Filters, group: str, undated: bool) -> dict:
    """The timeline's rows (dated only unless `undated`): how many, and their order (positions in
    `found`); a page's columns are built by gantt for the rows it draws."""
    found = queries.filter_actions(ds.state, f, ds.as_of)
    order = queries.timeline_order(ds, found, group, dated_only=not undated)
    return {"found": found, "order": order, "count": len(order), "hidden": len(found) - len(order)}


def timeline_shown(ds: Dataset, f: queries.Filters, group: str, undated: bool, page: int, per_page: int,
                   ids_only: bool = False) -> pd.DataFrame:
    """One page of the timeline's rows, with their labels."""
    t = timeline(ds, f, group, undated)
    rows = queries.timeline_rows(ds, t["found"], group, order=t["order"][(page - 1) * per_page: page * per_page])
    return queries.timeline_page(rows, 1, per_page, ids_only=ids_only)


def gantt(ds: Dataset, f: queries.Filters, group: str, undated: bool, page: int, per_page: int,
          ids_only: bool, keep: str = "") -> dict:
    """One page of the Gantt chart as SVG (svg_charts.gantt_svg: nothing for the browser to run), its
    sentence, and the same rows as a Markdown table with a link to each action: the chart's text."""
    from .statuses import fmt_date, label
    shown = timeline_shown(ds, f, group, undated, page, per_page, ids_only)
    label_today = "today" if ds.label == "live" else f"as of {ds.as_of:%d %b %Y}"
    events = queries.events_of(ds, shown["action_id"])
    rows = pd.DataFrame({
        "action": shown["action_id"], "title": shown["title"],
        "lead owner": shown["lead_owner"].where(shown["lead_owner"].notna() & shown["lead_owner"].ne(""), None),
        "shown as": shown["shown_as"].map(label), "starts": shown["start"].map(fmt_date),
        "due": [("no due date" if o else fmt_date(e)) for o, e in zip(shown["open_ended"], shown["end"])]})
    return {"shown": len(shown),
            "svg": svg_charts.gantt_svg(shown, ds.as_of, events, label_today, ids_only=ids_only),
            "sentence": svg_charts.gantt_sentence(shown, ds.as_of, label_today),
            "table": charts.markdown_table(rows, links={"action": link("explorer", "action={value}", keep)})}


def completion(ds: Dataset, plans: list[str], per: str, themes: list[str], measure: str, phone: bool = False) -> dict:
    """Completion over time: the curve as SVG (svg_charts.completion_lines_svg), its sentence (escaped
    for Markdown) and the latest point of each line, the chart's numbers as a table."""
    curve = queries.completion_over_time(ds, plans, by=per, themes=themes)
    if curve.empty:
        return {"empty": True, "before": bool(curve.attrs.get("before"))}
    latest = curve.sort_values("date").groupby("plan").tail(1)[
        ["plan", "date", "completed", "assessed", "actions", "completed_share", "completed_share_assessed", "due"]]
    latest = latest.reset_index(drop=True)
    return {"empty": False, "none_completed": int(curve["completed"].max()) == 0,
            "svg": svg_charts.completion_lines_svg(curve, measure, per, phone),
            "sentence": md(svg_charts.completion_lines_sentence(curve, measure, per)),
            "latest": latest, "latest_table": _latest_table(latest, per)}


LATEST_COLUMNS = {"date": "on", "completed": "completed", "due": "due by then", "assessed": "status known",
                  "actions": "actions", "completed_share": "completed, % of all",
                  "completed_share_assessed": "completed, % of assessed"}


def _latest_table(latest: pd.DataFrame, per: str) -> str:
    """Each line's last values as a Markdown table (a handful of rows: no data grid, whose JavaScript
    would weigh 1.7 MB on a phone for them)."""
    shown = latest.rename(columns={"plan": per, **LATEST_COLUMNS})[[per, *LATEST_COLUMNS.values()]]
    return charts.markdown_table(shown, dates=("on",), percent=("completed, % of all", "completed, % of assessed"))


def owners(ds: Dataset, f: queries.Filters, role: str, leads: str, by: str, phone: bool = False) -> dict:
    """The owners' scorecard, its caption, and its chart as SVG with its sentence (escaped for Markdown).
    On a phone the scorecard is a Markdown table of five columns (PHONE_OWNER_COLUMNS) and no grid:
    the data grid's JavaScript weighed 1.7 MB of the page's 5.0 MB (Lighthouse, mobile preset)."""
    state = queries.filter_actions(ds.state, f, ds.as_of)
    depts = queries.departments(ds.owners) if by == "department" else None
    card = queries.owner_scorecard(state, role, leads, depts)
    phone_table = charts.markdown_table(card[list(PHONE_OWNER_COLUMNS)].rename(columns=PHONE_OWNER_COLUMNS)) \
        if phone else None
    return {"caption": captions.owners_caption(state, card, leads), "card": card,
            "card_grid": None if phone else for_the_grid(card), "card_table": phone_table,
            "svg": svg_charts.owner_bars_svg(card, phone=phone), "sentence": md(svg_charts.owner_bars_sentence(card))}


PHONE_OWNER_COLUMNS = {"owner": "owner", "assigned": "actions", "assessed": "status known", "Completed": "completed",
                       "overdue": "overdue"}


def owner_actions_table(ds: Dataset, f: queries.Filters, owner: str, role: str, leads: str, by: str,
                        keep: str = "") -> str:
    """One owner's actions on a phone: a Markdown table of id (opening the action), title, status, due."""
    mine = owner_actions(ds, f, owner, role, leads, by)
    shown = mine[["action_id", "title", "status", "due_date"]].rename(columns={"action_id": "action", "due_date": "due"})
    return charts.markdown_table(shown, links={"action": link("explorer", "action={value}", keep)})


def owner_actions(ds: Dataset, f: queries.Filters, owner: str, role: str, leads: str, by: str) -> pd.DataFrame:
    """One owner's actions, an unknown date shown as —, each with a link to open it."""
    from .statuses import fmt_date
    state = queries.filter_actions(ds.state, f, ds.as_of)
    depts = queries.departments(ds.owners) if by == "department" else None
    mine = queries.actions_of_owner(state, owner, role, leads, depts)
    mine = mine.assign(link="explorer?action=" + mine["action_id"], due_date=mine["due_date"].map(fmt_date),
                       status_date=mine["status_date"].map(fmt_date))
    return mine[["action_id", "plan_id", "title", "lead_owner", "lead_basis", "status", "due_date", "overdue",
                 "past_due_no_update", "status_date", "link"]].reset_index(drop=True)


def compare_matrix(ds: Dataset, f: queries.Filters, keep: str) -> str:
    """Themes by plan, as Markdown, each cell linking to its actions."""
    state = queries.filter_actions(ds.state, f, ds.as_of)
    return captions.theme_matrix_markdown(queries.theme_matrix(state),
                                      lambda p, t: link("explorer", f"plan={p}&theme={t}", keep))


def compare_theme(ds: Dataset, f: queries.Filters, theme: str, words: str, keep: str) -> dict:
    """One theme side by side: who has delivered, and each plan's actions under it."""
    state = queries.filter_actions(ds.state, f, ds.as_of)
    acts = queries.theme_actions(queries.filter_actions(state, queries.Filters(search=words), ds.as_of), theme)
    plans = sorted(state["plan_id"].unique())
    return {"delivered": charts.markdown_table(queries.delivered_summary(acts, theme)),
            "columns": [(plan, captions.plan_column_markdown(acts[acts["plan_id"] == plan],
                                                             lambda a: link("explorer", f"action={a}", keep)))
                        for plan in plans]}


def titles(ds: Dataset) -> dict[str, str]:
    """Each action's title by its id."""
    return dict(zip(ds.state["action_id"], ds.state["title"]))


def for_the_grid(df: pd.DataFrame):
    """The Arrow table st.dataframe makes of `df` (pa.Table.from_pandas, as Streamlit does), made once
    for every view that shows it: given a DataFrame, Streamlit converts it on every run, 0.6-1.0 ms of
    server CPU per table and view (py-spy, 2 Dec 2026). A frame Arrow cannot take as it is stays a
    DataFrame, for Streamlit to mend its column types as it does."""
    import pyarrow as pa
    try:
        return pa.Table.from_pandas(df)
    except (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return df


# The explorer's columns on a phone: its width holds three; the action's own view has the rest.
PHONE_COLUMNS = ["action", "title", "status"]


def explorer(ds: Dataset, f: queries.Filters) -> dict:
    """The explorer's list: the ids that match (sorted, for the picker: a plain list, which it slices on
    every run), the table that shows them, and that table for the grid (on a phone, its first columns)."""
    state = ds.state[[c for c in EXPLORER_COLUMNS if c in ds.state.columns]]  # fewer columns to filter
    found = queries.filter_actions(state, f, ds.as_of)
    table = None if found.empty else queries.explorer_rows(found)
    return {"ids": found["action_id"].sort_values(ignore_index=True).tolist(), "table": table,
            "grid": None if table is None else for_the_grid(table),
            "phone_grid": None if table is None else for_the_grid(table[PHONE_COLUMNS])}


# What the explorer's filters read and its table shows.
EXPLORER_COLUMNS = ["action_id", "plan_id", "section", "title", "text", "status", "lead_owner", "lead_basis",
                    "other_owners", "due_date", "overdue", "past_due_no_update", "days_past_due", "stale",
                    "themes"]


def action(ds: Dataset, action_id: str) -> dict:
    """One action's row and the parts it is split into."""
    # By a mask, not set_index(...).loc: re-indexing copies every column of every action.
    a = ds.state[(ds.state["action_id"] == action_id).to_numpy(bool)].iloc[0]
    a.name = action_id
    return {"action": a.drop("action_id"), "parts": ds.state[ds.state["parent_action_id"] == action_id]}


def action_evidence(con, action_id: str, as_of=None) -> dict:
    """One action's record of evidence, read from the store: its history with the day each source was
    read, an archived copy, who proposed it (evidence accepted from the review queue); its further
    sources; what counts as done; and the day it was last verified."""
    from .history import action_history, event_sources, last_verified
    from .proposals import done_when
    from .text import archive_url
    events = action_history(con, action_id)
    events["archived"] = [archive_url(u, r if not pd.isna(r) else d)
                          for u, r, d in zip(events["evidence_url"], events["retrieved_on"], events["effective_date"])]
    sources = event_sources(con, action_id)
    sources["archived"] = [archive_url(u, r if not pd.isna(r) else d)
                           for u, r, d in zip(sources["evidence_url"], sources["retrieved_on"], sources["effective_date"])]
    criterion = done_when(con).get(action_id)
    verified = last_verified(con, as_of).get(action_id)
    return {"events": events, "sources": sources, "done_when": criterion, "verified": verified,
            "facts": captions.evidence_facts(criterion, verified)}


def review_table(queue: pd.DataFrame) -> pd.DataFrame:
    """The review queue as the editor's table: a decision column and the fields a reviewer may edit
    first, then what to judge them by (the source, the match's reasons, the action and its latest evidence)."""
    q = queue
    return pd.DataFrame({
        "decision": pd.Series([None] * len(q), dtype=object), "proposal": q["proposal_id"].astype(int),
        "action_id": q["action_id"], "status": q["status"], "effective_date": pd.to_datetime(q["effective_date"]).dt.date,
        "note": q["note"].where(q["note"].notna(), q["quote"]), "reason": pd.Series([None] * len(q), dtype=object),
        "duplicate_of": pd.Series([None] * len(q), dtype="Int64"),
        "source": q["source"], "evidence_url": q["evidence_url"], "match": q["match_reasons"],
        "proposed_by": q["proposed_by"], "action": q["action_title"], "action_text": q["action_text"],
        "done_when": q["done_when"], "current_status": q["current_status"], "latest_evidence": q["latest_note"],
    })


def decisions_from(edited: pd.DataFrame):
    """The rows an editor gave a decision, as proposals.Decision (accepted rows carry their edited fields)."""
    from .proposals import Decision
    out = []
    for r in edited.to_dict(orient="records"):
        verdict = r.get("decision")
        if not isinstance(verdict, str) or not verdict:
            continue
        edits = {k: r[k] for k in ("action_id", "status", "effective_date", "note")
                 if r.get(k) is not None and not (not isinstance(r[k], str) and pd.isna(r[k]))}
        dup = r.get("duplicate_of")
        out.append(Decision(int(r["proposal"]), verdict, reason=r.get("reason") or None,
                            duplicate_of=None if dup is None or pd.isna(dup) else int(dup), edits=edits))
    return out
