"""Compare the plans: themes across all five, and what each government committed and delivered on each."""

import streamlit as st

from action_tracker import page_data, queries, web
from action_tracker.text import md

cur, ds, f = web.page("Compare the plans", "compare", filters=("plan",), sidebar_last=True)

st.header("Themes by plan")
st.markdown(web.cached(page_data.compare_matrix, ds, f, web.keep_params()))
web.let_the_answer_show()  # the browser draws the matrix before what follows

# Drawn only when opened (a lazy expander, its state in the link as ?side=true); a link naming a theme
# or a search opens it. Closed, its widgets and each plan's list do not hold up the matrix above.
params = web.raw_params()
side_box = st.expander("One theme, side by side: what each plan committed and delivered", key="side",
                       bind="query-params", expanded=bool({"focus", "q"} & params.keys()))
if side_box.open:
    with side_box:
        theme = st.selectbox("Theme", list(queries.THEMES_BY_ID), key="focus", bind="query-params",
                             help="  \n".join(f"**{t.theme_id}**: {md(t.name)}: {md(t.definition)}"
                                              for t in queries.THEMES))
        words = st.text_input("Only actions whose title or text holds", key="q", bind="query-params",
                              placeholder="e.g. institute")
        st.caption(md(queries.THEMES_BY_ID[theme].definition))
        side = web.cached(page_data.compare_theme, ds, f, theme, words, web.keep_params())
        st.markdown("**Who has delivered**")
        st.markdown(side["delivered"])
        for col, (plan, text) in zip(st.columns(len(side["columns"])) if side["columns"] else [], side["columns"]):
            col.markdown(f"**{md(web.plan_name(ds, plan))}**")
            col.markdown(text)

web.sidebar_controls(cur, ds, f, "compare")
