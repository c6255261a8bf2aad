"""The domain layer: every rule of termcrm lives here once.

Functions take a `sqlmodel.Session`, return models or plain dataclasses and raise
`termcrm.errors` types. Nothing here imports typer, rich or textual (import-linter checks).
"""
