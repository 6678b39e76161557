"""Action Tracker: the Streamlit entry point. Page config and navigation only."""

import streamlit as st

from action_tracker import web

st.set_page_config(page_title="Action Tracker", page_icon="📋", layout="wide")

pages = web.session_pages(lambda: [
    # Material icons: Streamlit ships their font, so they draw on machines without emoji fonts.
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/view_timeline:", url_path="timeline"),
    st.Page("pages/completion.py", title="Completion over time", icon=":material/trending_up:", url_path="completion"),
    st.Page("pages/owners.py", title="Owners", icon=":material/account_balance:", url_path="owners"),
    st.Page("pages/compare.py", title="Compare the plans", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("pages/explorer.py", title="Actions explorer", icon=":material/search:", url_path="explorer"),
    st.Page("pages/suggest.py", title="Suggest evidence", icon=":material/add_comment:", url_path="suggest"),
    st.Page("pages/review.py", title="Review queue", icon=":material/fact_check:", url_path="review"),
    st.Page("pages/updates.py", title="Updates", icon=":material/upload_file:", url_path="updates"),
    st.Page("pages/snapshots.py", title="Snapshots", icon=":material/push_pin:", url_path="snapshots"),
    st.Page("pages/methodology.py", title="Methodology", icon=":material/menu_book:", url_path="methodology"),
])
# The sidebar's links are drawn by web.navigation so that they carry the view (day, evidence, plan, theme).
current = st.navigation(pages, position="hidden")
web.navigation(pages, current)
current.run()
