"""Serves the dashboard: `streamlit run serve.py` (what `make run` does).

dashboard.py is the app; this runs it in Streamlit's own server (st.App) with three additions,
action_tracker/serving.py: the HTML page tells the browser where the app lives, so a page opened by
its own link does not first look for the app under that link (0.07-0.1 s of its load); the server
sends each view's messages at once, where Streamlit's server held all but the first until the
browser acknowledged it (40 ms a view on Linux); and a script run hands its messages to the server's
event loop in batches, not waking it for each (2-10% of the server's CPU per view).
`streamlit run dashboard.py` still works, without them.
"""

import streamlit as st
from starlette.middleware import Middleware

from action_tracker.serving import KnownAppBase, SmallMessagesAtOnce, script_events_in_batches

script_events_in_batches()

app = st.App("dashboard.py", middleware=[Middleware(SmallMessagesAtOnce), Middleware(KnownAppBase)])
