"""The trainer review window (GitHub issue #4): sessions, detail, compare, cohort dashboard.

``cohort_stats``, ``cohort_counts`` and ``sample_data`` are Qt-free (plain Python, tested
without a GUI); the other modules are the Qt views over them. Importing this package
imports no Qt, so the headless modules stay usable on machines without a display.
"""
