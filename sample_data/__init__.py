"""Data the project makes itself: a FIT writer and the generated demo athlete.

Nothing here is needed to run the dashboard; the files it writes to ``sample_data/demo/`` are.
"""
