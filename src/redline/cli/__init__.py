"""The command line: thin commands over the library (see redline.cli.app)."""

from redline.cli.app import app, main

__all__ = ["app", "main"]
