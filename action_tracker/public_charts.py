"""The public edition's charts as static SVG, written by the publisher: no chart library and no
JavaScript for a reader to download (a plan page loaded 4.8 MB of plotly.min.js before). Each chart
says what it shows in words (its <title>, <desc> and a sentence beside it), and the numbers behind
it are on the page as a table or a list. Every value drawn is escaped (text.html).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .statuses import COLORS, NO_UPDATE, PAST_DUE_NO_UPDATE, SYMBOLS
from .text import html

WIDTH = 860
_FONT = "font-family='system-ui,sans-serif' font-size='12'"
_GRID, _AXIS_TEXT = "#e6e6e6", "#444"  # text 9.7:1 on white


def _day(d) -> str:
    return pd.Timestamp(d).strftime("%d %b %Y")


def _svg(chart_id: str, height: int, title: str, desc: str, body: list[str]) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='100%' role='img' "
            f"aria-labelledby='{chart_id}-title {chart_id}-desc' class='svg-chart'>"
            f"<title id='{chart_id}-title'>{html(title)}</title><desc id='{chart_id}-desc'>{html(desc)}</desc>"
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
        values = c[["date", col]]
        keep = values[col].ne(values[col].shift()) | (values.index == values.index[-1])
        pts, prev = [], None
        for d, v in values[keep].itertuples(index=False):
            if prev is not None:
                pts.append(f"{x(d):.1f},{y(prev):.1f}")  # a step: across, then up
            pts.append(f"{x(d):.1f},{y(v):.1f}")
            prev = v
        body.append(f"<polyline fill='none' stroke='{colour}' stroke-width='{w}' stroke-dasharray='{dash}' "
                    f"points='{' '.join(pts)}'/>")
        last = int(values[col].iloc[-1])
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
