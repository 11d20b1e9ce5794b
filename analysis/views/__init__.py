"""Per-page data preparation grows here, one module per page: store reads + metrics, no Streamlit.

:mod:`analysis.dashboard` still holds the single-athlete pages' preparation; pages that are new
(the coach's roster, :mod:`analysis.views.roster`) start here rather than growing that file.
"""
