"""Stridelog core: everything that runs without a Streamlit runtime.

Data flows one way: parsers -> tidy frame (schema) -> store -> metrics -> figures.
"""
