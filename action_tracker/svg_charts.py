"""Charts as static SVG, drawn on the server: no chart library and no JavaScript for a reader to
download. The public edition's plan pages loaded 4.8 MB of plotly.min.js before; the dashboard's
timeline loaded Plotly's 4.7 MB chunk and blocked a phone's main thread for 3.3 s (Lighthouse, 6 Dec
2026). Each chart says what it shows in words (its <title>, <desc> and a sentence beside it), and the
numbers behind it are on the page as a table or a list. Every value drawn is escaped (text.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .statuses import COLORS, COMPLETED, IN_PROGRESS, NO_UPDATE, OVERDUE, PAST_DUE_NO_UPDATE, SYMBOLS, fmt_date
from .statuses import label as status_label
from .text import clip, html, html_in_markdown

WIDTH = 860
_FONT = "font-family='system-ui,sans-serif' font-size='12'"
_GRID, _AXIS_TEXT = "#e6e6e6", "#444"  # text 9.7:1 on white


def _day(d) -> str:
    return pd.Timestamp(d).strftime("%d %b %Y")


def _svg(chart_id: str, height: int, title: str, desc: str, body: list[str], esc=html, width: int = WIDTH) -> str:
    # The opening tag alone on the first line: inside Streamlit's Markdown the chart is then one raw
    # HTML block (CommonMark's type 7), which Markdown leaves alone up to a blank line (there is none).
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' role='img' "
            f"aria-labelledby='{chart_id}-title {chart_id}-desc' class='svg-chart'>\n"
            f"<title id='{chart_id}-title'>{esc(title)}</title><desc id='{chart_id}-desc'>{esc(desc)}</desc>"
            + "".join(body) + "</svg>")


def completion_sentence(curve: pd.DataFrame) -> str:
    if curve.empty:
        return "The plan had not started by this day: there is nothing to count yet."
    last = curve.iloc[-1]
    first_done = curve[curve["completed"] > 0]
    since = f"; the first was completed on {_day(first_done.iloc[0]['date'])}" if len(first_done) else ""
    return (f"On {_day(last['date'])}, {int(last['completed'])} of {int(last['actions'])} actions had evidence of "
            f"completion, {int(last['due'])} were due by then, and status was known for {int(last['assessed'])}{since}.")


def completion_rows(curve: pd.DataFrame) -> list[dict]:
    """The curve's values at each month's end (and the last day): the chart's numbers as a table."""
    c = curve.assign(date=pd.to_datetime(curve["date"]))
    picked = c.groupby(c["date"].dt.to_period("M")).tail(1)
    return [{"day": _day(r.date), "completed": int(r.completed), "due": int(r.due), "known": int(r.assessed),
             "actions": int(r.actions)} for r in picked.itertuples()]


def completion_svg(curve: pd.DataFrame, chart_id: str = "completion") -> str:
    """Completed, due-by-then and status-known counts over time, as step lines."""
    if curve.empty:
        return _svg(chart_id, 40, "Completion over time", completion_sentence(curve), [])
    height, left, right, top, bottom = 300, 48, 150, 16, 36
    c = curve.assign(date=pd.to_datetime(curve["date"]))
    t0, t1 = c["date"].iloc[0], c["date"].iloc[-1]
    span = max((t1 - t0).days, 1)
    ymax = max(int(c["actions"].max()), 1)

    def x(d):
        return left + (WIDTH - left - right) * (d - t0).days / span

    def y(v):
        return top + (height - top - bottom) * (1 - v / ymax)

    body = []
    for v in sorted({0, ymax // 2, ymax}):
        body.append(f"<line x1='{left}' x2='{WIDTH - right}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='{_GRID}'/>"
                    f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end' fill='{_AXIS_TEXT}' {_FONT}>{v}</text>")
    for d in (t0, t1):
        body.append(f"<text x='{x(d):.1f}' y='{height - 12}' text-anchor='middle' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{html(_day(d))}</text>")
    lines = [("completed", COLORS["Completed"], "", 3), ("due", "#444", "6 4", 1.5),
             ("assessed", COLORS["In progress"], "2 3", 2)]
    names = {"completed": "completed", "due": "due by then", "assessed": "status known"}
    label_at, placed = {}, []  # the end labels, nudged apart so equal values stay readable
    for col in ("completed", "due", "assessed"):
        want = y(int(c[col].iloc[-1]))
        while any(abs(want - p) < 14 for p in placed):
            want -= 14
        placed.append(want)
        label_at[col] = want
    for col, colour, dash, w in lines:
        body.append(f"<polyline fill='none' stroke='{colour}' stroke-width='{w}' stroke-dasharray='{dash}' "
                    f"points='{_step_points(c['date'], c[col], x, y)}'/>")
        last = int(c[col].iloc[-1])
        body.append(f"<text x='{WIDTH - right + 6}' y='{label_at[col] + 4:.1f}' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{last} {names[col]}</text>")
    return _svg(chart_id, height, "Completion over time", completion_sentence(curve), body)


def timeline_sentence(rows: pd.DataFrame, as_of: date) -> str:
    if rows.empty:
        return "No actions to draw."
    dated = rows[rows["due_date"].notna()]
    undated = len(rows) - len(dated)
    if dated.empty:
        return f"None of the {len(rows)} actions has a due date; each is drawn to {_day(as_of)}."
    return (f"{len(rows)} actions, from the plan's start to each one's due date (or to {_day(as_of)} where it has "
            f"none: {undated}); due dates run from {_day(dated['due_date'].min())} to {_day(dated['due_date'].max())}. "
            "The list below gives each action's status and due date.")


def timeline_svg(rows: pd.DataFrame, as_of: date, chart_id: str = "timeline") -> str:
    """One bar per action from its start to its due date (open-ended ones to the as-of day), coloured by
    status with its symbol at the bar's end; a line marks the as-of day. Rows in the list's order."""
    if rows.empty:
        return _svg(chart_id, 40, "Timeline", timeline_sentence(rows, as_of), [])
    bar, gap, left, right, top = 12, 4, 70, 20, 28
    height = top + (bar + gap) * len(rows) + 10
    start, end = pd.to_datetime(rows["start"]), pd.to_datetime(rows["end"])
    t0, t1 = start.min(), max(end.max(), pd.Timestamp(as_of))
    span = max((t1 - t0).days, 1)

    def x(d):
        return left + (WIDTH - left - right) * (pd.Timestamp(d) - t0).days / span

    body = [f"<defs><pattern id='{chart_id}-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
            f"patternTransform='rotate(45)'><rect width='6' height='6' fill='#f4f4f4'/>"
            f"<line x1='0' y1='0' x2='0' y2='6' stroke='#8a8a8a' stroke-width='2'/></pattern></defs>"]
    for d, anchor in ((t0, "start"), (pd.Timestamp(as_of), "middle"), (t1, "end")):
        body.append(f"<text x='{x(d):.1f}' y='14' text-anchor='{anchor}' fill='{_AXIS_TEXT}' {_FONT}>{html(_day(d))}</text>")
    for i, r in enumerate(rows.itertuples()):
        yy = top + i * (bar + gap)
        shown = r.shown_as
        hatched = shown in (NO_UPDATE, PAST_DUE_NO_UPDATE) or r.open_ended
        fill = f"url(#{chart_id}-hatch)" if hatched else COLORS.get(shown, "#888")
        x0, x1 = x(r.start), max(x(r.end), x(r.start) + 3)
        due = _day(r.due_date) if not pd.isna(r.due_date) else "no due date"
        body.append(f"<text x='{left - 6}' y='{yy + bar - 2}' text-anchor='end' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{html(r.action_id)}</text>"
                    f"<rect x='{x0:.1f}' y='{yy}' width='{x1 - x0:.1f}' height='{bar}' fill='{fill}' "
                    f"stroke='{COLORS.get(shown, '#888')}'><title>{html(r.action_id)}: {html(shown)}, due {html(due)}"
                    f"</title></rect><text x='{x1 + 3:.1f}' y='{yy + bar - 2}' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{SYMBOLS.get(shown, '')}</text>")
    xa = x(as_of)
    body.append(f"<line x1='{xa:.1f}' x2='{xa:.1f}' y1='20' y2='{height}' stroke='#1e1e1e' stroke-dasharray='3 3'/>")
    return _svg(chart_id, height, "Timeline", timeline_sentence(rows, as_of), body)


# The dashboard's Gantt chart -------------------------------------------------------------------------

GANTT_ROW, GANTT_BAR = 22, 14
PHONE_WIDTH = 400  # a phone's chart is drawn narrower, so its 12-unit text stays about 11 px on screen
_HOLLOW = (OVERDUE, PAST_DUE_NO_UPDATE, NO_UPDATE)  # milestones with no good news are drawn open
_HATCHED = (NO_UPDATE, PAST_DUE_NO_UPDATE)


def _month_ticks(t0: pd.Timestamp, t1: pd.Timestamp, most: int = 8) -> list[pd.Timestamp]:
    """First days of months between t0 and t1, every 1, 2, 3, 6 or 12 months: at most `most` of them."""
    months = (t1.year - t0.year) * 12 + t1.month - t0.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= most), 12 * (months // (12 * most) + 1))
    first = pd.Timestamp(t0.year, t0.month, 1) + pd.offsets.MonthBegin(1)
    ticks = pd.date_range(first, t1, freq=f"{step}MS")
    return [t for t in ticks if t0 <= t <= t1]


def gantt_sentence(rows: pd.DataFrame, as_of: date, label_today: str = "today") -> str:
    """The Gantt chart in one sentence: how many rows, the span of their due dates, how many are late."""
    if rows.empty:
        return "No actions to draw."
    dated = rows[~rows["open_ended"]]
    late = int(rows["shown_as"].isin([OVERDUE, PAST_DUE_NO_UPDATE]).sum())
    span = (f"due dates run from {_day(dated['end'].min())} to {_day(dated['end'].max())}" if len(dated)
            else "none has a due date")
    return (f"{len(rows)} actions drawn as bars from their start to their due date; {span}"
            + (f"; {len(rows) - len(dated)} with no due date run to {_day(as_of)}" if len(dated) < len(rows) else "")
            + f"; {late} past their due date and not reported completed ({label_today}: {_day(as_of)}).")


@dataclass(frozen=True)
class _Frame:
    """Where a Gantt chart draws: its width, the date scale and the plot area's edges."""
    width: int
    left: int
    right: int
    t0: pd.Timestamp
    t1: pd.Timestamp

    def x(self, d) -> float:
        span = max((self.t1 - self.t0).days, 1)
        return self.left + (self.width - self.left - self.right) * (pd.Timestamp(d) - self.t0).days / span


def _gantt_frame(rows: pd.DataFrame, as_of: date, ids_only: bool) -> _Frame:
    today = pd.Timestamp(as_of)
    t0 = min(pd.to_datetime(rows["start"]).min(), today) - pd.Timedelta(days=10)
    t1 = max(pd.to_datetime(rows["end"]).max(), today) + pd.Timedelta(days=10)
    return _Frame(PHONE_WIDTH if ids_only else WIDTH, 76 if ids_only else 320, 24, t0, t1)


def _gantt_tip(r, esc) -> str:
    """A bar's tooltip: title, lead, status (and verdict), start and due date, one per line."""
    due = "no due date" if r.open_ended else f"due {fmt_date(r.end)}"
    verdict = f" · {r.shown_as}" if r.shown_as != r.status else ""
    lead = r.lead_owner if isinstance(r.lead_owner, str) and r.lead_owner else "none named"
    return "&#10;".join(esc(t) for t in (f"{r.action_id} {r.title}", f"Lead: {lead}",
                                         f"{status_label(r.status)}{verdict}", f"Starts {fmt_date(r.start)} · {due}"))


def _gantt_row(r, yy: int, fr: _Frame, esc, ids_only: bool, chart_id: str) -> str:
    """One action's label and its bar (or diamond)."""
    shown, colour = r.shown_as, COLORS.get(r.shown_as, "#888")
    name = r.action_id if ids_only else f"{r.action_id}  {clip(str(r.title), 42)}"
    out = f"<text class='row' x='6' y='{yy + 15}' fill='#111' {_FONT}>{esc(name)}</text>"
    tip, mid = _gantt_tip(r, esc), yy + GANTT_ROW / 2
    if r.milestone:
        cx, h = fr.x(r.end), 7
        fill = "#ffffff" if shown in _HOLLOW else colour
        return out + (f"<polygon class='milestone' points='{cx:.1f},{mid - h:.1f} {cx + h:.1f},{mid:.1f} "
                      f"{cx:.1f},{mid + h:.1f} {cx - h:.1f},{mid:.1f}' fill='{fill}' stroke='{colour}' "
                      f"stroke-width='2'><title>{tip}</title></polygon>")
    x0 = fr.x(r.start)
    x1 = max(fr.x(r.end), x0 + 3)
    bar = f"x='{x0:.1f}' y='{yy + (GANTT_ROW - GANTT_BAR) / 2:.1f}' width='{x1 - x0:.1f}' height='{GANTT_BAR}'"
    hatch = f"<rect {bar} fill='url(#{chart_id}-hatch)'/>" if shown in _HATCHED or r.open_ended else ""
    return out + f"<g class='bar'><title>{tip}</title><rect {bar} fill='{colour}'/>{hatch}</g>"


def _gantt_axes(fr: _Frame, top: int, bottom: int, as_of: date, label_today: str, esc, most: int) -> tuple[str, str]:
    """The month grid with its labels at the top and the bottom, and the as-of day's line."""
    grid = []
    for t in _month_ticks(fr.t0, fr.t1, most):
        xt, text = fr.x(t), esc(t.strftime("%b %Y"))
        grid.append(f"<line x1='{xt:.1f}' x2='{xt:.1f}' y1='{top}' y2='{bottom}' stroke='{_GRID}'/>"
                    f"<text x='{xt:.1f}' y='{top - 10}' text-anchor='middle' fill='{_AXIS_TEXT}' {_FONT}>{text}</text>"
                    f"<text x='{xt:.1f}' y='{bottom + 16}' text-anchor='middle' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{text}</text>")
    xa, red = fr.x(as_of), COLORS[OVERDUE]
    today = (f"<line x1='{xa:.1f}' x2='{xa:.1f}' y1='{top}' y2='{bottom}' stroke='{red}' stroke-width='2' "
             f"stroke-dasharray='3 3'/><text x='{xa:.1f}' y='{bottom + 34}' text-anchor='middle' "
             f"font-weight='bold' fill='{red}' {_FONT}>{esc(label_today)}</text>")
    return "".join(grid), today


def gantt_svg(rows: pd.DataFrame, as_of: date, events: pd.DataFrame | None = None, label_today: str = "today",
              ids_only: bool = False, chart_id: str = "gantt") -> str:
    """One bar per action in the order of `rows` (queries.timeline_rows), under a header per group.

    A bar runs from the action's start to its due date, coloured by status (or the due-date verdict);
    open-ended bars (no due date) run to the as-of day and, like actions nobody has reported on, are
    hatched; an action due on or before its start is a diamond; a status change is a black tick. Each
    bar's tooltip (its <title>) has the action's title, lead, status and dates. With ids_only (a phone)
    a row is labelled by its id only, so the bars keep the width.
    """
    esc = html_in_markdown  # drawn inside st.markdown: see text.html_in_markdown
    sentence = gantt_sentence(rows, as_of, label_today)
    if rows.empty:
        return _svg(chart_id, 40, "Timeline", sentence, [], esc)
    fr, top = _gantt_frame(rows, as_of, ids_only), 30
    groups = list(rows.groupby("group", sort=False))
    bottom = top + GANTT_ROW * (len(rows) + len(groups))
    bands, marks, row_y = [], [], {}
    line = 0
    for k, (name, g) in enumerate(groups):
        y0 = top + GANTT_ROW * line
        if k % 2 == 0:  # every other group shaded
            bands.append(f"<rect x='0' y='{y0}' width='{fr.width}' height='{GANTT_ROW * (len(g) + 1)}' fill='#f3f5f8'/>")
        short = str(name).split(" > ")[-1]  # "1. Build ... > 1.2 Invest in AI Gigafactories" -> "1.2 Invest ..."
        marks.append(f"<text class='group' x='4' y='{y0 + 15}' font-weight='bold' fill='#111' {_FONT}>"
                     f"{esc(clip(short, 55 if ids_only else 120))}</text>")
        for j, r in enumerate(g.itertuples(), start=1):
            row_y[r.action_id] = top + GANTT_ROW * (line + j)
            marks.append(_gantt_row(r, row_y[r.action_id], fr, esc, ids_only, chart_id))
        line += len(g) + 1
    for e in (events.itertuples() if events is not None else ()):
        if e.action_id in row_y:
            xe, yy = fr.x(e.effective_date), row_y[e.action_id]
            marks.append(f"<line class='change' x1='{xe:.1f}' x2='{xe:.1f}' y1='{yy + 2}' y2='{yy + GANTT_ROW - 2}' "
                         f"stroke='#000' stroke-width='2'><title>{esc(e.action_id)} {esc(fmt_date(e.effective_date))}"
                         f": {esc(status_label(e.status))}</title></line>")
    grid, today = _gantt_axes(fr, top, bottom, as_of, label_today, esc, 4 if ids_only else 8)
    hatch = (f"<defs><pattern id='{chart_id}-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
             f"patternTransform='rotate(45)'><line x1='0' y1='0' x2='0' y2='6' stroke='#ffffff' stroke-width='2.5' "
             f"stroke-opacity='0.75'/></pattern></defs>")
    return _svg(chart_id, bottom + 40, "Timeline", sentence, [hatch, *bands, grid, *marks, today], esc, fr.width)


# The dashboard's completion and owners charts. Line colours each at least 3:1 on white (WCAG 1.4.11);
# every line is also named in words at its end, so no colour has to be told apart.
SERIES_COLOURS = ("#0072B2", "#C44E00", "#007A5A", "#AA3377", "#6B4C9A", "#8A6D00", "#555555", "#B2182B")
COMPLETION_MEASURES = ("count", "share", "share of assessed")


def _completion_values(g: pd.DataFrame, measure: str) -> tuple[pd.Series, pd.Series]:
    """A line's two step lines: completed (solid) and, dashed, what was due (dotted: status known)."""
    if measure == "count":
        return g["completed"], g["due"]
    if measure == "share":
        return g["completed_share"], g["due"] / g["actions"]
    return g["completed_share_assessed"], g["assessed"] / g["actions"]


def _completion_label(name: str, measure: str, done: float, other: float, short: bool = False,
                      room: int | None = None) -> str:
    """A line's name and last values; with `room` (characters) the name is clipped to fit beside them."""
    if pd.isna(done):  # a share of the assessed when none is: no figure
        rest = "no status known" if short else "no status known yet"
    elif short:  # a phone's: the same values, fewer words
        rest = (f"{int(done)} ({int(other)} due)" if measure == "count"
                else f"{done:.0%} ({other:.0%} {'due' if measure == 'share' else 'known'})")
    elif measure == "count":
        rest = f"{int(done)} completed, {int(other)} due"
    elif measure == "share":
        rest = f"{done:.0%} completed, {other:.0%} due"
    else:
        rest = f"{done:.0%} of assessed completed, {other:.0%} known"
    wide = len(rest) + rest.count("%")  # a per cent sign is about two characters wide
    return f"{clip(name, max(room - wide - 2, 4)) if room else name}: {rest}"


def _spread(wants: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label positions near `wants`, at least `gap` apart and inside [lo, hi], in the same order."""
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    placed: dict[int, float] = {}
    at = lo - gap
    for i in order:
        at = max(wants[i], at + gap)
        placed[i] = at
    over = placed[order[-1]] - hi if order else 0
    if over > 0:  # pushed past the bottom: move the lot up, never above the top
        for i in order:
            placed[i] = max(lo, placed[i] - over)
    return [placed[i] for i in range(len(wants))]


def _step_points(days: pd.Series, values: pd.Series, x, y) -> str:
    """A step line through the days on which the value changes (and the last day): across, then up.
    Days with no value (a share of assessed before any status is known) are left out: no line there."""
    known = values.notna().to_numpy()
    days, values = days[known], values[known]
    if values.empty:
        return ""
    keep = values.ne(values.shift()).to_numpy(copy=True)
    keep[-1] = True
    pts, prev = [], None
    for d, v in zip(days[keep], values[keep]):
        if prev is not None:
            pts.append(f"{x(d):.1f},{y(prev):.1f}")
        pts.append(f"{x(d):.1f},{y(v):.1f}")
        prev = v
    return " ".join(pts)


def completion_lines_sentence(curve: pd.DataFrame, measure: str, per: str = "plan") -> str:
    if curve.empty:
        return "Nothing to draw."
    c = curve.assign(date=pd.to_datetime(curve["date"]))
    n = c["plan"].nunique()
    second = "status known (dotted)" if measure == "share of assessed" else "due by then (dashed)"
    ends = [_completion_label(str(name), measure, *(s.iloc[-1] for s in _completion_values(g, measure)))
            for name, g in c.groupby("plan", sort=True)]
    listed = ("; ".join(ends) + ".") if n <= 6 else "The table below gives each line's latest values."
    return (f"Completed actions ({measure}) from {_day(c['date'].min())} to {_day(c['date'].max())}, one solid line "
            f"per {per} ({n}) beside its {second}. On the last day: {listed}")


def completion_lines_svg(curve: pd.DataFrame, measure: str = "count", per: str = "plan", phone: bool = False,
                         chart_id: str = "completion") -> str:
    """The dashboard's completion over time: per plan (or theme) a solid step line of completed actions
    (a count, a share of all, or a share of the assessed) and a dashed one of what was due by then
    (dotted: the share with a known status). Each line is named, with its last values, at its end.
    On a phone the chart is drawn narrower (its text stays readable) with shorter names."""
    esc = html_in_markdown  # drawn inside st.markdown: see text.html_in_markdown
    measure = measure if measure in COMPLETION_MEASURES else "share of assessed"
    sentence = completion_lines_sentence(curve, measure, per)
    if curve.empty:
        return _svg(chart_id, 40, "Completion over time", sentence, [], esc)
    width = PHONE_WIDTH if phone else WIDTH
    height, left, right, top, bottom = (360, 40, 190, 16, 40) if phone else (420, 56, 330, 16, 40)
    c = curve.assign(date=pd.to_datetime(curve["date"]))
    t0, t1 = c["date"].min(), c["date"].max()
    span = max((t1 - t0).days, 1)
    share = measure != "count"
    ymax = 1.0 if share else max(float(c[["completed", "due"]].to_numpy().max()), 1.0)

    def x(d):
        return left + (width - left - right) * (d - t0).days / span

    def y(v):
        return top + (height - top - bottom) * (1 - float(v) / ymax)

    body = []
    ticks = [0, .25, .5, .75, 1] if share else sorted({0, int(ymax) // 2, int(ymax)})
    for v in ticks:
        text = f"{v:.0%}" if share else str(v)
        body.append(f"<line x1='{left}' x2='{width - right}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='{_GRID}'/>"
                    f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{text}</text>")
    for t in [t0, *_month_ticks(t0, t1, 2 if phone else 6)[1:-1], t1] if span > 60 else [t0, t1]:
        body.append(f"<text x='{x(t):.1f}' y='{height - 14}' text-anchor='middle' fill='{_AXIS_TEXT}' {_FONT}>"
                    f"{esc(_day(t) if t in (t0, t1) else t.strftime('%b %Y'))}</text>")
    dash = "2 3" if measure == "share of assessed" else "6 4"
    groups = list(c.groupby("plan", sort=True))
    ends, labels = [], []
    for i, (name, g) in enumerate(groups):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        done, other = _completion_values(g, measure)
        body.append(f"<g class='series'><polyline class='done' fill='none' stroke='{colour}' stroke-width='3' "
                    f"points='{_step_points(g['date'], done, x, y)}'/><polyline class='other' fill='none' "
                    f"stroke='{colour}' stroke-width='1.5' stroke-dasharray='{dash}' "
                    f"points='{_step_points(g['date'], other, x, y)}'/></g>")
        ends.append(y(0 if pd.isna(done.iloc[-1]) else done.iloc[-1]))
        room = (right - 18) // 7  # characters of 12-unit text beside the plot
        labels.append((colour, _completion_label(str(name), measure, done.iloc[-1], other.iloc[-1], phone, room),
                       str(name)))
    for want, at, (colour, text, name) in zip(ends, _spread(ends, 15, top + 4, height - bottom), labels):
        xl = width - right
        body.append(f"<line x1='{xl:.1f}' x2='{xl + 14:.1f}' y1='{want:.1f}' y2='{at:.1f}' stroke='{colour}' "
                    f"stroke-width='2'/><text class='end' x='{xl + 18:.1f}' y='{at + 4:.1f}' fill='#111' {_FONT}>"
                    f"{esc(text)}<title>{esc(name)}</title></text>")
    return _svg(chart_id, height, "Completion over time", sentence, body, esc, width)


OWNER_MEASURES = ((COMPLETED, "completed"), (IN_PROGRESS, "in progress"), ("overdue", "overdue"))


def owner_bars_sentence(card: pd.DataFrame, top: int = 25) -> str:
    if card.empty:
        return "No owner is named for these actions."
    shown = card.head(top)
    first = shown.iloc[0]
    return (f"The {len(shown)} owners with the most actions (of {len(card)}), in the table's order, each with three "
            f"bars: completed, in progress, and overdue (reported open, past the due date). The first, {first['owner']}, "
            f"has {int(first['assigned'])} actions: {int(first[COMPLETED])} completed, "
            f"{int(first[IN_PROGRESS])} in progress, {int(first['overdue'])} overdue. The table below has every owner.")


def owner_bars_svg(card: pd.DataFrame, top: int = 25, phone: bool = False, chart_id: str = "owners") -> str:
    """The owners with the most actions (the scorecard's first `top` rows, in its order): per owner a
    bar of completed, of in-progress and of overdue actions, each with its number at its end; under
    its name, how many actions it has and for how many a status is known. Narrower on a phone."""
    esc = html_in_markdown
    sentence = owner_bars_sentence(card, top)
    if card.empty:
        return _svg(chart_id, 40, "Owners", sentence, [], esc)
    shown = card.head(top)
    width, left, right, head, bar, row = (PHONE_WIDTH, 170, 30, 34, 9, 38) if phone else (WIDTH, 280, 48, 34, 9, 38)
    vmax = max(int(shown[[m for m, _ in OWNER_MEASURES]].to_numpy().max()), 1)
    height = head + row * len(shown) + 10

    def w(v):
        return (width - left - right) * v / vmax

    colours = {COMPLETED: COLORS[COMPLETED], IN_PROGRESS: COLORS[IN_PROGRESS], "overdue": COLORS[OVERDUE]}
    body = []
    for k, (m, words) in enumerate(OWNER_MEASURES):  # the legend, in the bars' order
        lx = 8 + 120 * k if phone else left + 150 * k
        body.append(f"<rect x='{lx}' y='8' width='14' height='10' fill='{colours[m]}'/>"
                    f"<text x='{lx + 20}' y='17' fill='#111' {_FONT}>{esc(words)}</text>")
    for j, r in enumerate(shown.itertuples(index=False)):
        r = dict(zip(shown.columns, r))
        y0 = head + row * j
        owner = str(r["owner"])
        body.append(f"<text class='owner' x='{left - 8}' y='{y0 + 15}' text-anchor='end' fill='#111' {_FONT}>"
                    f"{esc(clip(owner, 20 if phone else 40))}<title>{esc(owner)}</title></text>"
                    f"<text class='count' x='{left - 8}' y='{y0 + 29}' text-anchor='end' fill='{_AXIS_TEXT}' "
                    f"font-family='system-ui,sans-serif' font-size='10'>{int(r['assigned'])} actions, "
                    f"{'known' if phone else 'status known for'} "
                    f"{int(r['assessed'])}</text>")
        for k, (m, words) in enumerate(OWNER_MEASURES):
            v, yb = int(r[m]), y0 + 3 + k * (bar + 1)
            body.append(f"<rect class='bar' x='{left}' y='{yb}' width='{max(w(v), 1):.1f}' height='{bar}' "
                        f"fill='{colours[m]}'><title>{esc(owner)}: {v} {esc(words)}</title></rect>"
                        f"<text class='value' x='{left + w(v) + 4:.1f}' y='{yb + 8}' fill='{_AXIS_TEXT}' "
                        f"font-family='system-ui,sans-serif' font-size='10'>{v}</text>")
    return _svg(chart_id, height, "Owners", sentence, body, esc, width)
