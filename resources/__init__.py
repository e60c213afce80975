"""Icons, style sheets, translations and sample data, loaded with importlib.resources."""
