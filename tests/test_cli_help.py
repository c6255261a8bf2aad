"""Every command has help text with an example (walks the whole command tree)."""

from __future__ import annotations

import typer

from termcrm.cli.app import app


def _commands(group, path=()):
    """Every command a user runs: the leaves, and groups that run on their own
    (`interactions` lists, `interactions edit` edits), built as an invocation would build them
    (the root is lazy)."""
    from typer._click import Context

    ctx = Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if hasattr(command, "list_commands"):
            if command.invoke_without_command:
                yield (*path, name), command
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_has_help_with_an_example():
    root = typer.main.get_command(app)
    missing = [
        " ".join(path)
        for path, command in _commands(root)
        if not command.help or "Example:" not in command.help
    ]
    assert missing == []


def test_spec_commands_exist():
    root = typer.main.get_command(app)
    names = {" ".join(path) for path, _ in _commands(root)}
    for expected in [
        "contact add", "contact list", "contact show", "contact edit", "contact delete",
        "company add", "company list", "company show", "log call", "log email", "log meeting",
        "log note", "log chat", "log sms", "log social", "interactions", "deal add", "deal list",
        "deal move", "deal won", "deal lost", "pipeline", "db upgrade", "db check", "db backup",
        "demo",
    ]:  # fmt: skip
        assert expected in names


def test_help_runs_for_every_command(crm):
    root = typer.main.get_command(app)
    for path, _ in _commands(root):
        result = crm(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example:" in result.stdout


def test_root_help_lists_every_command_without_building_them(crm):
    from termcrm.cli import app as app_module

    app_module._built.clear()
    result = crm("--help")
    assert result.exit_code == 0
    for name in app_module.LAZY:
        assert name in result.stdout
    assert app_module._built == {}


def test_every_top_level_command_a_module_registers_is_listed():
    """A command added with `register(root)` but missing from the lazy table would vanish."""
    import importlib

    from termcrm.cli import app as app_module

    for module_name in {module for module, attribute in app_module.LAZY.values() if not attribute}:
        collector = app_module._Collector()
        importlib.import_module(f"termcrm.cli.{module_name}").register(collector)
        for name in collector.functions:
            assert app_module.LAZY.get(name) == (module_name, None), name
