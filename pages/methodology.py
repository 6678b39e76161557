"""Methodology: how actions, owners, dates and statuses are read, and what each figure means."""

import streamlit as st

from action_tracker import web

web.ensure_entrypoint()
# The text is the project's own (docs/methodology.md), not user input, so it is rendered as written.
st.markdown(web.methodology_text())
