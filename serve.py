"""Serves the dashboard: `streamlit run serve.py` (what `make run` does).

dashboard.py is the app; this runs it in Streamlit's own server (st.App) with one addition,
action_tracker/serving.py: the server sends each view's messages at once, where Streamlit's server
holds all but the first until the browser acknowledges it (40 ms a view on Linux).
`streamlit run dashboard.py` still works, without it.
"""

import streamlit as st
from starlette.middleware import Middleware

from action_tracker.serving import SmallMessagesAtOnce

app = st.App("dashboard.py", middleware=[Middleware(SmallMessagesAtOnce)])
