"""The full-screen Textual app (`termcrm tui`)."""
