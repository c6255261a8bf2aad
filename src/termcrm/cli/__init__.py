"""The Typer command tree: a thin shell over `termcrm.services`.

Modules here import only typer and light termcrm modules at the top; services, the store
and rich renderables are imported inside the commands that need them, so that
`termcrm --help` stays fast.
"""
