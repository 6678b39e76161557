"""Compare the plans: themes across all five, and what each government committed and delivered on each."""

import streamlit as st

from action_tracker import captions, charts, queries, web
from action_tracker.text import md

cur, ds, f = web.page("Compare the plans", "compare", filters=("plan",), sidebar_last=True)
state = queries.filter_actions(ds.state, f, ds.as_of)

st.subheader("Themes by plan")
matrix = queries.theme_matrix(state)
st.markdown(captions.theme_matrix_html(matrix, lambda p, t: web.link("explorer", f"plan={p}&theme={t}")),
            unsafe_allow_html=True)

st.subheader("One theme, side by side")
theme = st.selectbox("Theme", list(queries.THEMES_BY_ID), key="focus", bind="query-params",
                     help="  \n".join(f"**{t.theme_id}**: {md(t.name)}: {md(t.definition)}" for t in queries.THEMES))
words = st.text_input("Only actions whose title or text holds", key="q", bind="query-params",
                      placeholder="e.g. institute")
st.caption(md(queries.THEMES_BY_ID[theme].definition))
acts = queries.theme_actions(queries.filter_actions(state, queries.Filters(search=words), ds.as_of), theme)

st.markdown("**Who has delivered**")
st.markdown(charts.html_table(queries.delivered_summary(acts, theme)), unsafe_allow_html=True)
plans = sorted(state["plan_id"].unique())
for col, plan in zip(st.columns(len(plans)) if plans else [], plans):
    col.markdown(f"**{md(web.plan_name(ds, plan))}**")
    col.markdown(captions.plan_column_markdown(acts[acts["plan_id"] == plan],
                                               lambda a: web.link("explorer", f"action={a}")))

web.sidebar_controls(cur, ds, f, "compare")
