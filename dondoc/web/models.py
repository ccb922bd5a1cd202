"""Tables of the web app (owned by the web issue)."""
