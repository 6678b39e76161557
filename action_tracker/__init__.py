"""Action Tracker: the store, the rules and the queries behind the dashboard.

Front ends (the Streamlit pages, the command line) are thin: they call these modules.
"""

__version__ = "0.1.0"
