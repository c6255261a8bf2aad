"""Typer (0.29+) ships its own copy of Click; everything Click-level comes from here."""

from typer._click import exceptions
from typer._click.globals import get_current_context

__all__ = ["exceptions", "get_current_context"]
