"""The app's one error type for people: a command could not be carried out, and why."""

from __future__ import annotations


class CommandError(Exception):
    """A command could not be carried out; str() is the one-line message for a person."""
