"""PySide6 desktop client: widgets and item models that observe the app core."""
