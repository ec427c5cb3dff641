"""Dashboard pages (one module per page) and their shared helpers (ui, charts)."""
