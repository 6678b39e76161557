"""Plotly figures built from query results. No Streamlit here: tests read the figures."""

from __future__ import annotations

import textwrap
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .statuses import (
    COLORS,
    COMPLETED,
    HATCHED_NOTE,
    MARKDOWN_COLORS,
    NO_UPDATE,
    OVERDUE,
    PAST_DUE_NO_UPDATE,
    SHOWN,
    SYMBOLS,
    label,
)
from .text import html as _esc
from .text import md, page_link_md

# What a Gantt bar is coloured by: the status, or the due-date verdict before it.
GANTT_ORDER = [OVERDUE, PAST_DUE_NO_UPDATE, *SHOWN]
HATCHED = (NO_UPDATE, PAST_DUE_NO_UPDATE)  # no reported status: hatched as well as coloured

FONT = dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=13)
ROW_PX = 24  # height of one Gantt row


def standalone(fig: go.Figure) -> go.Figure:
    """For a figure drawn outside Streamlit (the report, the public edition). Importing Streamlit makes
    its own theme Plotly's default template in that process, with other margins and fonts than the
    page that will draw it: name Plotly's own template, so the figure looks the same wherever it is made."""
    fig.update_layout(template="plotly")
    return fig


def _layout(fig: go.Figure, height: int | None = None, title: str | None = None) -> go.Figure:
    fig.update_layout(font=FONT, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None),
                      title=title, plot_bgcolor="white")
    if height:
        fig.update_layout(height=height)
    return fig


def status_mix(mix: pd.DataFrame) -> go.Figure:
    """Stacked bars: actions per plan by status."""
    mix = mix.assign(plan=mix["plan"].map(_esc))  # Plotly reads tags in axis labels: plan ids are text
    fig = px.bar(mix, y="plan", x="count", color="status", orientation="h",
                 category_orders={"status": list(SHOWN), "plan": sorted(mix["plan"].unique(), reverse=True)},
                 color_discrete_map=COLORS, labels={"count": "actions", "plan": ""})
    fig.update_traces(hovertemplate="%{y}: %{x} %{fullData.name}<extra></extra>")
    for trace in fig.data:
        if trace.name in HATCHED:
            trace.marker.pattern = dict(shape="/", fillmode="overlay", size=6)
    fig = _layout(fig, height=90 + 40 * mix["plan"].nunique())
    # Room for the plan names: with a 10 px margin a first draw could start them outside the chart.
    fig.update_layout(margin=dict(l=60))
    fig.update_yaxes(automargin=True)
    return fig


def _mix_counts(mix: pd.DataFrame) -> tuple[dict[str, dict[str, int]], dict[str, int], int]:
    """status_mix() rows as plan -> status -> count (plain dicts, not a filter per plan), each plan's
    total, and the largest total (at least 1): what both drawings of the status mix scale by."""
    counts: dict[str, dict[str, int]] = {}
    for plan, status, n in zip(mix["plan"], mix["status"], mix["count"]):
        counts.setdefault(plan, {})[status] = counts.get(plan, {}).get(status, 0) + int(n)
    totals = {plan: sum(by_status.values()) for plan, by_status in counts.items()}
    return counts, totals, max(max(totals.values(), default=0), 1)


def status_mix_html(mix: pd.DataFrame) -> str:
    """The status mix as plain HTML bars, for the public edition (the dashboard's is
    status_mix_markdown): drawn with no chart library, since loading Plotly's JavaScript takes
    longer than the rest of the page; each segment carries its numbers as data attributes and a
    title for hover.
    """
    rows = []
    counts, totals, widest = _mix_counts(mix)
    hatch = "background-image:repeating-linear-gradient(45deg,rgba(0,0,0,.18) 0 2px,transparent 2px 6px);"
    for plan in sorted(counts):
        g = counts[plan]
        segments = "".join(
            f"<div class='seg' data-plan='{_esc(plan)}' data-status='{s}' data-count='{g[s]}' "
            f"title='{_esc(plan)}: {g[s]} {s}' "
            f"style='width:{100 * g[s] / widest:.3f}%;background-color:{COLORS[s]};"
            f"{hatch if s in HATCHED else ''}'>{SYMBOLS[s] if g[s] * 25 >= widest else ''}</div>"
            for s in SHOWN if g.get(s, 0))
        rows.append(f"<div class='row'><span class='plan'>{_esc(plan)}</span><div class='bar'>{segments}</div>"
                    f"<span class='total'>{totals[plan]}</span></div>")
    legend = "".join(f"<span><i style='background-color:{COLORS[s]};{hatch if s in HATCHED else ''}'></i>"
                     f"{_esc(label(s))}</span>" for s in SHOWN)
    return ("<div class='status-mix' role='img' aria-label='Actions per plan by status'>"
            "<style>.status-mix .row{display:flex;align-items:center;gap:.5rem;margin:.35rem 0}"
            ".status-mix .plan{width:3rem;font-weight:600}.status-mix .bar{flex:1;display:flex;height:1.4rem}"
            ".status-mix .seg{height:100%;color:#fff;font-size:.75rem;text-align:center;line-height:1.4rem;overflow:hidden}.status-mix .total{width:3rem;color:#555}"
            ".status-mix .legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.85rem;margin-top:.5rem}"
            ".status-mix .legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}"
            f"</style>{''.join(rows)}<div class='legend'>{legend}</div></div>")


def status_mix_markdown(mix: pd.DataFrame, phone: bool = False) -> str:
    """The status mix as a Markdown table: per plan, its actions, and a bar of coloured blocks (the
    longest plan BAR_CELLS wide) followed by each status's count by its symbol; a legend below.
    On a phone the bar is shorter and the counts are left out (the table would not fit the screen,
    and Markdown table cells do not wrap): the per-plan table then keeps them (plan_table_markdown)."""
    counts, totals, widest = _mix_counts(mix)
    rows = ["| plan | actions | actions by status |", "|---|---:|---|"]
    for plan in sorted(counts):
        g = counts[plan]
        bar = markdown_bar([(s, g.get(s, 0)) for s in SHOWN],
                           round((PHONE_BAR_CELLS if phone else BAR_CELLS) * totals[plan] / widest))
        numbers = "" if phone else " " + (" · ".join(f"{SYMBOLS[s]} {g[s]}" for s in SHOWN if g.get(s, 0)) or "—")
        rows.append(f"| **{md(plan)}** | {totals[plan]} | {bar}{numbers} |")
    legend = " · ".join(f"{_blocks(s, 2)} {md(label(s))}" for s in SHOWN)
    return "\n".join(rows) + "\n\n" + legend


def status_legend_markdown() -> str:
    """The Gantt's colours in words: the due-date verdicts, then every status."""
    return " · ".join(f"{_blocks(s, 2)} {md(label(s))}" for s in GANTT_ORDER) + f". {md(HATCHED_NOTE)}"


def _cell(col, v, percent=(), dates=(), meters=(), links=None, unlinked=()) -> tuple[str, float | None, str | None]:
    """A table cell: its text, not yet escaped (— if unknown); its share (0 to 1) if it is a meter;
    and its link, if its column has a URL template with {value} (`links`) and the value is known and
    not in `unlinked`."""
    from urllib.parse import quote

    from .statuses import fmt_date
    if col in dates:
        return fmt_date(v), None, None
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—", None, None
    if col in meters:
        return f"{float(v):.0%}", float(v), None
    if col in percent:
        return f"{float(v):.0%}", None, None
    text = str(int(v)) if isinstance(v, float) and float(v).is_integer() else str(v)
    # replace, not format: a template holds the link's kept query, whose text str.format would read
    target = links[col].replace("{value}", quote(str(v), safe="")) if links and col in links and v not in unlinked \
        else None
    return text, None, target


def html_table(df: pd.DataFrame, links: dict[str, str] | None = None, percent: tuple[str, ...] = (),
               dates: tuple[str, ...] = (), unlinked: tuple[str, ...] = (), meters: tuple[str, ...] = ()) -> str:
    """A small table as plain HTML (no data-grid JavaScript), escaped: the report and the public edition.

    `links` maps a column to a URL template with {value}; `percent` columns show as 37%;
    `dates` columns as 09 Apr 2025, and an unknown value as —. Values in `unlinked` get no link.
    `meters` columns (shares from 0 to 1) show as a bar with the percent beside it.
    """
    def cell(col, v):
        text, share, target = _cell(col, v, percent, dates, meters, links, unlinked)
        if share is not None:
            return (f"<span class='meter' role='img' aria-label='{text}'><i style='width:{100 * share:.1f}%'>"
                    f"</i></span> {text}")
        return f"<a href='{_esc(target)}' target='_self'>{_esc(text)}</a>" if target else _esc(text)

    head = "".join(f"<th>{_esc(str(c).replace('_', ' '))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(c, v)}</td>" for c, v in zip(df.columns, row)) + "</tr>"
                   for row in df.itertuples(index=False))
    return ("<div class='plain-table'><style>.plain-table table{border-collapse:collapse;width:100%;font-size:.9rem}"
            ".plain-table th,.plain-table td{border-bottom:1px solid #e6e6e6;padding:.3rem .5rem;text-align:left}"
            ".plain-table th{background:#f6f6f6;font-weight:600}.plain-table .meter{display:inline-block;width:4rem;"
            "height:.6rem;background:#e6e6e6;vertical-align:middle}.plain-table .meter i{display:block;height:100%;"
            "background:#009E73}</style>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


# The dashboard's tables and bars are Markdown, not HTML: Streamlit draws an HTML block only once
# its HTML renderer (rehype-raw) has been fetched, 0.1-0.2 s after the rest of the page, so a page
# whose answer is HTML shows a placeholder first. The report and the public edition stay HTML.
METER_CELLS = 10  # characters in a table's progress meter
BAR_CELLS = 40  # characters in the status mix's longest bar
PHONE_BAR_CELLS = 16  # on a phone: with the plan and its total, the screen's width


def markdown_bar(counts: list[tuple[str, int]], cells: int) -> str:
    """Counts as one bar of `cells` characters in all, each status in its colour, every status
    present shown by at least one character (largest remainders get the rest)."""
    total = sum(n for _, n in counts)
    if not total or not cells:
        return ""
    shown = [(s, n) for s, n in counts if n]
    cells = max(cells, len(shown))
    exact = [n * cells / total for _, n in shown]
    width = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(shown)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in by_remainder[:max(0, cells - sum(width))]:
        width[i] += 1
    while sum(width) > cells:  # the at-least-one rule overshot: take from the widest
        width[width.index(max(width))] -= 1
    return "".join(_blocks(s, w) for (s, _), w in zip(shown, width) if w)


def _blocks(status: str, n: int) -> str:
    # No update yet is a light shade (hatched, as in the charts); the others are solid blocks.
    if n <= 0:
        return ""
    glyph = ("░" if status in HATCHED else "█") * n
    color = MARKDOWN_COLORS.get(status)
    return f":{color}[{glyph}]" if color else glyph


def markdown_table(df: pd.DataFrame, links: dict[str, str] | None = None, percent: tuple[str, ...] = (),
                   dates: tuple[str, ...] = (), unlinked: tuple[str, ...] = (), meters: tuple[str, ...] = ()) -> str:
    """html_table's table as Markdown for the dashboard, every value escaped; the same arguments.
    A meter is the percent, then a bar of coloured blocks."""
    def cell(col, v):
        text, share, target = _cell(col, v, percent, dates, meters, links, unlinked)
        if share is not None:
            done = round(share * METER_CELLS)
            return f"{text} {_blocks(COMPLETED, done)}{_blocks(NO_UPDATE, METER_CELLS - done)}"
        return page_link_md(text, target) if target else md(text)

    head = "| " + " | ".join(md(str(c).replace("_", " ")) for c in df.columns) + " |"
    rule = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join(cell(c, v) for c, v in zip(df.columns, row)) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def plan_table_html(summary: pd.DataFrame, plan_link: str | None = None) -> str:
    """The per-plan table of the overview, snapshots, the report and the public edition, one way.
    `plan_link` is a URL template with {value} for each plan's name."""
    from .queries import PLAN_TABLE_METERS, plan_table
    return html_table(plan_table(summary), links={"plan": plan_link} if plan_link else None,
                      meters=PLAN_TABLE_METERS, dates=("latest evidence",), unlinked=("All plans",))


def plan_table_markdown(summary: pd.DataFrame, plan_link: str | None = None, per_status: bool = False) -> str:
    """The per-plan table of the overview, as Markdown (see plan_table_html). Without a column per
    status unless `per_status`: the status mix above it gives those counts (but not on a phone),
    and 14 columns do not fit a page."""
    from .queries import PLAN_TABLE_METERS, plan_table
    table = plan_table(summary)
    if not per_status:
        table = table.drop(columns=[s for s in SHOWN if s != COMPLETED])
    return markdown_table(table, links={"plan": plan_link} if plan_link else None,
                          meters=PLAN_TABLE_METERS, dates=("latest evidence",), unlinked=("All plans",))


def _today_line(fig: go.Figure, as_of: date, label: str = "today", at_bottom: bool = False) -> None:
    # add_vline with an annotation fails on date axes; a shape plus an annotation does not.
    fig.add_shape(type="line", x0=as_of, x1=as_of, y0=0, y1=1, yref="paper",
                  line=dict(color=COLORS[OVERDUE], width=2, dash="dot"))
    fig.add_annotation(x=as_of, y=0 if at_bottom else 1, yref="paper", text=label, showarrow=False,
                       yanchor="top" if at_bottom else "bottom", yshift=-18 if at_bottom else 0,
                       font=dict(color=COLORS[OVERDUE]), bgcolor="white")


def gantt(rows: pd.DataFrame, as_of: date, events: pd.DataFrame | None = None, label_today: str = "today") -> go.Figure:
    """One bar per action, coloured by status, in the order of `rows` (see queries.timeline_rows).

    px.timeline drops rows without a start and draws zero-length bars invisibly, so every
    row has a start, and actions whose due date is on or before their start are drawn as
    diamond milestones in a trace of their own. Open-ended bars (no due date) run to the
    as-of day, lighter and hatched. Status events are drawn as small markers.
    """
    order, headers, spans = _group_order(rows)
    rows = rows.assign(hover=_hover(rows))
    bars = rows[~rows["milestone"]]
    fig = px.timeline(bars, x_start="start", x_end="end", y="label", color="shown_as",
                      color_discrete_map=COLORS, category_orders={"label": order, "shown_as": GANTT_ORDER},
                      custom_data=["hover"], labels={"shown_as": ""})
    for trace in fig.data:
        open_mask = bars.loc[bars["shown_as"] == trace.name, "open_ended"].tolist()
        hatched = trace.name in HATCHED
        trace.marker.pattern = dict(shape=["/" if o or hatched else "" for o in open_mask], fillmode="overlay", size=6)
        trace.marker.opacity = None
        trace.hovertemplate = "%{customdata[0]}<extra></extra>"
    miles = rows[rows["milestone"]]
    for shown in GANTT_ORDER:
        m = miles[miles["shown_as"] == shown]
        if len(m):
            fig.add_trace(go.Scatter(
                x=m["end"], y=m["label"], mode="markers", name=f"{shown} (due on or before its start)",
                legendgroup=shown,
                marker=dict(symbol="diamond-open" if shown in (OVERDUE, PAST_DUE_NO_UPDATE, NO_UPDATE) else "diamond",
                            size=12, color=COLORS[shown], line=dict(color=COLORS[shown], width=2)),
                customdata=m[["hover"]], hovertemplate="%{customdata[0]}<extra></extra>"))
    if events is not None and len(events):
        ev = events.merge(rows[["action_id", "label"]], on="action_id")
        if len(ev):
            fig.add_trace(go.Scatter(
                x=ev["effective_date"], y=ev["label"], mode="markers", name="status change",
                marker=dict(symbol="line-ns-open", size=14, color="black", line=dict(width=2)),
                customdata=ev[["status"]],
                hovertemplate="%{y}<br>%{x|%d %b %Y}: %{customdata[0]}<extra>status change</extra>"))
    _group_bands(fig, headers, spans, as_of)
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", title=None,
                     tickfont=dict(size=11))
    fig.update_xaxes(title=None, showgrid=True, gridcolor="#eee")
    # The date axis at the top as well as the bottom, so it is readable anywhere in a tall chart.
    fig.add_trace(go.Scatter(x=[rows["start"].min(), rows["end"].max()], y=[order[0], order[0]], xaxis="x2",
                             mode="markers", marker=dict(opacity=0), hoverinfo="skip", showlegend=False,
                             name="top axis"))
    fig.update_layout(xaxis2=dict(overlaying="x", side="top", matches="x", type="date", showgrid=False,
                                  tickformat="%b %Y"),
                      modebar=dict(orientation="v"))  # the toolbar beside the chart, off the legend
    fig.update_xaxes(tickformat="%b %Y")
    _today_line(fig, as_of, label_today, at_bottom=True)  # the top holds the second date axis
    fig = _layout(fig, height=150 + ROW_PX * max(len(order), 1))
    # The legend at the very top of the figure, above the top date axis rather than on it.
    fig.update_layout(legend=dict(orientation="h", yref="container", y=1, yanchor="top", x=0, title=None),
                      margin=dict(t=80))
    return fig


def _hover(rows: pd.DataFrame) -> pd.Series:
    """The hover text of each bar, in words: title, owner, status, start and due date."""
    from .statuses import fmt_date
    out = []
    for r in rows.itertuples():
        verdict = f" · {r.shown_as}" if r.shown_as != r.status else ""
        due = "no due date" if r.open_ended else f"due {fmt_date(r.end)}"
        title = "<br>".join(_esc(line) for line in textwrap.wrap(str(r.title), 70))
        out.append(f"<b>{_esc(r.action_id)}</b> {title}<br>Lead: {_esc(r.lead_owner, 'none named')}"
                   f"<br>{_esc(label(r.status))}{_esc(verdict)}<br>Starts {fmt_date(r.start)} · {due}")
    return pd.Series(out, index=rows.index)


def _group_order(rows: pd.DataFrame) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """The y order with a header row before each group; the headers; each group's row span."""
    order, headers, spans = [], [], []
    for name, g in rows.groupby("group", sort=False):
        short = str(name).split(" > ")[-1]  # "1. Build ... > 1.2 Invest in AI Gigafactories" -> "1.2 Invest ..."
        header = f"<b>{_esc(short[:80])}</b>"
        while header in headers:  # categories must stay distinct
            header += "\u200b"
        first = len(order)
        order.append(header)
        headers.append(header)
        order.extend(g["label"])
        spans.append((first, len(order) - 1))
    return order, headers, spans


def _group_bands(fig: go.Figure, headers: list[str], spans: list[tuple[int, int]], as_of: date) -> None:
    """Shade every other group; header rows get an invisible point so the axis keeps them."""
    for k, (first, last) in enumerate(spans):
        if k % 2 == 0:
            fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=first - 0.5, y1=last + 0.5, yref="y",
                          fillcolor="#f3f5f8", line=dict(width=0), layer="below")
    fig.add_trace(go.Scatter(x=[as_of] * len(headers), y=headers, mode="markers", marker=dict(opacity=0),
                             showlegend=False, hoverinfo="skip", name="groups"))


def completion(curve: pd.DataFrame, share: bool = False) -> go.Figure:
    """Cumulative completed actions per plan, beside the number due by each date.

    share: False (counts), True (of all the plan's actions) or "assessed" (of the actions with a
    reported status by then; the dashed line is then the share assessed, i.e. coverage)."""
    if share == "assessed":
        return _completion_of_assessed(curve)
    y = "completed_share" if share else "completed"
    fig = go.Figure()
    palette = px.colors.qualitative.Safe
    for i, (plan_id, g) in enumerate(curve.groupby("plan")):
        g = _steps(g, [y, "due", "actions"])
        color, plan = palette[i % len(palette)], _esc(plan_id)
        fig.add_trace(go.Scatter(x=g["date"], y=g[y], name=f"{plan} completed", mode="lines",
                                 line=dict(color=color, width=3, shape="hv"), legendgroup=plan,
                                 hovertemplate=f"{plan}: %{{y{':.0%' if share else ''}}} completed on %{{x|%d %b %Y}}<extra></extra>"))
        due = g["due"] / g["actions"] if share else g["due"]
        fig.add_trace(go.Scatter(x=g["date"], y=due, name=f"{plan} due by then", mode="lines",
                                 line=dict(color=color, width=1.5, dash="dash", shape="hv"), legendgroup=plan,
                                 hovertemplate=f"{plan}: %{{y{':.0%' if share else ''}}} due by %{{x|%d %b %Y}}<extra></extra>"))
    fig.update_yaxes(title="share of the plan's actions" if share else "actions", rangemode="tozero",
                     tickformat=".0%" if share else None, gridcolor="#eee")
    fig.update_xaxes(title=None, gridcolor="#eee")
    return _layout(fig, height=420)


def _steps(g: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The days on which any of `columns` changes, and the last day: a step line ("hv") drawn from these
    is the same line as from every day, with a fraction of the points to send and serialise."""
    values = g[columns]
    changed = values.ne(values.shift()).any(axis=1)
    changed.iloc[-1:] = True
    return g[changed]


def _completion_of_assessed(curve: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    palette = px.colors.qualitative.Safe
    for i, (plan_id, g) in enumerate(curve.groupby("plan")):
        g = _steps(g, ["completed_share_assessed", "assessed", "actions"])
        color, plan = palette[i % len(palette)], _esc(plan_id)
        fig.add_trace(go.Scatter(x=g["date"], y=g["completed_share_assessed"], name=f"{plan} completed, % of assessed",
                                 mode="lines", line=dict(color=color, width=3, shape="hv"), legendgroup=plan,
                                 hovertemplate=f"{plan}: %{{y:.0%}} of assessed completed on %{{x|%d %b %Y}}"
                                               "<extra></extra>"))
        fig.add_trace(go.Scatter(x=g["date"], y=g["assessed"] / g["actions"], name=f"{plan} status known",
                                 mode="lines", line=dict(color=color, width=1.5, dash="dot", shape="hv"),
                                 legendgroup=plan,
                                 hovertemplate=f"{plan}: status known for %{{y:.0%}} on %{{x|%d %b %Y}}<extra></extra>"))
    fig.update_yaxes(title="share", rangemode="tozero", tickformat=".0%", gridcolor="#eee")
    fig.update_xaxes(title=None, gridcolor="#eee")
    return _layout(fig, height=420)
