"""Hands the shared records fixtures (defined in records_support.py) to pytest for this folder."""

from records_support import forget_home, mini, store, store_path  # noqa: F401
