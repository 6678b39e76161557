"""The public edition: a self-contained static site of the tracker, for any static host.

    python -m action_tracker publish OUT [--as-of DAY] [--base-url URL]

It writes, from the store as it stood on a day: an index (the overview, and every action with
client-side search and filters), a page per plan, per owner and per action (`actions/<id>/`),
the methodology, the plans' texts with line anchors, open data (CSV, JSON and a JSON Schema,
all and per plan), Atom feeds of status changes and iCalendar files of due dates (all and per
plan), and a small embeddable summary and SVG badge per plan. Pages are Jinja2 templates with
autoescaping; links are relative, so the site works from any folder, a bucket or file://.
Charts are SVG written here (svg_charts.py), each with its numbers in words beside it: no page
needs JavaScript to be read, and none loads a chart library. Publishing twice from the same store gives byte-identical files.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import captions, charts, exports, history, queries, svg_charts
from .errors import InputError
from .settings import ROOT, current
from .statuses import COMPLETED, SHOWN, fmt_date, label
from .text import archive_url, html, link_html, safe_url, storable

HERE = Path(__file__).resolve().parent
MARKER = ".action-tracker-site"  # a folder holding this file may be emptied and rewritten
# Issue 30: every public page at most 200 KB in all, at 20,000 actions too. A page's HTML may use
# what its stylesheet (and the list's filter script) leave of that; lists are paged to fit.
PAGE_BYTES = 190_000
ACTIONS_PER_PAGE = 250  # the list of every action: the five plans' 250 fit on one page
PLAN_ACTIONS_PER_PAGE = 200  # a plan page: its timeline and its actions by section


def slug(value) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value or "").lower()).strip("-") or "none"


def _guarded(value):
    """text.storable for a template's values, keeping Markup (already escaped) as Markup."""
    return Markup(storable(str(value))) if isinstance(value, Markup) else storable(value)


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True,
                      finalize=_guarded)  # the output guard: every value a template prints
    env.filters.update({
        "day": lambda d: fmt_date(d),
        "label": label,
        "slug": slug,
        # A link where there is a safe address; otherwise the words alone (escaped by autoescaping).
        "link": lambda url, text=None: Markup(link_html(url, text)) if isinstance(url, str) and url else (text or ""),
        "basis": lambda b: captions.BASIS_WORDS.get(b, "basis not recorded"),
        "leadword": lambda b: captions.LEAD_WORDS.get(b, "none named"),
        "archived": _archived,
    })
    return env


def _archived(url, day) -> Markup | str:
    """" · archived copy" linking the Web Archive's capture nearest `day`, where the address is safe."""
    target = archive_url(url, day)
    return Markup(" · " + link_html(target, "archived copy")) if target else ""


def _plain(v):
    if v is None or isinstance(v, (list, tuple, str)) or hasattr(v, "__len__"):
        return v
    return None if pd.isna(v) else v


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


@dataclass
class Site:
    out: Path
    ds: history.Dataset
    published: str
    base_url: str
    env: Environment

    def write(self, rel: str, content: str | bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):  # the feeds and calendars: their text was guarded as it went in
            path.write_bytes(content)
        else:  # every page, badge, CSV and JSON file: the output guard once more, on the whole file
            path.write_text(storable(content), encoding="utf-8", newline="\n")

    def render(self, rel: str, template: str, title: str, **context) -> str:
        root = "../" * rel.count("/")
        return self.env.get_template(template).render(
            title=title, root=root, published=self.published, as_of=fmt_date(self.ds.as_of), **context)

    def page(self, rel: str, template: str, title: str, **context) -> None:
        self.write(rel, self.render(rel, template, title, **context))

    def paged(self, folder: str, template: str, title: str, items: list, context_of, per_page: int) -> int:
        """What grows with the number of actions, over pages: `folder`/index.html, then page-2.html, …,
        each linking to every other (a nav). `context_of(chunk, first)` gives a page's template values;
        `first` says whether it is page 1. Pages hold `per_page` items, fewer if one page would weigh
        more than PAGE_BYTES (halved until every page fits). Returns the number of pages."""
        while True:
            chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
            names = ["index.html", *[f"page-{k}.html" for k in range(2, len(chunks) + 1)]]
            pages = []
            for k, chunk in enumerate(chunks):
                pager = {"current": k + 1, "pages": list(zip(range(1, len(chunks) + 1), names)), "per_page": per_page,
                         "first_item": k * per_page + 1, "last_item": k * per_page + len(chunk), "total": len(items)}
                label_ = f"{title} (page {k + 1} of {len(chunks)})" if len(chunks) > 1 else title
                pages.append(self.render(f"{folder}/{names[k]}", template, label_, pager=pager,
                                         **context_of(chunk, k == 0)))
            if per_page <= 10 or all(len(p.encode("utf-8")) <= PAGE_BYTES for p in pages):
                break
            per_page //= 2
        for name, text in zip(names, pages):
            self.write(f"{folder}/{name}", text)
        return len(pages)

    def url(self, rel: str) -> str:
        return f"{self.base_url.rstrip('/')}/{rel}" if self.base_url else rel


def _prepare(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise InputError(f"{out} is not empty and holds no published site: choose an empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Written by `python -m action_tracker publish`; rewritten on every publish.\n")


def publish(con, out: Path, as_of: date | None = None, base_url: str = "", suggest_url: str = "",
            per_page: tuple[int, int] = (ACTIONS_PER_PAGE, PLAN_ACTIONS_PER_PAGE)) -> dict[str, int]:
    """Write the site into `out` (empty, or a site published before). Returns what was written.
    `suggest_url`: the dashboard's Suggest evidence page, linked from every action page. `per_page`:
    actions per page of the list of every action, and of a plan page (at most: see Site.paged)."""
    if suggest_url and safe_url(suggest_url) is None:
        raise InputError(f"--suggest-url {suggest_url!r} must be a web address starting http:// or https://")
    ds = history.load_dataset(con, as_of)
    out = Path(out)
    _prepare(out)
    site = Site(out, ds, fmt_date(ds.as_of), base_url, _env())
    events = history.history_frame(con)
    events = events[pd.to_datetime(events["effective_date"]).dt.date <= ds.as_of]
    for name in ("site.css", "filter.js"):
        site.write(f"assets/{name}", (HERE / "static" / name).read_text(encoding="utf-8"))
    _index(site, per_page[0])
    _plans(site, per_page[1])
    _owners(site)
    _actions(site, events, _evidence_extras(con, ds.as_of), suggest_url)
    _sources(site)
    _methodology(site)
    _open_data(site, events)
    _feeds(site, events)
    _calendars(site)
    return {"files": sum(1 for p in out.rglob("*") if p.is_file()), "actions": len(ds.state)}


def _index(site: Site, per_page: int) -> None:
    ds = site.ds
    state = ds.state.sort_values(["plan_id", "seq"])
    summary = queries.summary(state, ds.as_of)
    site.page("index.html", "index.html", "AI action plans: are governments delivering?",
              total=summary.loc["All plans"], figures=captions.headline_figures(summary.loc["All plans"]),
              stale_days=current().stale_days,
              mix=Markup(charts.status_mix_html(queries.status_mix(state))),
              plan_table=Markup(charts.plan_table_html(summary, "plans/{value}/index.html")),
              claims=_records(queries.claims_beside_tracker(ds)), recent=_records(queries.recent_updates(state, 15)))
    # The list of every action, searchable with no server, is a page of its own: the index stays light.
    site.paged("actions", "actions.html", "Every action", _records(state),
               lambda chunk, first: {"actions": chunk, "plans": _records(ds.plans), "statuses": SHOWN,
                                     "themes": queries.THEMES}, per_page)


def _plans(site: Site, per_page: int) -> None:
    ds = site.ds
    items = []
    for plan in _records(ds.plans):
        pid = plan["plan_id"]
        state = ds.state[ds.state["plan_id"] == pid].sort_values("seq")
        if state.empty:
            continue
        total = queries.summary(state, ds.as_of).loc["All plans"]
        sub = history.Dataset(state, ds.events[ds.events["action_id"].isin(state["action_id"])], ds.as_of)
        rows = queries.timeline_page(queries.timeline_rows(sub, state, "section"), 1, len(state))
        curve = queries.completion_over_time(sub)
        claims = _records(queries.claims_beside_tracker(ds, [pid]))
        site.paged(f"plans/{pid}", "plan.html", f"{pid}: {plan['title']}", list(range(len(rows))),
                   functools.partial(_plan_page, plan, total, claims, curve, rows, ds.as_of), per_page)
        done, n, known = int(total[COMPLETED]), int(total["actions"]), int(total["assessed"])
        summary = f"{done} of {n} completed"
        site.write(f"embed/{pid}.html", site.env.get_template("embed.html").render(
            plan_id=pid, summary=summary, done=done, total=n, known=known, as_of=fmt_date(ds.as_of),
            link=f"../plans/{pid}/index.html"))
        site.write(f"badges/{pid}.svg", _badge(f"{pid}: {summary}", fmt_date(ds.as_of)))
        items.append((f"{pid}/index.html", f"{pid}: {plan['title']}", f"{summary}; status known for {known}"))
    site.page("plans/index.html", "listing.html", "Plans", items=items)


def _plan_page(plan: dict, total, claims: list, curve: pd.DataFrame, every_row: pd.DataFrame, as_of: date,
               chunk: list[int], first: bool) -> dict:
    """One page of a plan: its figures; the completion curve on the first page; the timeline and the
    actions (by section) of this page's rows (positions `chunk` of the plan's timeline rows)."""
    rows = every_row.iloc[chunk]
    figures = {"timeline": Markup(svg_charts.timeline_svg(rows, as_of)),
               "timeline_sentence": svg_charts.timeline_sentence(rows, as_of)}
    if first:
        figures.update({"completion": Markup(svg_charts.completion_svg(curve)),
                        "completion_sentence": svg_charts.completion_sentence(curve),
                        "completion_rows": svg_charts.completion_rows(curve)})
    sections = [(sec, _records(g)) for sec, g in rows.groupby("section", sort=False)]
    return {"plan": plan, "total": total, "claims": claims, "sections": sections, "figures": figures}


def _badge(text: str, day: str) -> str:
    width = 7 * (len(text) + len(day)) + 40
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='20' role='img' "
            f"aria-label='{html(text)}, {html(day)}'><rect width='{width}' height='20' rx='3' fill='#0072B2'/>"
            f"<text x='8' y='14' fill='#fff' font-family='Verdana,sans-serif' font-size='11'>{html(text)} · "
            f"{html(day)}</text></svg>\n")


def _owners(site: Site) -> None:
    state = site.ds.state
    card = queries.owner_scorecard(state, "lead")
    items = []
    for row in card.itertuples():
        mine = queries.actions_of_owner(state, row.owner, "lead").sort_values(["plan_id", "seq"])
        intro = f"Leads {row.assigned} actions ({row.plans}); completed {row.Completed}; status known for {row.assessed}."
        site.paged(f"owners/{slug(row.owner)}", "listing.html", row.owner, _records(mine),
                   lambda chunk, first, intro=intro: {"rows": chunk, "intro": intro}, ACTIONS_PER_PAGE)
        items.append((f"{slug(row.owner)}/index.html", row.owner, f"leads {row.assigned}"))
    site.page("owners/index.html", "listing.html", "Owners", items=items,
              intro="Each body and the actions it leads (stated, implied or plan level: see the methodology).")


def _evidence_extras(con, as_of: date) -> dict:
    """What counts as done per action, the day each was last verified, and further sources by event."""
    from .proposals import done_when
    further = history.further_sources(con)
    return {"done_when": done_when(con), "verified": history.last_verified(con, as_of),
            "further": {int(e): _records(g) for e, g in further.groupby("event_id")}}


def _actions(site: Site, events: pd.DataFrame, extras: dict, suggest_url: str = "") -> None:
    by_action = {aid: _records(g) for aid, g in events.groupby("action_id")}
    sep = "&" if "?" in suggest_url else "?"
    for a in _records(site.ds.state):
        aid = a["action_id"]
        site.page(f"actions/{aid}/index.html", "action.html", f"{aid}: {a['title']}", a=a,
                  history=by_action.get(aid, []), done_when=extras["done_when"].get(aid),
                  verified=extras["verified"].get(aid), further=extras["further"],
                  suggest=f"{suggest_url}{sep}action={aid}" if suggest_url else None)


def _sources(site: Site) -> None:
    from loaders import PLANS_DIR
    for plan in _records(site.ds.plans):
        path = PLANS_DIR / plan["source_file"]
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        body = "".join(f"<div class='source-line' id='L{n}'><a href='#L{n}'>{n}</a> {html(line, '')}</div>"
                       for n, line in enumerate(lines, start=1))
        site.page(f"sources/{plan['plan_id']}.html", "listing.html", f"The text of {plan['plan_id']}: {plan['title']}",
                  intro=f"{plan['source_file']}, as the tracker reads it (lines of the project's copy).",
                  html=Markup(body))


def _methodology(site: Site) -> None:
    import markdown
    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    text = text.split("\n", 1)[1] if text.startswith("# ") else text  # the page has its own title
    site.page("methodology.html", "listing.html", "Methodology",
              html=Markup(markdown.markdown(text, extensions=["tables"])))


ACTION_DOCS = {
    "action_id": "stable id", "plan": "plan id", "section": "where the action sits in its plan",
    "title": "short title (at most 80 characters)", "theme": "primary theme", "themes": "every theme, '; '-separated",
    "text": "the action as the plan words it", "lead_owner": "the body that leads it",
    "lead_basis": "how the lead was read: stated, implied, plan or update", "other_owners": "other bodies named",
    "due_date": "YYYY-MM-DD, or null when the plan gives none", "timing_text": "the words the due date came from",
    "status": "the latest reported status, or 'No update yet'", "status_date": "day of the latest evidence",
    "stale": "the latest evidence is older than the stale threshold",
    "overdue": "reported open and past the due date", "past_due_no_update": "past the due date, nothing reported",
}


def _open_data(site: Site, events: pd.DataFrame) -> None:
    actions = exports.actions_frame(state=site.ds.state.sort_values(["plan_id", "seq"]))
    hist = events.sort_values("event_id").reset_index(drop=True)
    for prefix, a, h in [("data/", actions, hist)] + [
            (f"data/{pid}/", actions[actions["plan"] == pid], hist[hist["plan"] == pid])
            for pid in sorted(actions["plan"].unique())]:
        site.write(prefix + "actions.csv", exports.to_csv(a))
        site.write(prefix + "actions.json", exports.to_json(a))
        site.write(prefix + "history.csv", exports.to_csv(h))
        site.write(prefix + "history.json", exports.to_json(h))
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Action Tracker actions",
              "type": "array", "items": {"type": "object", "required": ["action_id", "plan", "title", "status"],
                                         "properties": {c: {"description": ACTION_DOCS.get(c, c.replace("_", " "))}
                                                        for c in actions.columns}}}
    site.write("data/actions.schema.json", json.dumps(schema, indent=1, sort_keys=True) + "\n")
    items = [(name, name, what) for name, what in [
        ("actions.csv", "every action (formula-guarded CSV)"), ("actions.json", "every action"),
        ("history.csv", "every status event up to the as-of day"), ("history.json", "the same, as JSON"),
        ("actions.schema.json", "JSON Schema of actions.json, with what each field means")]]
    items += [(f"{pid}/actions.csv", f"{pid}: actions and history", "CSV and JSON in the plan's folder")
              for pid in sorted(actions["plan"].unique())]
    site.page("data/index.html", "listing.html", "Open data", items=items,
              intro="Free to reuse. CSV cells that a spreadsheet would run as a formula start with an apostrophe.")


def _day(d) -> datetime:
    return datetime.combine(pd.Timestamp(d).date(), datetime.min.time(), tzinfo=UTC)


def _feeds(site: Site, events: pd.DataFrame) -> None:
    from feedgen.feed import FeedGenerator
    counting = events[~events["reverted"] & events["reverts_event_id"].isna()]
    for pid in [None, *sorted(site.ds.state["plan_id"].unique())]:
        ev = counting if pid is None else counting[counting["plan"] == pid]
        fg = FeedGenerator()
        fg.id(site.url(f"feeds/{pid or 'all'}.xml") if site.base_url else f"urn:action-tracker:feed:{pid or 'all'}")
        fg.title(f"Action Tracker: status changes{'' if pid is None else ' of ' + pid}")
        fg.link(href=site.url("index.html"), rel="alternate")
        fg.updated(_day(site.ds.as_of))
        for e in ev.sort_values(["effective_date", "event_id"]).itertuples():
            fe = fg.add_entry(order="append")
            fe.id(f"urn:action-tracker:event:{int(e.event_id)}")
            fe.title(storable(f"{e.action_id}: {e.status} — {e.title}"))
            fe.link(href=site.url(f"actions/{e.action_id}/index.html"))
            fe.updated(_day(e.effective_date))
            fe.summary(storable(" · ".join(str(x) for x in (e.note, e.source, e.evidence_url) if isinstance(x, str) and x)))
        site.write(f"feeds/{pid or 'all'}.xml", fg.atom_str(pretty=True))


def _calendars(site: Site) -> None:
    from icalendar import Calendar, Event
    state = site.ds.state.dropna(subset=["due_date"]).sort_values(["due_date", "action_id"])
    for pid in [None, *sorted(site.ds.state["plan_id"].unique())]:
        cal = Calendar()
        cal.add("prodid", "-//Action Tracker//due dates//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"Action Tracker due dates{'' if pid is None else ': ' + pid}")
        for a in (state if pid is None else state[state["plan_id"] == pid]).itertuples():
            ev = Event()
            ev.add("uid", f"{a.action_id}@action-tracker")
            ev.add("dtstamp", _day(site.ds.as_of))
            ev.add("dtstart", pd.Timestamp(a.due_date).date())
            ev.add("summary", storable(f"{a.action_id} due: {a.title}"))
            ev.add("description", storable(f"{a.status} · {a.timing_text or ''} · "
                                           f"{site.url(f'actions/{a.action_id}/index.html')}"))
            cal.add_component(ev)
        site.write(f"calendar/{pid or 'all'}.ics", cal.to_ical())
