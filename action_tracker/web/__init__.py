"""The Streamlit side of the tracker, for dashboard.py and pages/: one module per thing it serves.

* data.py: the store's connection, a cursor per script run, cached datasets and page parts;
* links.py: navigation, links that keep the view, the entry point every page runs through;
* widgets.py: the widgets bound to the URL (filters, day, share box, action picker);
* editors.py: sign-in, rate limits, republishing after an upload;
* layout.py: tables, notices and figures drawn the same way on every page.

Only widgets and layout live here and in pages/; every number comes from queries.py and page_data.py.
Pages call these as `web.page(...)`, `web.cached(...)`: the names below.
"""

from .data import (
           DATASETS_KEPT,
           PAGE_PARTS_KEPT,
           cached,
           cursor,
           last_status_change,
           methodology_text,
           plan_name,
           plan_titles,
           version,
)
from .editors import client_id, editor_secrets, identity_provider, republish, sign_in, suggestion_rate
from .layout import (
           ANSWER_PAUSE_SECONDS,
           claims_box,
           date_columns,
           editor,
           empty,
           headline_metrics,
           is_phone,
           let_the_answer_show,
           status_legend,
           svg_chart,
    table,
)
from .links import (
           absolute_link,
           ensure_entrypoint,
           figure_links,
           keep_params,
           link,
           navigation,
           raw_params,
           session_pages,
)
from .widgets import action_picker, compare_choice, filter_widgets, open_selected_action, page, sidebar_controls

__all__ = ["ANSWER_PAUSE_SECONDS", "DATASETS_KEPT", "PAGE_PARTS_KEPT", "absolute_link", "action_picker", "cached",
           "claims_box", "client_id", "compare_choice", "cursor", "date_columns", "editor", "editor_secrets", "empty",
           "ensure_entrypoint", "figure_links", "filter_widgets", "headline_metrics", "is_phone", "keep_params",
           "last_status_change", "let_the_answer_show", "link", "methodology_text", "navigation",
           "open_selected_action", "page", "plan_name", "plan_titles", "raw_params", "republish", "session_pages",
           "identity_provider", "sidebar_controls", "sign_in", "status_legend", "svg_chart", "suggestion_rate", "table", "version"]
