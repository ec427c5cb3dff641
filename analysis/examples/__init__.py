"""Runnable examples of the study API (``python -m analysis.examples.<name>``)."""
