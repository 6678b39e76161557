"""Action Tracker: the Streamlit entry point. Page config and navigation only."""

import streamlit as st

from action_tracker import web

st.set_page_config(page_title="Action Tracker", page_icon="📋", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon="📊", default=True),
    st.Page("pages/timeline.py", title="Timeline", icon="📅", url_path="timeline"),
    st.Page("pages/completion.py", title="Completion over time", icon="📈", url_path="completion"),
    st.Page("pages/owners.py", title="Owners", icon="🏛️", url_path="owners"),
    st.Page("pages/compare.py", title="Compare the plans", icon="⚖️", url_path="compare"),
    st.Page("pages/explorer.py", title="Actions explorer", icon="🔎", url_path="explorer"),
    st.Page("pages/updates.py", title="Updates", icon="📤", url_path="updates"),
    st.Page("pages/snapshots.py", title="Snapshots", icon="📌", url_path="snapshots"),
    st.Page("pages/methodology.py", title="Methodology", icon="📖", url_path="methodology"),
]
# The sidebar's links are drawn by web.navigation so that they carry the view (day, evidence, plan, theme).
current = st.navigation(pages, position="hidden")
web.navigation(pages, current)
current.run()
